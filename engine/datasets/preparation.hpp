// Steps every loader shares: which rows go to validation (a seeded,
// stratified shuffle by default; the last rows, as Keras's
// fit(validation_split=...), on request), missing values filled with the
// training part's means, and the per-feature offset / scale fitted on the
// training part only (standard, minmax, none; rescale for images). Whatever a
// loader applies is in each Split's offset and scale, and in the Dataset's
// class_names: nothing else transforms the data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/datasets/dataset.hpp"

namespace sweep::engine {

// How the validation part is taken from the training rows.
enum class SplitMode {
  stratified,  // shuffled with the sweep's seed, each class in proportion
  last,        // the last rows, as Keras's fit(validation_split=...)
};

// The per-feature scaling fitted on the training part.
enum class Normalization {
  standard,  // (x - mean) / std
  minmax,    // (x - min) / (max - min), into [0, 1]
  none,      // as stored
  rescale,   // x / 255 (images)
};

// What a missing value does: stop the load naming it, drop its row, or take
// its feature's mean over the training part.
enum class Missing { error, drop, mean };

// "error" / "drop" / "mean", "stratified" / "last" and "standard" / "minmax" / "none" / "rescale";
// throws ConfigError naming the accepted ones.
Missing parse_missing(const std::string& text);
SplitMode parse_split_mode(const std::string& text);
Normalization parse_normalization(const std::string& text);

}  // namespace sweep::engine

namespace sweep::engine::detail {

// Rows of the training part when `validation_split` of `rows` goes to
// validation: floor(rows * (1 - validation_split)), as Keras 3 computes it.
std::size_t training_rows(std::size_t rows, double validation_split);

// Which source rows go to each part, in the order they are stored there.
struct RowSplit {
  std::vector<std::size_t> train;
  std::vector<std::size_t> validation;
};
// stratified: the same number of validation rows as `last` would take, drawn
// class by class in proportion to the class's rows (largest remainders; every
// class with at least 2 rows keeps one in each part when the part is large
// enough), both parts in the order of one seeded shuffle. last: the first
// training_rows() rows, then the rest. No validation row: every row, in order.
RowSplit split_rows(std::span<const std::int32_t> labels, double validation_split, SplitMode mode,
                    std::uint64_t seed);

// Warnings about a validation part that cannot rank trials: a single class, or
// (mode last) rows grouped by class in the file. `what` names the data;
// `names` are the class names (may be empty).
std::vector<std::string> validation_warnings(const std::string& what,
                                             std::span<const std::int32_t> all_labels,
                                             std::span<const std::int32_t> validation_labels,
                                             SplitMode mode, const std::vector<std::string>& names);

// Per-feature offset and scale of `normalization` fitted on the first `rows`
// rows of row-major `values` (1 where a feature is constant).
struct Scaling {
  std::vector<float> offset;
  std::vector<float> scale;
};
Scaling fit_scaling(std::span<const float> values, std::size_t rows, std::size_t features,
                    Normalization normalization);
Scaling fit_scaling(std::span<const std::uint8_t> values, std::size_t rows, std::size_t features,
                    Normalization normalization);

// What prepare_parts does with float rows.
struct Preparation {
  double validation_split = 0.1;
  SplitMode mode = SplitMode::stratified;
  std::uint64_t seed = 0;
  Normalization normalization = Normalization::standard;
};

// Float rows of the parts a loader read: `x` / `y` the training file (split
// unless `validation` holds rows), `validation` an explicit validation part,
// `test` the test part (either may be empty). NaN values are missing: each
// becomes its feature's mean over the training part. Fills dataset.train /
// validation / test, sharing the scaling fitted on the training part, and
// appends validation warnings. Throws DatasetError naming `what` when no
// training row is left.
struct Rows {
  std::vector<float> x;
  std::vector<std::int32_t> y;
};
void prepare_parts(Dataset& dataset, const std::string& what, Rows train, Rows validation,
                   Rows test, const Preparation& preparation);

}  // namespace sweep::engine::detail
