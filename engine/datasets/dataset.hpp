// Datasets: loaded once, immutable, shared read-only by any number of
// concurrent fits. Images stay uint8 in memory and become float32 one batch at
// a time (gather), with the scaling fitted on the training part only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/datasets/split.hpp"
#include "engine/params.hpp"

namespace sweep::engine {

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
