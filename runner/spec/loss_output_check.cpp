#include "runner/spec/loss_output_check.hpp"

#include <optional>
#include <string>

namespace sweep::runner {
namespace {

using nlohmann::json;

// What the model emits: the last dense layer's width and the activation that
// shapes its output (the dense layer's own, or a later stand-alone one).
struct Output {
  int dense = -1;  // index of the last dense layer; -1: none (width unknown here)
  std::size_t units = 0;
  std::string activation = "linear";
  int activation_layer = -1;  // index of the layer applying `activation`; -1: none
};

std::optional<Output> find_output(const json& model) {
  if (!model.is_object() || !model.contains("layers") || !model["layers"].is_array())
    return std::nullopt;
  Output out;
  const json& layers = model["layers"];
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const json& layer = layers[i];
    if (!layer.is_object()) return std::nullopt;  // did not resolve: reported elsewhere
    const std::string type = layer.value("type", "");
    const json activation = layer.value("activation", json("linear"));
    if (!activation.is_string()) return std::nullopt;
    if (type == "dense") {
      if (!layer.contains("units") || !layer["units"].is_number()) return std::nullopt;
      out.dense = static_cast<int>(i);
      out.units = static_cast<std::size_t>(layer["units"].get<double>());
      out.activation = activation.get<std::string>();
      out.activation_layer = static_cast<int>(i);
    } else if (type == "activation" && activation != "linear") {
      // A linear activation layer passes the previous output through unchanged.
      out.activation = activation.get<std::string>();
      out.activation_layer = static_cast<int>(i);
    }
  }
  return out;
}

std::string layer_path(int index, const std::string& key) {
  return "model.layers[" + std::to_string(index) + "]." + key;
}

}  // namespace

LossOutputFindings check_loss_output(const json& config) {
  LossOutputFindings findings;
  if (!config.is_object() || !config.contains("model") || !config.contains("training") ||
      !config["training"].is_object())
    return findings;
  const auto output = find_output(config["model"]);
  const json& loss = config["training"].value("loss", json());
  if (!output || !loss.is_object() || !loss.contains("name") || !loss["name"].is_string())
    return findings;
  const std::string name = loss["name"].get<std::string>();
  const bool from_logits = loss.value("from_logits", json(false)) == json(true);
  const bool categorical =
      name == "categorical_crossentropy" || name == "sparse_categorical_crossentropy";
  const bool binary = name == "binary_crossentropy";
  const bool probability = output->activation == "softmax" || output->activation == "sigmoid";
  const bool one_unit = output->dense >= 0 && output->units == 1;
  const std::string units_path = layer_path(output->dense, "units");
  const std::string activation_path = output->activation_layer >= 0
                                          ? layer_path(output->activation_layer, "activation")
                                          : std::string{"model.layers"};
  const std::string activation = "\"" + output->activation + "\"";

  if (categorical && one_unit) {
    findings.errors.push_back(
        {"training.loss", "got " + name + " on a 1-unit output (" + units_path +
                              "): the loss is 0 for every sample and nothing is learned; "
                              "expected binary_crossentropy with one sigmoid unit, or " +
                              name + " with one softmax unit per class"});
    return findings;
  }
  if (one_unit && output->activation == "softmax") {
    findings.errors.push_back(
        {activation_path, "got \"softmax\" on a 1-unit output (" + units_path +
                              "): a softmax over one unit is always 1 and nothing is learned; "
                              "expected \"sigmoid\" for one unit, or one softmax unit per class"});
    return findings;
  }
  if (!categorical && !binary) return findings;
  if (!from_logits && !probability) {
    findings.errors.push_back(
        {"training.loss", "got " + name + " (from_logits false) on a " + activation + " output (" +
                              activation_path + "), which is not a probability; expected a " +
                              (binary ? "\"sigmoid\"" : "\"softmax\"") +
                              " output, or {\"name\": \"" + name + "\", \"from_logits\": true}"});
  } else if (from_logits && probability) {
    // Keras warns the same: the loss would apply a second softmax or sigmoid.
    findings.warnings.push_back(
        {"training.loss", name + " received from_logits true, but the output is produced by " +
                              activation + " (" + activation_path +
                              ") and thus is a probability, not logits; set from_logits false, "
                              "or make the output \"linear\""});
  } else if (binary && output->activation == "softmax" && output->units >= 2) {
    const std::string k = std::to_string(output->units);
    findings.warnings.push_back(
        {"training.loss", "binary_crossentropy on a " + k + "-unit \"softmax\" output (" +
                              activation_path + ") treats the " + k +
                              " outputs as independent yes/no labels though softmax makes them "
                              "sum to 1; it trains, but for one class out of " +
                              k +
                              " the matching loss is categorical_crossentropy (\"sigmoid\" units "
                              "for independent labels)"});
  }
  return findings;
}

}  // namespace sweep::runner
