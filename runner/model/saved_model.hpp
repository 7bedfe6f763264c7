// A trained model kept after its trial: taking its weights (named and shaped
// as Keras's model.get_weights() gives them) and the preprocessing the data
// went through, and rebuilding the same model from a trial's config and
// those weights, so that it predicts exactly as the trial evaluated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/datasets/dataset.hpp"
#include "engine/model.hpp"
#include "runner/store/trial_weights.hpp"

namespace sweep::runner {

// What the dataset does to raw inputs: its training part's per-feature offset
// and scale (all three parts share them), how its rows are stored, its
// classes and class names.
InputPreprocessing preprocessing_of(const engine::Dataset& data);

// The model's weights now, named after Keras's layers ("dense/kernel",
// "dense/bias", "dense_1/kernel", ...) for the resolved `layers`
// (config["model"]["layers"]), with `data`'s preprocessing; `epoch` is the
// epoch they belong to (0: the last).
TrialWeights capture_weights(const engine::Sequential& model, const nlohmann::json& layers,
                             const engine::Dataset& data, int epoch);

// The trial's model (config's model and training: layers, loss, metrics),
// built for the stored preprocessing's features and given the stored
// weights: it predicts and evaluates as the trained model did. Throws
// UsageError when the weights do not fit the config's layers.
engine::Sequential rebuild_model(const nlohmann::json& config, const TrialWeights& weights);

// How a model's outputs become class probabilities.
enum class OutputKind {
  probabilities,  // the last activation is softmax or sigmoid
  logits,         // a cross-entropy with from_logits: softmax (sigmoid for one unit) gives them
  scores,         // anything else (a regression loss on a linear output): used as they are
};
OutputKind output_kind(const nlohmann::json& config);

// Class probabilities from the model's outputs, in place: softmax or sigmoid
// for logits; one unit (binary) becomes two columns, P(class 0) and P(class 1).
void to_probabilities(OutputKind kind, engine::Matrix& outputs);

// The predicted class of each row of to_probabilities' result: the first
// largest column.
std::vector<std::int32_t> predicted_classes(const engine::Matrix& probabilities);

// The model for another framework: layers in order ({"type": "dense",
// "name": "dense", "units", "activation", "use_bias", "weights": [indices
// into the arrays]}, {"type": "dropout", "rate"}, {"type": "activation",
// "activation"}), the output kind, the preprocessing (offset and scale as
// lists) and the class names.
nlohmann::json describe_model(const nlohmann::json& config, const TrialWeights& weights);

}  // namespace sweep::runner
