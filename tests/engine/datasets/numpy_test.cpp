// NumPy inputs: .npz archives as np.savez and np.savez_compressed write them
// and .npy pairs, written here byte by byte, load with the same values; the
// arrays NumPy users may have that cannot be read are refused in one line.
#include <catch2/catch.hpp>

#include <limits>
#include <set>
#include <vector>

#include "engine/datasets/dataset.hpp"
#include "engine/datasets/numpy.hpp"
#include "engine/errors.hpp"
#include "tests/engine/datasets/dataset_files.hpp"
#include "tests/engine/datasets/numpy_files.hpp"

using namespace sweep::engine;
using sweep::engine::test::npy_bytes;
using sweep::engine::test::raw_bytes;
using sweep::engine::test::TempFolder;
using sweep::engine::test::write_bytes;
using sweep::engine::test::zip_bytes;

namespace {

std::vector<float> gathered(const Split& split) {
  Matrix x(static_cast<Eigen::Index>(split.rows()), static_cast<Eigen::Index>(split.features()));
  split.gather_range(0, split.rows(), x);
  return {x.data(), x.data() + x.size()};
}

std::vector<std::int32_t> labels(const Split& split) {
  return {split.labels().begin(), split.labels().end()};
}

// 6 rows of 2 features (row r: 0.5 r, -r) and labels 0 1 2 0 1 2.
const std::vector<float> kX = {0, 0, 0.5f, -1, 1, -2, 1.5f, -3, 2, -4, 2.5f, -5};
const std::vector<std::int64_t> kY = {0, 1, 2, 0, 1, 2};

// Loads with nothing moved or scaled, to compare values.
Component as_stored(const std::string& name, Params params) {
  params["validation_split"] = 0.0;
  params["normalize"] = std::string{"none"};
  return {name, params};
}

}  // namespace

TEST_CASE("an npz archive (stored or deflated) loads the same values", "[datasets][numpy]") {
  TempFolder folder;
  const auto x = npy_bytes("<f4", {6, 2}, raw_bytes(kX));
  const auto y = npy_bytes("<i8", {6}, raw_bytes(kY));
  const auto x_test = npy_bytes("<f8", {1, 2}, raw_bytes(std::vector<double>{7.25, 8.5}));
  const auto y_test = npy_bytes("|u1", {1}, {2});
  for (const bool compressed : {false, true}) {
    DYNAMIC_SECTION((compressed ? "np.savez_compressed" : "np.savez")) {
      const std::string path = folder.file("data.npz");
      write_bytes(
          path,
          zip_bytes({{"x.npy", x}, {"y.npy", y}, {"x_test.npy", x_test}, {"y_test.npy", y_test}},
                    compressed));
      const auto d = load_dataset(as_stored("npz", {{"path", path}}), 0);
      CHECK(d->name == "npz");
      CHECK(d->features == 2);
      CHECK(d->classes == 3);
      CHECK(gathered(d->train) == kX);
      CHECK(labels(d->train) == std::vector<std::int32_t>{0, 1, 2, 0, 1, 2});
      CHECK(gathered(d->test) == std::vector<float>{7.25f, 8.5f});
      CHECK(labels(d->test) == std::vector<std::int32_t>{2});
    }
  }
}

TEST_CASE("npz keys, one-hot labels, images of any shape, Fortran order", "[datasets][numpy]") {
  TempFolder folder;
  const std::string path = folder.file("mnist.npz");
  // Keras's mnist.npz names: x_train (rows, 2, 2) uint8, y_train one-hot.
  const std::vector<std::uint8_t> pixels = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110};
  const std::vector<std::uint8_t> one_hot = {1, 0, 0, 1, 1, 0};  // classes 0, 1, 0
  write_bytes(path, zip_bytes({{"x_train.npy", npy_bytes("|u1", {3, 2, 2}, pixels)},
                               {"y_train.npy", npy_bytes("|u1", {3, 2}, one_hot)}},
                              false));
  const auto d = load_dataset(
      as_stored("npz",
                {{"path", path}, {"x", std::string{"x_train"}}, {"y", std::string{"y_train"}}}),
      0);
  CHECK(d->features == 4);
  CHECK(d->classes == 2);
  CHECK(labels(d->train) == std::vector<std::int32_t>{0, 1, 0});
  CHECK(gathered(d->train)[5] == 50.0f);
  CHECK(d->test.rows() == 0);

  // Fortran order: column-major bytes of the same 6 x 2 matrix.
  std::vector<float> columns;
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t r = 0; r < 6; ++r) columns.push_back(kX[r * 2 + c]);
  const std::string fortran = folder.file("fortran.npz");
  write_bytes(fortran, zip_bytes({{"x.npy", npy_bytes("<f4", {6, 2}, raw_bytes(columns), true)},
                                  {"y.npy", npy_bytes("<i8", {6}, raw_bytes(kY))}},
                                 true));
  CHECK(gathered(load_dataset(as_stored("npz", {{"path", fortran}}), 0)->train) == kX);
}

