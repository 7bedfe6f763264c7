// A dense layer's forward product, out += x * kernel, for the shapes of a
// training step (a short batch, a wide kernel): register-blocked over the
// batch rows and streaming the kernel's rows, so the kernel is not packed
// (copied) on every step as Eigen's general product does.
#pragma once

#include "engine/tensor.hpp"

namespace sweep::engine {

// Returns false (and leaves `out` untouched) for shapes this kernel does not
// cover (the kernel's width not a multiple of the SIMD width); the caller then
// uses the general product. `out` must already be x.rows() x kernel.cols().
bool forward_product(const Matrix& x, const Matrix& kernel, Matrix& out);

}  // namespace sweep::engine
