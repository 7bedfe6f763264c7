// Steps every loader shares: where the validation part starts (as Keras's
// fit(validation_split=...)), and standardisation fitted on the training part.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/datasets/dataset.hpp"

namespace sweep::engine::detail {

// Rows of the training part when the last `validation_split` of `rows` goes to
// validation: floor(rows * (1 - validation_split)), as Keras 3 computes it.
std::size_t training_rows(std::size_t rows, double validation_split);

// Per-feature mean and 1/std (population std; 1 where std is 0) of the first
// `rows` rows of row-major `values`.
struct Standardisation {
  std::vector<float> offset;
  std::vector<float> scale;
};
Standardisation fit_standardisation(const std::vector<float>& values, std::size_t rows,
                                    std::size_t features);

// Fills dataset.train / validation / test from float rows: the last
// validation_split of (x, y) becomes validation, and all three parts share the
// standardisation fitted on the training part. Throws DatasetError naming
// `what` when no training row is left.
void split_and_standardise(Dataset& dataset, const std::string& what, std::vector<float> x,
                           std::vector<std::int32_t> y, double validation_split,
                           std::vector<float> test_x, std::vector<std::int32_t> test_y);

}  // namespace sweep::engine::detail
