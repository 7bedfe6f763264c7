// c += alpha * op(a) * op(b) on row-major float matrices through Eigen's own
// GEMM kernel, with its packing buffers kept from call to call. A plain
// `c.noalias() = a * b` allocates those buffers on the heap on every call
// once they exceed EIGEN_STACK_ALLOCATION_LIMIT (128 KiB: any 784 x 256
// layer), which the steady-state training step must not do; it also zeroes
// c first, which the dense layer replaces by writing its bias there.
// Not thread-safe: one MatrixProduct per product site of one layer.
#pragma once

#include <memory>

#include "engine/tensor.hpp"

namespace sweep::engine {

class MatrixProduct {
 public:
  enum class Op { none, transpose };
  MatrixProduct();
  ~MatrixProduct();
  MatrixProduct(MatrixProduct&&) noexcept;
  MatrixProduct& operator=(MatrixProduct&&) noexcept;

  // c must already be op(a).rows() x op(b).cols(). The buffers are sized for
  // the largest row count seen, so a shorter batch reuses them.
  void accumulate(const Matrix& a, Op op_a, const Matrix& b, Op op_b, Matrix& c,
                  float alpha = 1.0f);

 private:
  struct Blocking;
  std::unique_ptr<Blocking> blocking_;
  Eigen::Index rows_ = 0, cols_ = 0, depth_ = 0;
};

}  // namespace sweep::engine
