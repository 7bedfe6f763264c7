// Datasets: loaded once, immutable, shared read-only by any number of
// concurrent fits. Images stay uint8 in memory and become float32 one batch at
// a time (gather), with the scaling fitted on the training part only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/params.hpp"
#include "engine/tensor.hpp"

namespace sweep::engine {

// One part of a dataset (train, validation or test): rows of features and an
// integer class label per row.
class Split {
 public:
  std::size_t rows() const { return labels_.size(); }
  std::size_t features() const { return features_; }
  std::span<const std::int32_t> labels() const { return labels_; }
  // Writes the scaled float32 features of rows `indices` into the first
  // indices.size() rows of `x` (x must have at least that many rows and
  // features() columns). Allocates nothing.
  void gather(std::span<const std::size_t> indices, Matrix& x) const;
  // Same, for the contiguous rows [first, first + count).
  void gather_range(std::size_t first, std::size_t count, Matrix& x) const;

  // Construction, for loaders and tests. Exactly one of u8 / f32 is non-empty,
  // holding rows() * features() values row-major; x' = (x - offset[j]) * scale[j].
  Split(std::size_t features, std::vector<std::uint8_t> u8, std::vector<float> f32,
        std::vector<std::int32_t> labels, std::vector<float> offset, std::vector<float> scale);
  Split() = default;

 private:
  std::size_t features_ = 0;
  std::vector<std::uint8_t> u8_;
  std::vector<float> f32_;
  std::vector<std::int32_t> labels_;
  std::vector<float> offset_;
  std::vector<float> scale_;
};

struct Dataset {
  std::string name;
  std::size_t features = 0;
  std::size_t classes = 0;
  std::vector<std::string> class_names;  // may be empty
  Split train;
  Split validation;  // rows() == 0 when validation_split is 0
  Split test;        // rows() == 0 when the dataset has no test set
};

// Names: fashion_mnist, idx, csv, spirals, moons, circles, blobs, xor.
// Parameters per name (see dataset_specs()): path, test_path, label_column,
// train_limit, validation_split, samples, classes, noise, ...
const std::vector<ComponentSpec>& dataset_specs();
std::vector<std::string> dataset_names();
// Loads and splits. `seed` drives synthetic generation only; the validation
// part is the last validation_split of the training rows (as Keras), so every
// trial of a sweep sees the same split. Throws DatasetError / ConfigError.
std::shared_ptr<const Dataset> load_dataset(const Component& component, std::uint64_t seed);

}  // namespace sweep::engine
