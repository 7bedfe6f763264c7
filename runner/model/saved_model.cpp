#include "runner/model/saved_model.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/activations/activation.hpp"
#include "engine/errors.hpp"
#include "engine/initializers/random.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "runner/errors.hpp"
#include "runner/trial_runner.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

// Keras names a model's dense layers dense, dense_1, dense_2, ...
std::string dense_name(int index) {
  return index == 0 ? std::string("dense") : fmt::format("dense_{}", index);
}

// The activation the model's outputs come out of: the last dense layer's, or
// a later activation layer's.
std::string output_activation(const json& layers) {
  std::string activation = "linear";
  for (const auto& layer : layers) {
    const std::string type = layer.value("type", "");
    if (type == "dense" || type == "activation") activation = layer.value("activation", "linear");
  }
  return activation;
}

}  // namespace

InputPreprocessing preprocessing_of(const engine::Dataset& data) {
  InputPreprocessing out;
  out.dataset = data.name;
  out.input = data.train.stores_uint8() ? "uint8" : "float32";
  out.features = data.features;
  out.classes = data.classes;
  out.class_names = data.class_names;
  out.offset.assign(data.train.offset().begin(), data.train.offset().end());
  out.scale.assign(data.train.scale().begin(), data.train.scale().end());
  return out;
}

TrialWeights capture_weights(const engine::Sequential& model, const json& layers,
                             const engine::Dataset& data, int epoch) {
  TrialWeights out;
  out.epoch = epoch;
  out.preprocessing = preprocessing_of(data);
  const std::vector<const engine::Matrix*> tensors = model.weights();
  std::size_t slot = 0;
  int dense = 0;
  const auto take = [&](const std::string& name, bool vector) {
    if (slot >= tensors.size()) {
      throw std::logic_error("the model has fewer weight tensors than its layers name");
    }
    const engine::Matrix& m = *tensors[slot++];
    WeightTensor tensor;
    tensor.name = name;
    tensor.shape = vector ? std::vector<std::int64_t>{m.cols()}
                          : std::vector<std::int64_t>{m.rows(), m.cols()};
    tensor.values.assign(m.data(), m.data() + m.size());
    out.tensors.push_back(std::move(tensor));
  };
  for (const auto& layer : layers) {
    if (layer.value("type", "") != "dense") continue;
    const std::string name = dense_name(dense++);
    take(name + "/kernel", false);
    if (layer.value("use_bias", true)) take(name + "/bias", true);
  }
  if (slot != tensors.size()) {
    throw std::logic_error("the model has more weight tensors than its layers name");
  }
  return out;
}

engine::Sequential rebuild_model(const json& config, const TrialWeights& weights) {
  const json& training = config.at("training");
  engine::Sequential model;
  for (const auto& layer : config.at("model").at("layers"))
    model.add(engine::make_layer(to_component(layer, "type")));
  engine::Rng rng(0);  // the initial values are replaced below
  model.build(weights.preprocessing.features, rng);
  std::vector<engine::Component> metrics;
  for (const auto& metric : training.at("metrics")) metrics.push_back(to_component(metric));
  model.compile(engine::make_optimizer(to_component(training.at("optimizer"))),
                engine::make_loss(to_component(training.at("loss"))), metrics);
  std::vector<engine::Matrix> values;
  values.reserve(weights.tensors.size());
  for (const WeightTensor& tensor : weights.tensors) {
    const bool vector = tensor.shape.size() == 1;
    if (!vector && tensor.shape.size() != 2) {
      throw UsageError(fmt::format("stored tensor {} has {} dimensions; expected 1 or 2",
                                   tensor.name, tensor.shape.size()));
    }
    const Eigen::Index rows = vector ? 1 : tensor.shape[0];
    const Eigen::Index cols = vector ? tensor.shape[0] : tensor.shape[1];
    engine::Matrix m(rows, cols);
    std::copy(tensor.values.begin(), tensor.values.end(), m.data());
    values.push_back(std::move(m));
  }
  try {
    model.set_weights(values);
  } catch (const engine::TrainingError& e) {
    throw UsageError(fmt::format("the stored weights do not fit the trial's model ({})", e.what()));
  }
  return model;
}

