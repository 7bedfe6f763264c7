// c += alpha * op(a) * op(b) on row-major float matrices through Eigen's own
// GEMM kernel, with its packing buffers kept from call to call. A plain
// `c.noalias() = a * b` allocates those buffers on the heap on every call
// once they exceed EIGEN_STACK_ALLOCATION_LIMIT (128 KiB: any 784 x 256
// layer), which the steady-state training step must not do; it also zeroes
// c first, which the dense layer replaces by writing its bias there.
// Not thread-safe: one MatrixProduct per product site of one layer.
#pragma once

#include <memory>
#include <vector>

#include "engine/tensor.hpp"

namespace sweep::engine {

class MatrixProduct {
 public:
  enum class Op { none, transpose };
  MatrixProduct();
  ~MatrixProduct();
  MatrixProduct(MatrixProduct&&) noexcept;
  MatrixProduct& operator=(MatrixProduct&&) noexcept;

  // c must already be op(a).rows() x op(b).cols(). Buffers are kept per
  // shape (a fit sees at most four: training and evaluation batches, full and
  // last), so each shape's products are computed the same way whatever ran
  // before, and no shape allocates twice.
  void accumulate(const Matrix& a, Op op_a, const Matrix& b, Op op_b, Matrix& c,
                  float alpha = 1.0f);

 private:
  struct Blocking;
  struct Entry {
    Eigen::Index rows, cols, depth;
    std::unique_ptr<Blocking> blocking;
  };
  Blocking& blocking_for(Eigen::Index rows, Eigen::Index cols, Eigen::Index depth);
  std::vector<Entry> entries_;
};

}  // namespace sweep::engine
