// Split::gather: scaled float32 rows from uint8 and float32 storage.
#include <catch2/catch.hpp>

#include <vector>

#include "engine/datasets/dataset.hpp"
#include "engine/errors.hpp"

using namespace sweep::engine;

namespace {

// 4 rows of 3 features; value (r, j) = 10 r + j.
Split u8_split() {
  std::vector<std::uint8_t> values;
  for (int r = 0; r < 4; ++r) {
    for (int j = 0; j < 3; ++j) values.push_back(static_cast<std::uint8_t>(10 * r + j));
  }
  return Split(3, values, {}, {0, 1, 2, 1}, {0.0f, 1.0f, 2.0f}, {0.5f, 2.0f, 1.0f / 255.0f});
}

Split f32_split() {
  std::vector<float> values;
  for (int r = 0; r < 4; ++r) {
    for (int j = 0; j < 3; ++j)
      values.push_back(10.0f * static_cast<float>(r) + static_cast<float>(j) - 0.25f);
  }
  return Split(3, {}, values, {1, 0, 1, 0}, {1.0f, -1.0f, 0.0f}, {2.0f, 0.5f, -1.0f});
}

}  // namespace

TEST_CASE("gather scales uint8 rows into the caller's matrix", "[datasets][split]") {
  const Split split = u8_split();
  CHECK(split.rows() == 4);
  CHECK(split.features() == 3);
  CHECK(std::vector<std::int32_t>(split.labels().begin(), split.labels().end()) ==
        std::vector<std::int32_t>{0, 1, 2, 1});

  Matrix x = Matrix::Constant(5, 3, -7.0f);
  const std::vector<std::size_t> rows{3, 0, 3};
  split.gather(rows, x);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const float r = static_cast<float>(rows[i]);
    CHECK(x(i, 0) == (10 * r + 0 - 0.0f) * 0.5f);
    CHECK(x(i, 1) == (10 * r + 1 - 1.0f) * 2.0f);
    CHECK(x(i, 2) == (10 * r + 2 - 2.0f) * (1.0f / 255.0f));
  }
  // Rows past the gathered ones are left alone.
  CHECK(x.row(3).isConstant(-7.0f));
  CHECK(x.row(4).isConstant(-7.0f));

  const float* before = x.data();
  split.gather_range(1, 2, x);
  CHECK(x.data() == before);  // written in place, never resized
  CHECK(x(0, 0) == 5.0f);
  CHECK(x(0, 1) == 20.0f);
  CHECK(x(1, 2) == Approx(20.0f / 255.0f));
}

TEST_CASE("gather scales float32 rows", "[datasets][split]") {
  const Split split = f32_split();
  Matrix x(2, 3);
  const std::vector<std::size_t> rows{2, 1};
  split.gather(rows, x);
  CHECK(x(0, 0) == (19.75f - 1.0f) * 2.0f);
  CHECK(x(0, 1) == (20.75f + 1.0f) * 0.5f);
  CHECK(x(0, 2) == -21.75f);
  CHECK(x(1, 0) == (9.75f - 1.0f) * 2.0f);
  split.gather_range(3, 1, x);
  CHECK(x(0, 2) == -31.75f);
}

TEST_CASE("gather of a full Fashion-MNIST-sized row matches the formula", "[datasets][split]") {
  // 784 features exercise the vectorised body and its remainder.
  const std::size_t features = 784;
  std::vector<std::uint8_t> values(2 * features);
  for (std::size_t k = 0; k < values.size(); ++k)
    values[k] = static_cast<std::uint8_t>(k * 31 % 256);
  const Split split(features, values, {}, {4, 9}, std::vector<float>(features, 0.0f),
                    std::vector<float>(features, 1.0f / 255.0f));
  Matrix x(2, features);
  split.gather_range(0, 2, x);
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < features; ++j) {
      REQUIRE(x(i, j) == static_cast<float>(values[i * features + j]) * (1.0f / 255.0f));
    }
  }
}

TEST_CASE("gather refuses a matrix of the wrong shape or rows out of range", "[datasets][split]") {
  const Split split = u8_split();
  Matrix narrow(4, 2);
  const std::vector<std::size_t> one{0};
  CHECK_THROWS_AS(split.gather(one, narrow), TrainingError);
  CHECK_THROWS_WITH(split.gather(one, narrow),
                    "gather: a 4 x 2 matrix cannot take 1 rows of 3 features");
  Matrix x(4, 3);
  const std::vector<std::size_t> bad{1, 4};
  CHECK_THROWS_WITH(split.gather(bad, x), "gather: row 4 out of range; the split has 4 rows");
  CHECK_THROWS_WITH(split.gather_range(3, 2, x),
                    "gather: rows [3, 5) out of range; the split has 4 rows");
}

TEST_CASE("a split checks its storage against its rows and features", "[datasets][split]") {
  CHECK_THROWS_WITH(Split(3, {1, 2, 3, 4}, {}, {0}, {}, {}),
                    "split: 4 values for 1 rows of 3 features; expected 3");
  CHECK_THROWS_WITH(Split(1, {1}, {1.0f}, {0}, {}, {}),
                    "split: both uint8 and float32 values given; expected one of them");
  CHECK_THROWS_WITH(
      Split(2, {1, 2}, {}, {0}, {0.0f}, {1.0f, 1.0f}),
      "split: 1 offsets and 2 scales for 2 features; expected one of each per feature");
  // No offset and scale: the values as they are.
  const Split plain(2, {}, {1.5f, -2.0f}, {0}, {}, {});
  Matrix x(1, 2);
  plain.gather_range(0, 1, x);
  CHECK(x(0, 0) == 1.5f);
  CHECK(x(0, 1) == -2.0f);
  CHECK(Split().rows() == 0);
}

TEST_CASE("a split tells its scaling and how its rows are stored", "[datasets][split]") {
  const Split images(2, {0, 255}, {}, {1}, {0.0f, 0.0f}, {1.0f / 255.0f, 1.0f / 255.0f});
  CHECK(images.stores_uint8());
  CHECK(std::vector<float>(images.offset().begin(), images.offset().end()) ==
        std::vector<float>{0.0f, 0.0f});
  CHECK(images.scale()[1] == 1.0f / 255.0f);
  const Split values(2, {}, {1.5f, -2.0f}, {0}, {0.5f, -1.0f}, {2.0f, 4.0f});
  CHECK_FALSE(values.stores_uint8());
  CHECK(values.offset()[1] == -1.0f);
  CHECK(values.scale()[0] == 2.0f);
}
