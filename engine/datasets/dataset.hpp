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
  // Class i's name: the labels as written in the file for string labels
  // (sorted), the dataset's own names (Fashion-MNIST); empty for integer labels.
  std::vector<std::string> class_names;
  // missing: "mean": the value each feature's missing cells took (its mean
  // over the training part), before the Splits' offset and scale; empty when
  // nothing was filled. New rows with missing values need the same.
  std::vector<float> missing_fill;
  Split train;
  Split validation;  // rows() == 0 when validation_split is 0
  Split test;        // rows() == 0 when the dataset has no test set
  // Said once when the data is loaded: a validation part that cannot rank the
  // trials (warnings), what a loader did on request (notes: rows dropped).
  std::vector<std::string> warnings;
  std::vector<std::string> notes;
};

// Names: fashion_mnist, idx, csv, npz, npy, spirals, moons, circles, blobs,
// xor. Parameters per name (see dataset_specs()): path, test_path,
// label_column, train_limit, validation_split, validation_split_mode,
// normalize, samples, classes, noise, ...
const std::vector<ComponentSpec>& dataset_specs();
std::vector<std::string> dataset_names();
// Whether parameter `param` of dataset `name` names a file or folder (path,
// test_path, validation_path, ...): the runner resolves those against the
// spec's folder.
bool is_path_param(const std::string& name, const std::string& param);
// Loads and splits. `seed` (the sweep's) drives synthetic generation and the
// shuffle of a stratified split, so every trial of a sweep sees the same
// split. Throws DatasetError / ConfigError.
std::shared_ptr<const Dataset> load_dataset(const Component& component, std::uint64_t seed);

}  // namespace sweep::engine
