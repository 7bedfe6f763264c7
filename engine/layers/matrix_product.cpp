#include "engine/layers/matrix_product.hpp"

#include <string>

#include "engine/errors.hpp"

namespace sweep::engine {
namespace {

using Eigen::Index;
using BlockingSpace =
    Eigen::internal::gemm_blocking_space<Eigen::RowMajor, float, float, Eigen::Dynamic,
                                         Eigen::Dynamic, Eigen::Dynamic, 1, false>;

template <int OrderA, int OrderB>
void gemm(Index m, Index n, Index k, const float* a, Index lda, const float* b, Index ldb, float* c,
          Index ldc, float alpha, BlockingSpace& blocking) {
  Eigen::internal::general_matrix_matrix_product<Index, float, OrderA, false, float, OrderB, false,
                                                 Eigen::RowMajor, 1>::run(m, n, k, a, lda, b, ldb,
                                                                          c, 1, ldc, alpha,
                                                                          blocking, nullptr);
}

}  // namespace

struct MatrixProduct::Blocking : BlockingSpace {
  using BlockingSpace::BlockingSpace;
};

MatrixProduct::MatrixProduct() = default;
MatrixProduct::~MatrixProduct() = default;
MatrixProduct::MatrixProduct(MatrixProduct&&) noexcept = default;
MatrixProduct& MatrixProduct::operator=(MatrixProduct&&) noexcept = default;

MatrixProduct::Blocking& MatrixProduct::blocking_for(Index rows, Index cols, Index depth) {
  for (Entry& entry : entries_) {
    if (entry.rows == rows && entry.cols == cols && entry.depth == depth) return *entry.blocking;
  }
  // More shapes than a fit uses: drop the oldest rather than grow without bound.
  constexpr std::size_t max_entries = 8;
  if (entries_.size() == max_entries) entries_.erase(entries_.begin());
  auto blocking = std::make_unique<Blocking>(rows, cols, depth, 1, true);
  blocking->allocateAll();
  entries_.push_back({rows, cols, depth, std::move(blocking)});
  return *entries_.back().blocking;
}

void MatrixProduct::accumulate(const Matrix& a, Op op_a, const Matrix& b, Op op_b, Matrix& c,
                               float alpha) {
  const bool ta = op_a == Op::transpose;
  const bool tb = op_b == Op::transpose;
  const Index m = ta ? a.cols() : a.rows();
  const Index k = ta ? a.rows() : a.cols();
  const Index n = tb ? b.rows() : b.cols();
  const Index kb = tb ? b.cols() : b.rows();
  if (k != kb || c.rows() != m || c.cols() != n) {
    throw TrainingError("matrix product: shapes " + std::to_string(m) + "x" + std::to_string(k) +
                        " * " + std::to_string(kb) + "x" + std::to_string(n) + " -> " +
                        std::to_string(c.rows()) + "x" + std::to_string(c.cols()) +
                        " do not match");
  }
  if (m == 0 || n == 0 || k == 0) return;
  Blocking& blocking = blocking_for(m, n, k);
  // A transposed row-major matrix is the same storage read column-major.
  const Index lda = a.cols();
  const Index ldb = b.cols();
  const Index ldc = c.cols();
  constexpr int R = Eigen::RowMajor;
  constexpr int C = Eigen::ColMajor;
  if (!ta && !tb) {
    gemm<R, R>(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc, alpha, blocking);
  } else if (ta && !tb) {
    gemm<C, R>(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc, alpha, blocking);
  } else if (!ta && tb) {
    gemm<R, C>(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc, alpha, blocking);
  } else {
    gemm<C, C>(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc, alpha, blocking);
  }
}

}  // namespace sweep::engine