TEST_CASE("an npy pair loads, and the split and scaling apply as to csv", "[datasets][numpy]") {
  TempFolder folder;
  write_bytes(folder.file("x.npy"), npy_bytes("<f4", {6, 2}, raw_bytes(kX)));
  write_bytes(folder.file("y.npy"),
              npy_bytes("<i4", {6, 1}, raw_bytes(std::vector<std::int32_t>{0, 1, 2, 0, 1, 2})));
  const auto d = load_dataset(
      as_stored("npy", {{"path", folder.file("x.npy")}, {"y_path", folder.file("y.npy")}}), 0);
  CHECK(gathered(d->train) == kX);
  CHECK(labels(d->train) == std::vector<std::int32_t>{0, 1, 2, 0, 1, 2});
  // The default: a stratified validation part, standardised on the training part.
  const auto split = load_dataset({"npy",
                                   {{"path", folder.file("x.npy")},
                                    {"y_path", folder.file("y.npy")},
                                    {"validation_split", 0.5}}},
                                  3);
  CHECK(split->validation.rows() == 3);
  CHECK(labels(split->validation).size() == 3);
  const auto v = labels(split->validation);
  CHECK(std::set<std::int32_t>(v.begin(), v.end()) == std::set<std::int32_t>{0, 1, 2});
}

TEST_CASE("arrays that cannot be read are refused in one line", "[datasets][numpy]") {
  TempFolder folder;
  const std::string path = folder.file("bad.npz");
  const auto y = npy_bytes("<i8", {6}, raw_bytes(kY));
  const auto npz = [&](const std::vector<std::uint8_t>& x) {
    write_bytes(path, zip_bytes({{"x.npy", x}, {"y.npy", y}}, false));
    return Component{"npz", {{"path", path}}};
  };
  CHECK_THROWS_WITH(load_dataset(npz(npy_bytes("|O", {6, 2}, std::vector<std::uint8_t>(96))), 0),
                    path +
                        " [x]: an object array (pickled Python objects) is not supported; save "
                        "numbers, e.g. np.asarray(a, dtype=np.float32)");
  CHECK_THROWS_WITH(load_dataset(npz(npy_bytes(">f4", {6, 2}, raw_bytes(kX))), 0),
                    path + " [x]: big-endian dtype >f4 is not supported; save a.astype('<f4')");
  CHECK_THROWS_WITH(
      load_dataset(npz(npy_bytes("<f4", {6, 1, 2}, raw_bytes(kX), true)), 0),
      path +
          " [x]: a Fortran-ordered array of more than 2 dimensions is not supported; save "
          "np.ascontiguousarray(a)");
  CHECK_THROWS_WITH(load_dataset(npz(npy_bytes("<f4", {5, 2}, raw_bytes(kX))), 0),
                    path + " [x] holds 5 rows but " + path + " [y] holds 6 rows");
  CHECK_THROWS_WITH(load_dataset(npz(npy_bytes("<f4", {6, 3}, raw_bytes(kX))), 0),
                    path + " [x]: holds 48 bytes of data; its shape (6, 3) needs 72");
  CHECK_THROWS_WITH(load_dataset({"npz", {{"path", path}, {"x", std::string{"features"}}}}, 0),
                    path + ": no array \"features\"; the archive holds: x, y");
  // A stored member whose bytes changed after it was written fails its CRC.
  const auto x_npy = npy_bytes("<f4", {6, 2}, raw_bytes(kX));
  auto damaged = zip_bytes({{"x.npy", x_npy}, {"y.npy", y}}, false);
  const auto header = std::string(damaged.begin(), damaged.end()).find("\x93NUMPY");
  REQUIRE(header != std::string::npos);
  damaged[header + x_npy.size() - 4] ^= 0x40U;  // x.npy's last value
  write_bytes(path, damaged);
  CHECK_THROWS_WITH(load_dataset({"npz", {{"path", path}}}, 0),
                    Catch::StartsWith(path + ": member x.npy is damaged ("));
  CHECK_THROWS_WITH(load_dataset({"npz", {{"path", folder.file("missing.npz")}}}, 0),
                    Catch::StartsWith("cannot open " + folder.file("missing.npz") + ": "));
  write_bytes(path, {'n', 'o', 't', ' ', 'a', ' ', 'z', 'i', 'p', '\n'});
  CHECK_THROWS_WITH(load_dataset({"npz", {{"path", path}}}, 0),
                    path + ": not an .npz archive (not a zip file)");
  // NaN features are missing values, as empty csv cells.
  std::vector<float> with_nan = kX;
  with_nan[3] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(load_dataset(npz(npy_bytes("<f4", {6, 2}, raw_bytes(with_nan))), 0),
                    path +
                        " [x]: row 1, feature 1 is NaN (a missing value); set dataset.missing to "
                        "\"drop\" or \"mean\"");
  const auto dropped = load_dataset(
      {"npz", {{"path", path}, {"missing", std::string{"drop"}}, {"validation_split", 0.0}}}, 0);
  CHECK(dropped->train.rows() == 5);
}
