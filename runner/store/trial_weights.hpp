// What the store keeps of a trained model, so that it can be used after the
// sweep: the weights of the trial's best epoch (the epoch whose test metrics
// the trial reports), named and shaped as Keras names and shapes them, and
// what the dataset did to the inputs before the model saw them. Plain data;
// the storage writes it with the trial's outcome.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sweep::runner {

// One trainable tensor, float32, row-major, in Keras's model.get_weights()
// order: per dense layer its kernel (input features x units), then its bias
// (units).
struct WeightTensor {
  std::string name;                 // "dense/kernel", "dense/bias", "dense_1/kernel", ...
  std::vector<std::int64_t> shape;  // {in, units} or {units}
  std::vector<float> values;        // product of shape values

  bool operator==(const WeightTensor&) const = default;
};

// The inputs' preprocessing, as the loaded dataset applied it: feature j of a
// raw row x becomes (x[j] - offset[j]) * scale[j], in float32 (images: offset
// 0, scale 1/255; CSV and synthetic data: standardised on the training part).
// Labels map to class indices through class_names when the dataset had
// string labels (class i is class_names[i]); otherwise labels are the indices.
struct InputPreprocessing {
  std::string dataset;  // the dataset's name: "fashion_mnist", "csv", "spirals", ...
  std::string input;    // how raw values are stored: "uint8" (images) or "float32"
  std::size_t features = 0;
  std::size_t classes = 0;
  std::vector<std::string> class_names;  // empty: labels are class indices
  std::vector<float> offset;             // one per feature
  std::vector<float> scale;              // one per feature

  bool operator==(const InputPreprocessing&) const = default;
};

struct TrialWeights {
  int epoch = 0;  // the epoch whose weights these are; 0 when no best epoch was kept (the last)
  std::vector<WeightTensor> tensors;
  InputPreprocessing preprocessing;

  bool operator==(const TrialWeights&) const = default;
};

// How many trials of a sweep keep their weights (spec key storage.weights).
enum class WeightsPolicy {
  none,  // none
  best,  // the trials that may still win: the best configuration's repeats
  all,   // every completed (or pruned) trial
};

}  // namespace sweep::runner
