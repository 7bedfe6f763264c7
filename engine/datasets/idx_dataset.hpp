// Image classification sets stored as the four standard IDX files of MNIST:
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte, each gzip-compressed (.gz) or raw, in one folder.
// Fashion-MNIST is one such folder, installed by Debian's dataset-fashion-mnist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/datasets/dataset.hpp"
#include "engine/datasets/preparation.hpp"

namespace sweep::engine {

struct IdxDatasetOptions {
  std::string path;             // the folder
  std::size_t train_limit = 0;  // first rows of the training files; 0 = all
  std::size_t test_limit = 0;   // first rows of the test files; 0 = all
  double validation_split = 0.1;
  SplitMode split_mode = SplitMode::stratified;
  std::uint64_t seed = 0;  // the sweep's: shuffles a stratified split
  Normalization normalize = Normalization::rescale;
};

// Any folder of the four files; the test pair may be absent (no test set).
// Classes = the largest label read + 1.
Dataset load_idx_dataset(const IdxDatasetOptions& options);

// Fashion-MNIST from options.path, or /usr/share/datasets/fashion-mnist when
// it is empty; a missing file names the Debian package that provides it.
Dataset load_fashion_mnist(const IdxDatasetOptions& options);

inline constexpr const char* fashion_mnist_folder = "/usr/share/datasets/fashion-mnist";

}  // namespace sweep::engine
