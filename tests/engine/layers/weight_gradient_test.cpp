// weight_gradient against x^T * delta + scale * kernel computed in double,
// over shapes that exercise every block size: input widths that leave 0, 1
// and 2 rows after the 3-row blocks, unit counts of 1 to 9+ SIMD packets.
#include "engine/layers/weight_gradient.hpp"

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

TEST_CASE("weight_gradient is x^T delta + scale * kernel", "[dense]") {
  Rng rng(7);
  constexpr Eigen::Index width = Eigen::internal::packet_traits<float>::size;
  for (const Eigen::Index batch : {1, 7, 64}) {
    for (const Eigen::Index in : {1, 2, 3, 5, 784}) {
      for (const Eigen::Index units : {width, 3 * width, 9 * width, 16 * width}) {
        for (const float scale : {0.0f, 0.1f}) {
          DYNAMIC_SECTION(batch << "x" << in << " -> " << units << " scale " << scale) {
            const Matrix x = random_matrix(batch, in, rng);
            const Matrix delta = random_matrix(batch, units, rng);
            const Matrix kernel = random_matrix(in, units, rng);
            Matrix out = Matrix::Constant(in, units, 123.0f);
            REQUIRE(weight_gradient(x, delta, scale, kernel, out));
            const Eigen::MatrixXd expected = x.cast<double>().transpose() * delta.cast<double>() +
                                             static_cast<double>(scale) * kernel.cast<double>();
            const double error = (out.cast<double>() - expected).cwiseAbs().maxCoeff();
            CHECK(error <= 1e-5 * static_cast<double>(batch));
          }
        }
      }
    }
  }
}

TEST_CASE("weight_gradient declines widths that are not whole packets", "[dense]") {
  if (Eigen::internal::packet_traits<float>::size == 1) return;  // every width is whole
  Rng rng(3);
  const Matrix x = random_matrix(4, 5, rng);
  const Matrix delta = random_matrix(4, 10 * Eigen::internal::packet_traits<float>::size + 1, rng);
  const Matrix kernel = Matrix::Zero(5, delta.cols());
  Matrix out = Matrix::Constant(5, delta.cols(), 2.0f);
  CHECK_FALSE(weight_gradient(x, delta, 0.0f, kernel, out));
  CHECK((out.array() == 2.0f).all());
}

}  // namespace sweep::engine