OutputKind output_kind(const json& config) {
  const std::string activation = output_activation(config.at("model").at("layers"));
  if (activation == "softmax" || activation == "sigmoid") return OutputKind::probabilities;
  const json& loss = config.at("training").at("loss");
  if (loss.is_object() && loss.value("from_logits", false)) return OutputKind::logits;
  return OutputKind::scores;
}

void to_probabilities(OutputKind kind, engine::Matrix& outputs) {
  if (kind == OutputKind::logits) {
    if (outputs.cols() > 1) {
      engine::Matrix probabilities;
      engine::softmax_rows(outputs, probabilities);
      outputs.swap(probabilities);
    } else {
      for (Eigen::Index r = 0; r < outputs.rows(); ++r)
        outputs(r, 0) = 1.0f / (1.0f + std::exp(-outputs(r, 0)));
    }
  }
  if (outputs.cols() == 1) {
    engine::Matrix two(outputs.rows(), 2);
    for (Eigen::Index r = 0; r < outputs.rows(); ++r) {
      two(r, 0) = 1.0f - outputs(r, 0);
      two(r, 1) = outputs(r, 0);
    }
    outputs.swap(two);
  }
}

std::vector<std::int32_t> predicted_classes(const engine::Matrix& probabilities) {
  std::vector<std::int32_t> classes(static_cast<std::size_t>(probabilities.rows()));
  for (Eigen::Index r = 0; r < probabilities.rows(); ++r) {
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < probabilities.cols(); ++c)
      if (probabilities(r, c) > probabilities(r, best)) best = c;
    classes[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(best);
  }
  return classes;
}

json describe_model(const json& config, const TrialWeights& weights) {
  json layers = json::array();
  std::size_t tensor = 0;
  int dense = 0;
  for (const auto& layer : config.at("model").at("layers")) {
    const std::string type = layer.value("type", "");
    if (type == "dense") {
      json out = {{"type", "dense"},
                  {"name", dense_name(dense++)},
                  {"units", layer.at("units")},
                  {"activation", layer.value("activation", "linear")},
                  {"use_bias", layer.value("use_bias", true)}};
      json indices = json::array({tensor++});
      if (out["use_bias"].get<bool>()) indices.push_back(tensor++);
      out["weights"] = indices;
      layers.push_back(std::move(out));
    } else if (type == "dropout") {
      layers.push_back({{"type", "dropout"}, {"rate", layer.value("rate", 0.5)}});
    } else {
      layers.push_back({{"type", type}, {"activation", layer.value("activation", "linear")}});
    }
  }
  json tensors = json::array();
  for (const WeightTensor& t : weights.tensors)
    tensors.push_back({{"name", t.name}, {"shape", t.shape}, {"dtype", "float32"}});
  const InputPreprocessing& p = weights.preprocessing;
  static constexpr const char* kOutputs[] = {"probabilities", "logits", "scores"};
  const json& loss = config.at("training").at("loss");
  return {{"layers", std::move(layers)},
          {"weights", std::move(tensors)},
          {"epoch", weights.epoch},
          {"output", kOutputs[static_cast<int>(output_kind(config))]},
          {"loss", loss.is_object() ? loss.value("name", "") : loss.get<std::string>()},
          {"preprocessing",
           {{"dataset", p.dataset},
            {"input", p.input},
            {"features", p.features},
            {"formula", "x' = (x - offset) * scale, in float32"},
            {"offset", p.offset},
            {"scale", p.scale}}},
          {"classes", p.classes},
          {"class_names", p.class_names}};
}

}  // namespace sweep::runner
