// Data as users have it: the stratified split of class-sorted rows, the
// warnings of a Keras-style split, missing values, normalisation, and the
// scatter of IDX images into a shuffled split.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "engine/datasets/csv.hpp"
#include "engine/datasets/dataset.hpp"
#include "engine/datasets/preparation.hpp"
#include "engine/errors.hpp"
#include "tests/engine/datasets/dataset_files.hpp"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // GCC bug 96868, as csv_test

using namespace sweep::engine;
using sweep::engine::test::TempFolder;
using sweep::engine::test::write_text;
namespace t = sweep::engine::test;

namespace {

std::vector<float> gathered(const Split& split) {
  Matrix x(static_cast<Eigen::Index>(split.rows()), static_cast<Eigen::Index>(split.features()));
  split.gather_range(0, split.rows(), x);
  return {x.data(), x.data() + x.size()};
}

std::map<std::int32_t, int> counts(std::span<const std::int32_t> labels) {
  std::map<std::int32_t, int> out;
  for (const std::int32_t label : labels) ++out[label];
  return out;
}

// 150 rows in class order, as iris is distributed: 50 each of setosa,
// versicolor, virginica; feature 0 = the row number, feature 1 = 10 x class.
std::string sorted_iris_like() {
  std::string text = "row,ten_class,species\n";
  const char* names[3] = {"setosa", "versicolor", "virginica"};
  for (int r = 0; r < 150; ++r)
    text += std::to_string(r) + "," + std::to_string(10 * (r / 50)) + "," + names[r / 50] + "\n";
  return text;
}

}  // namespace

TEST_CASE("a stratified split holds every class in proportion", "[datasets][split]") {
  // Class-sorted: 60 zeros, 30 ones, 10 twos.
  std::vector<std::int32_t> labels(60, 0);
  labels.insert(labels.end(), 30, 1);
  labels.insert(labels.end(), 10, 2);
  const auto split = detail::split_rows(labels, 0.2, SplitMode::stratified, 42);
  // As many validation rows as Keras would take: 100 - floor(100 * 0.8).
  REQUIRE(split.validation.size() == 20);
  REQUIRE(split.train.size() == 80);
  std::vector<std::int32_t> validation;
  for (const std::size_t row : split.validation) validation.push_back(labels[row]);
  CHECK(counts(validation) == std::map<std::int32_t, int>{{0, 12}, {1, 6}, {2, 2}});
  // Every row in exactly one part.
  std::set<std::size_t> all(split.train.begin(), split.train.end());
  all.insert(split.validation.begin(), split.validation.end());
  CHECK(all.size() == 100);
  // Shuffled, not the first rows of each class.
  CHECK(!std::is_sorted(split.train.begin(), split.train.end()));
  // The same seed, the same split; another seed, another.
  CHECK(detail::split_rows(labels, 0.2, SplitMode::stratified, 42).validation == split.validation);
  CHECK(detail::split_rows(labels, 0.2, SplitMode::stratified, 43).validation != split.validation);
  // last: Keras's rows 80..99, all of classes 1 and 2.
  const auto last = detail::split_rows(labels, 0.2, SplitMode::last, 42);
  CHECK(last.validation.front() == 80);
  CHECK(last.validation.back() == 99);
}

TEST_CASE("a rare class keeps a row in each part", "[datasets][split]") {
  // 97 zeros and 3 ones: 10 % is 9.7 and 0.3 rows; largest remainders alone
  // would give the ones none.
  std::vector<std::int32_t> labels(97, 0);
  labels.insert(labels.end(), 3, 1);
  const auto split = detail::split_rows(labels, 0.1, SplitMode::stratified, 7);
  std::vector<std::int32_t> validation;
  for (const std::size_t row : split.validation) validation.push_back(labels[row]);
  CHECK(counts(validation) == std::map<std::int32_t, int>{{0, 9}, {1, 1}});
}

TEST_CASE("a class-sorted csv: every class in validation, a warning when split last",
          "[datasets][csv][split]") {
  TempFolder folder;
  const std::string path = folder.file("iris.csv");
  write_text(path, sorted_iris_like());
  const Dataset d = load_csv({.path = path, .validation_split = 0.2, .seed = 42});
  CHECK(d.class_names == std::vector<std::string>{"setosa", "versicolor", "virginica"});
  CHECK(d.validation.rows() == 30);
  CHECK(counts(d.validation.labels()) == std::map<std::int32_t, int>{{0, 10}, {1, 10}, {2, 10}});
  CHECK(d.warnings.empty());
  // Each row kept its label: feature 1 (10 x class) read back through the
  // scaling, by class.
  const auto x = gathered(d.validation);
  std::vector<float> by_class(3, 0.0f);
  for (std::size_t i = 0; i < d.validation.rows(); ++i)
    by_class[static_cast<std::size_t>(d.validation.labels()[i])] = x[i * 2 + 1];
  CHECK(by_class[0] < by_class[1]);
  CHECK(by_class[1] < by_class[2]);

  const Dataset keras =
      load_csv({.path = path, .validation_split = 0.2, .split_mode = SplitMode::last});
  CHECK(counts(keras.validation.labels()) == std::map<std::int32_t, int>{{2, 30}});
  REQUIRE(keras.warnings.size() == 1);
  CHECK(keras.warnings[0] ==
        path +
            ": the rows are grouped by class (sorted by label) and validation_split_mode \"last\" "
            "takes the last 30 rows for validation: they hold 1 of 3 classes (virginica); use "
            "validation_split_mode \"stratified\" (the default) or give a validation file");
}

