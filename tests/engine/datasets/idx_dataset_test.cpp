// IDX folders and Fashion-MNIST: splits, limits, labels and the messages for
// missing files.
#include <catch2/catch.hpp>

#include <filesystem>

#include "engine/datasets/dataset.hpp"
#include "engine/datasets/idx_dataset.hpp"
#include "engine/errors.hpp"
#include "tests/engine/datasets/dataset_files.hpp"

using namespace sweep::engine;
using sweep::engine::test::TempFolder;
namespace t = sweep::engine::test;

TEST_CASE("an idx folder gives train, validation and test splits", "[datasets][idx_dataset]") {
  TempFolder folder;
  t::write_gz(folder.file("train-images-idx3-ubyte.gz"), t::idx_images(20, 2, 3));
  t::write_raw(folder.file("train-labels-idx1-ubyte"), t::idx_labels(20, 4));
  t::write_gz(folder.file("t10k-images-idx3-ubyte.gz"), t::idx_images(6, 2, 3));
  t::write_gz(folder.file("t10k-labels-idx1-ubyte.gz"), t::idx_labels(6, 4));

  const auto d = load_dataset({"idx",
                               {{"path", folder.str()},
                                {"validation_split", 0.25},
                                {"validation_split_mode", std::string{"last"}}}},
                              0);
  CHECK(d->name == "idx");
  CHECK(d->features == 6);
  CHECK(d->classes == 4);
  CHECK(d->train.rows() == 15);
  CHECK(d->validation.rows() == 5);
  CHECK(d->test.rows() == 6);
  // The validation part is the last rows: row 15 first, pixels (15 * 7 + k) / 255.
  Matrix x(1, 6);
  d->validation.gather_range(0, 1, x);
  CHECK(x(0, 0) == Approx(105.0f / 255.0f));
  CHECK(x(0, 5) == Approx(110.0f / 255.0f));
  CHECK(d->validation.labels()[0] == 3);

  const auto limited = load_dataset(
      {"idx", {{"path", folder.str()}, {"train_limit", 10.0}, {"test_limit", 2.0}}}, 0);
  CHECK(limited->train.rows() == 9);
  CHECK(limited->validation.rows() == 1);
  CHECK(limited->test.rows() == 2);

  // Without the test pair there is no test set.
  std::filesystem::remove(folder.file("t10k-images-idx3-ubyte.gz"));
  std::filesystem::remove(folder.file("t10k-labels-idx1-ubyte.gz"));
  CHECK(load_dataset({"idx", {{"path", folder.str()}}}, 0)->test.rows() == 0);
}

TEST_CASE("idx folders with missing or mismatched files", "[datasets][idx_dataset]") {
  TempFolder folder;
  t::write_raw(folder.file("train-images-idx3-ubyte"), t::idx_images(20, 2, 3));
  const std::string labels = folder.file("train-labels-idx1-ubyte");
  CHECK_THROWS_WITH(load_dataset({"idx", {{"path", folder.str()}}}, 0),
                    "idx: neither " + labels + ".gz nor " + labels + " found");
  t::write_raw(labels, t::idx_labels(19, 4));
  CHECK_THROWS_WITH(load_dataset({"idx", {{"path", folder.str()}}}, 0),
                    "idx: " + folder.file("train-images-idx3-ubyte") + " holds 20 images but " +
                        labels + " holds 19 labels");
  t::write_raw(labels, t::idx_labels(20, 4));
  t::write_raw(folder.file("t10k-labels-idx1-ubyte"), t::idx_labels(3, 4));
  const std::string test_images = folder.file("t10k-images-idx3-ubyte");
  CHECK_THROWS_WITH(load_dataset({"idx", {{"path", folder.str()}}}, 0),
                    "idx: neither " + test_images + ".gz nor " + test_images + " found");
  t::write_raw(test_images, t::idx_images(3, 3, 3));
  CHECK_THROWS_WITH(load_dataset({"idx", {{"path", folder.str()}}}, 0),
                    "idx: " + test_images +
                        " holds images of 9 pixels; expected 6 pixels as in the training images");
  CHECK_THROWS_WITH(load_dataset({"idx", {}}, 0), "idx: path is required (a folder of IDX files)");
}

TEST_CASE("fashion_mnist labels above 9 are refused", "[datasets][idx_dataset]") {
  TempFolder folder;
  t::write_raw(folder.file("train-images-idx3-ubyte"), t::idx_images(12, 2, 2));
  t::write_raw(folder.file("train-labels-idx1-ubyte"), t::idx_labels(12, 11));
  t::write_raw(folder.file("t10k-images-idx3-ubyte"), t::idx_images(2, 2, 2));
  t::write_raw(folder.file("t10k-labels-idx1-ubyte"), t::idx_labels(2, 2));
  CHECK_THROWS_WITH(
      load_dataset({"fashion_mnist", {{"path", folder.str()}, {"validation_split", 0.0}}}, 0),
      folder.file("train-labels-idx1-ubyte") +
          ": label 10 in row 10 is not a class; expected 0..9");
}

TEST_CASE("fashion_mnist names the Debian package when its files are missing",
          "[datasets][idx_dataset]") {
  CHECK_THROWS_AS(load_dataset({"fashion_mnist", {{"path", std::string{"/no/such/folder"}}}}, 0),
                  DatasetError);
  CHECK_THROWS_WITH(
      load_dataset({"fashion_mnist", {{"path", std::string{"/no/such/folder"}}}}, 0),
      "fashion_mnist: /no/such/folder/train-images-idx3-ubyte.gz not found; install Debian's "
      "dataset-fashion-mnist (scripts/setup does) or give dataset.path");
}

TEST_CASE("Fashion-MNIST from Debian's dataset-fashion-mnist", "[datasets][idx_dataset][fashion]") {
  if (!std::filesystem::exists(std::string{fashion_mnist_folder} + "/train-images-idx3-ubyte.gz")) {
    WARN("skipped: " << fashion_mnist_folder << " is not installed");
    return;
  }
  const auto d = load_dataset({"fashion_mnist", {{"train_limit", 1000.0}}}, 0);
  CHECK(d->name == "fashion_mnist");
  CHECK(d->features == 784);
  CHECK(d->classes == 10);
  CHECK(d->class_names.size() == 10);
  CHECK(d->class_names.front() == "T-shirt/top");
  CHECK(d->class_names.back() == "Ankle boot");
  CHECK(d->train.rows() == 900);
  CHECK(d->validation.rows() == 100);
  CHECK(d->test.rows() == 10000);
  std::vector<std::size_t> per_class(10, 0);
  for (const Split* split : {&d->train, &d->validation, &d->test}) {
    for (const std::int32_t label : split->labels()) {
      REQUIRE(label >= 0);
      REQUIRE(label <= 9);
      ++per_class[static_cast<std::size_t>(label)];
    }
  }
  for (const std::size_t count : per_class) CHECK(count > 900);  // 1,000 test images per class
  Matrix x(64, 784);
  d->train.gather_range(0, 64, x);
  CHECK(x.minCoeff() == 0.0f);
  CHECK(x.maxCoeff() == 1.0f);
}
