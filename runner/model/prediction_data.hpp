// The rows `sweep predict` runs a stored model on: a CSV file (a model
// trained on CSV or synthetic data) or IDX images (a model trained on
// images), prepared exactly as the dataset prepared its rows in training
// (the stored offset and scale, applied a batch at a time by the Split), with
// their labels when the file has them.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/datasets/split.hpp"
#include "runner/store/trial_weights.hpp"

namespace sweep::runner {

struct PredictionData {
  engine::Split rows;  // labels are 0 when the file has none
  bool has_labels = false;
  std::string source;  // what was read, for messages: the file(s)
};

// Reads `path` for a model whose inputs went through `preprocessing`, laid
// out as the trial's `dataset` config says (a CSV's header and label
// column). Images: an IDX images file (its labels beside it when a file of
// the same name with labels-idx1 in place of images-idx3 exists) or a folder
// of MNIST's four files (its t10k pair, the test set). CSV: the model's
// features in training order, with or without the label column; string
// labels map through the stored class names. At most `limit` rows (0 = all).
// Throws UsageError (a label the model does not know, a file of the wrong
// kind) or engine::DatasetError (a file that cannot be read).
PredictionData load_prediction_data(const std::string& path, const nlohmann::json& dataset,
                                    const InputPreprocessing& preprocessing, std::size_t limit);

}  // namespace sweep::runner
