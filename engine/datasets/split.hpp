// One part of a dataset (train, validation or test), immutable once built and
// read by any number of concurrent fits: rows of features kept as stored
// (uint8 images or float32 values) and scaled to float32 one batch at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/tensor.hpp"

namespace sweep::engine {

// Rows of features and an integer class label per row.
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
  // The scaling gather applies, one value per feature (empty for an empty
  // split), and whether the rows are stored as uint8 (images) or float32.
  std::span<const float> offset() const { return offset_; }
  std::span<const float> scale() const { return scale_; }
  bool stores_uint8() const { return !u8_.empty(); }

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

}  // namespace sweep::engine
