// forward_product against out + x * kernel computed in double, over shapes
// that exercise every block size: batches that leave 0 to 5 rows after the
// 6-row blocks, unit counts of 1 to 4+ SIMD packets.
#include "engine/layers/forward_product.hpp"

#include <catch2/catch.hpp>

#include "engine/tensor.hpp"

namespace sweep::engine {
namespace {

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = uniform(rng);
  return m;
}

}  // namespace

TEST_CASE("forward_product adds x * kernel to out", "[dense]") {
  Rng rng(11);
  constexpr Eigen::Index width = Eigen::internal::packet_traits<float>::size;
  for (const Eigen::Index batch : {1, 2, 3, 4, 5, 6, 7, 64}) {
    for (const Eigen::Index in : {1, 9, 784}) {
      for (const Eigen::Index units : {width, 3 * width, 7 * width, 16 * width}) {
        DYNAMIC_SECTION(batch << "x" << in << " -> " << units) {
          const Matrix x = random_matrix(batch, in, rng);
          const Matrix kernel = random_matrix(in, units, rng);
          const Matrix start = random_matrix(batch, units, rng);
          Matrix out = start;
          REQUIRE(forward_product(x, kernel, out));
          const Eigen::MatrixXd expected =
              start.cast<double>() + x.cast<double>() * kernel.cast<double>();
          const double error = (out.cast<double>() - expected).cwiseAbs().maxCoeff();
          CHECK(error <= 1e-6 * static_cast<double>(in));
        }
      }
    }
  }
}

TEST_CASE("forward_product declines widths that are not whole packets", "[dense]") {
  if (Eigen::internal::packet_traits<float>::size == 1) return;  // every width is whole
  Rng rng(5);
  const Matrix x = random_matrix(4, 5, rng);
  const Matrix kernel = random_matrix(5, 10 * Eigen::internal::packet_traits<float>::size + 1, rng);
  Matrix out = Matrix::Constant(4, kernel.cols(), 2.0f);
  CHECK_FALSE(forward_product(x, kernel, out));
  CHECK((out.array() == 2.0f).all());
}

}  // namespace sweep::engine