TEST_CASE("a validation part of one class is a warning whatever the order", "[datasets][split]") {
  TempFolder folder;
  const std::string path = folder.file("data.csv");
  // Not grouped (0 1 0 1 ... then 1 1): the last 2 rows are both class 1.
  write_text(path, "x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n7,1\n8,1\n");
  const Dataset d =
      load_csv({.path = path, .validation_split = 0.25, .split_mode = SplitMode::last});
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0] == path +
                             ": the validation part (2 rows) holds only class 1; its metrics "
                             "cannot rank the trials; use validation_split_mode \"stratified\" "
                             "(the default) or give a validation file");
}

TEST_CASE("csv missing values: an error, drop, or the training mean", "[datasets][csv][missing]") {
  TempFolder folder;
  const std::string path = folder.file("wine.csv");
  // 6 rows; line 3 has no "ash", line 5 says NA.
  write_text(path,
             "alcohol,ash,class\n"
             "1,10,a\n"
             "2,,b\n"
             "3,30,a\n"
             "4,NA,b\n"
             "5,50,a\n"
             "6,60,b\n");
  CHECK_THROWS_WITH(load_csv({.path = path}),
                    path +
                        ":3: column \"ash\": empty cell; set dataset.missing to \"drop\" or "
                        "\"mean\"");

  const Dataset dropped = load_csv({.path = path,
                                    .validation_split = 0.0,
                                    .missing = Missing::drop,
                                    .normalize = Normalization::none});
  CHECK(dropped.train.rows() == 4);
  CHECK(gathered(dropped.train) == std::vector<float>{1, 10, 3, 30, 5, 50, 6, 60});
  REQUIRE(dropped.notes.size() == 1);
  CHECK(dropped.notes[0] == path + ": 2 of 6 rows dropped for a missing value (missing: drop)");

  // mean: over the training part's values only, (10 + 30 + 50 + 60) / 4.
  const Dataset filled = load_csv({.path = path,
                                   .validation_split = 0.0,
                                   .missing = Missing::mean,
                                   .normalize = Normalization::none});
  CHECK(gathered(filled.train) ==
        std::vector<float>{1, 10, 2, 37.5f, 3, 30, 4, 37.5f, 5, 50, 6, 60});
  CHECK(filled.missing_fill == std::vector<float>{3.5f, 37.5f});  // kept for new rows
  CHECK(dropped.missing_fill.empty());

  // A missing label is dropped with its row, and an error otherwise.
  write_text(path, "x,y\n1,a\n2,\n3,b\n4,a\n");
  CHECK_THROWS_WITH(load_csv({.path = path, .missing = Missing::mean}),
                    path +
                        ":3: label column \"y\": empty cell; set dataset.missing to \"drop\" to "
                        "leave such rows out");
  CHECK(load_csv({.path = path, .validation_split = 0.0, .missing = Missing::drop}).train.rows() ==
        3);
}

TEST_CASE("normalize: standard, minmax, none, fitted on the training part",
          "[datasets][csv][normalize]") {
  TempFolder folder;
  const std::string path = folder.file("data.csv");
  write_text(path, "x,y\n2,0\n4,1\n6,0\n10,1\n");
  const auto load = [&](Normalization normalization) {
    return gathered(load_csv({.path = path,
                              .validation_split = 0.25,
                              .split_mode = SplitMode::last,
                              .normalize = normalization})
                        .validation);
  };
  // Training rows 2, 4, 6: mean 4, std sqrt(8/3); min 2, max 6.
  CHECK(load(Normalization::standard)[0] == Approx(6.0 / std::sqrt(8.0 / 3.0)));
  CHECK(load(Normalization::minmax)[0] == Approx(2.0));  // (10 - 2) / 4: outside [0, 1]
  CHECK(load(Normalization::none)[0] == 10.0f);
  CHECK_THROWS_WITH(parse_normalization("zscore"),
                    "unknown normalize \"zscore\"; known: standard, minmax, none, rescale");
}

TEST_CASE("an idx set split stratified keeps each image with its label",
          "[datasets][idx_dataset][split]") {
  TempFolder folder;
  // 3,000 rows; pixel k of row r is (7 r + k) % 256 and its label r % 4.
  t::write_gz(folder.file("train-images-idx3-ubyte.gz"), t::idx_images(3000, 1, 2));
  t::write_raw(folder.file("train-labels-idx1-ubyte"), t::idx_labels(3000, 4));
  const auto d = load_dataset({"idx", {{"path", folder.str()}, {"validation_split", 0.1}}}, 5);
  CHECK(d->validation.rows() == 300);
  CHECK(counts(d->validation.labels()) ==
        std::map<std::int32_t, int>{{0, 75}, {1, 75}, {2, 75}, {3, 75}});
  for (const Split* part : {&d->train, &d->validation}) {
    const auto x = gathered(*part);
    for (std::size_t i = 0; i < part->rows(); ++i) {
      // Pixel 1 - pixel 0 = 1 in every row.
      const auto p0 = static_cast<int>(std::lround(x[i * 2] * 255.0f));
      const auto p1 = static_cast<int>(std::lround(x[i * 2 + 1] * 255.0f));
      REQUIRE((p1 - p0 + 256) % 256 == 1);
      // Rows r and r + 256 share pixels; r % 4 == (r + 256) % 4, so the label
      // follows from any r with 7 r = p0 (mod 256): 7 * 183 = 1281 = 1 (mod 256).
      const int r = (p0 * 183) % 256;
      REQUIRE(part->labels()[i] == r % 4);
    }
  }
}
