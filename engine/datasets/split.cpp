// Split: the scaled float32 view of stored rows, written one batch at a time.
#include "engine/datasets/split.hpp"

#include <string>

#include "engine/errors.hpp"

namespace sweep::engine {
namespace {

// One row: out[j] = (in[j] - offset[j]) * scale[j]. Plain pointers and no
// aliasing, so GCC vectorises the loop (uint8 -> float conversion included).
template <typename T>
inline void scale_row(const T* __restrict in, const float* __restrict offset,
                      const float* __restrict scale, float* __restrict out, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) out[j] = (static_cast<float>(in[j]) - offset[j]) * scale[j];
}

}  // namespace

Split::Split(std::size_t features, std::vector<std::uint8_t> u8, std::vector<float> f32,
             std::vector<std::int32_t> labels, std::vector<float> offset, std::vector<float> scale)
    : features_(features),
      u8_(std::move(u8)),
      f32_(std::move(f32)),
      labels_(std::move(labels)),
      offset_(std::move(offset)),
      scale_(std::move(scale)) {
  if (!u8_.empty() && !f32_.empty()) {
    throw DatasetError("split: both uint8 and float32 values given; expected one of them");
  }
  const std::size_t values = u8_.empty() ? f32_.size() : u8_.size();
  if (values != labels_.size() * features_) {
    throw DatasetError("split: " + std::to_string(values) + " values for " +
                       std::to_string(labels_.size()) + " rows of " + std::to_string(features_) +
                       " features; expected " + std::to_string(labels_.size() * features_));
  }
  // No offset / scale given means the values are used as they are.
  if (offset_.empty()) offset_.assign(features_, 0.0f);
  if (scale_.empty()) scale_.assign(features_, 1.0f);
  if (offset_.size() != features_ || scale_.size() != features_) {
    throw DatasetError("split: " + std::to_string(offset_.size()) + " offsets and " +
                       std::to_string(scale_.size()) + " scales for " + std::to_string(features_) +
                       " features; expected one of each per feature");
  }
}

void Split::gather(std::span<const std::size_t> indices, Matrix& x) const {
  const std::size_t n = features_;
  if (static_cast<std::size_t>(x.cols()) != n ||
      static_cast<std::size_t>(x.rows()) < indices.size()) {
    throw TrainingError("gather: a " + std::to_string(x.rows()) + " x " + std::to_string(x.cols()) +
                        " matrix cannot take " + std::to_string(indices.size()) + " rows of " +
                        std::to_string(n) + " features");
  }
  const std::size_t rows = labels_.size();
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const std::size_t row = indices[i];
    if (row >= rows) {
      throw TrainingError("gather: row " + std::to_string(row) + " out of range; the split has " +
                          std::to_string(rows) + " rows");
    }
    float* out = x.data() + i * n;
    if (!u8_.empty()) {
      scale_row(u8_.data() + row * n, offset_.data(), scale_.data(), out, n);
    } else {
      scale_row(f32_.data() + row * n, offset_.data(), scale_.data(), out, n);
    }
  }
}

void Split::gather_range(std::size_t first, std::size_t count, Matrix& x) const {
  const std::size_t n = features_;
  if (static_cast<std::size_t>(x.cols()) != n || static_cast<std::size_t>(x.rows()) < count) {
    throw TrainingError("gather: a " + std::to_string(x.rows()) + " x " + std::to_string(x.cols()) +
                        " matrix cannot take " + std::to_string(count) + " rows of " +
                        std::to_string(n) + " features");
  }
  if (first > labels_.size() || count > labels_.size() - first) {
    throw TrainingError("gather: rows [" + std::to_string(first) + ", " +
                        std::to_string(first + count) + ") out of range; the split has " +
                        std::to_string(labels_.size()) + " rows");
  }
  for (std::size_t i = 0; i < count; ++i) {
    float* out = x.data() + i * n;
    const std::size_t row = first + i;
    if (!u8_.empty()) {
      scale_row(u8_.data() + row * n, offset_.data(), scale_.data(), out, n);
    } else {
      scale_row(f32_.data() + row * n, offset_.data(), scale_.data(), out, n);
    }
  }
}

}  // namespace sweep::engine
