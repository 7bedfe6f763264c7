// A dense layer's kernel gradient, out = x^T * delta (+ scale * kernel),
// written directly: the batch (x's rows) is the short dimension, so a
// register-blocked loop over it needs no packing, no zeroing pass and no
// read-modify-write of `out`, which Eigen's general product pays for on a
// 784 x 256 output every step.
#pragma once

#include "engine/tensor.hpp"

namespace sweep::engine {

// Returns false (and leaves `out` untouched) for shapes this kernel does not
// cover (delta's width not a multiple of the SIMD width); the caller then uses
// the general product. `out` must already be x.cols() x delta.cols(); `kernel`
// (same shape) is read only when scale != 0.
bool weight_gradient(const Matrix& x, const Matrix& delta, float scale, const Matrix& kernel,
                     Matrix& out);

// Whether weight_gradient_rows() covers these shapes (as weight_gradient()).
bool weight_gradient_supported(const Matrix& x, const Matrix& delta);
// Rows [first, first + rows) of the same gradient into `out`, rows x
// delta.cols() row-major, with the same arithmetic per element as
// weight_gradient(): a caller can consume the gradient a block at a time.
void weight_gradient_rows(const Matrix& x, const Matrix& delta, float scale, const Matrix& kernel,
                          Eigen::Index first, Eigen::Index rows, float* out);

}  // namespace sweep::engine
