// CSV datasets: headers, label columns by name and index, string labels, bad
// values with line and column, standardisation fitted on training rows only.
#include <catch2/catch.hpp>

#include <cmath>

#include "engine/datasets/csv.hpp"
#include "engine/errors.hpp"
#include "tests/engine/datasets/dataset_files.hpp"

// GCC 12 warns about members left out of a designated initializer even when
// they have default member initializers (GCC bug 96868); options structs are
// meant to be used that way.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace sweep::engine;
using sweep::engine::test::TempFolder;
using sweep::engine::test::write_text;

namespace {

std::vector<float> gathered(const Split& split) {
  Matrix x(static_cast<Eigen::Index>(split.rows()), static_cast<Eigen::Index>(split.features()));
  split.gather_range(0, split.rows(), x);
  return {x.data(), x.data() + x.size()};
}

std::vector<std::int32_t> labels(const Split& split) {
  return {split.labels().begin(), split.labels().end()};
}

}  // namespace

TEST_CASE("csv with a header and integer labels in the last column", "[datasets][csv]") {
  TempFolder folder;
  write_text(folder.file("data.csv"),
             "x1,x2,y\n"
             "1,10,0\n"
             "2,20,1\n"
             "\n"
             "3,30,2\n"
             "4,40,1\n"
             "5,50,0\n");
  // The Keras-style split: the last rows are the validation part.
  const Dataset d = load_csv(
      {.path = folder.file("data.csv"), .validation_split = 0.2, .split_mode = SplitMode::last});
  CHECK(d.name == "csv");
  CHECK(d.features == 2);
  CHECK(d.classes == 3);
  CHECK(d.class_names.empty());
  CHECK(d.train.rows() == 4);
  CHECK(d.validation.rows() == 1);
  CHECK(d.test.rows() == 0);
  CHECK(labels(d.train) == std::vector<std::int32_t>{0, 1, 2, 1});
  CHECK(labels(d.validation) == std::vector<std::int32_t>{0});

  // Fitted on rows 1..4 only: mean 2.5, population std sqrt(1.25).
  const auto train = gathered(d.train);
  const float s = static_cast<float>(1.0 / std::sqrt(1.25));
  CHECK(train[0] == Approx(-1.5f * s));
  CHECK(train[1] == Approx(-1.5f * s));
  CHECK(train[6] == Approx(1.5f * s));
  const auto validation = gathered(d.validation);
  CHECK(validation[0] == Approx(2.5f * s));  // (5 - 2.5) / std, not re-centred
  CHECK(validation[1] == Approx(2.5f * s));
}

TEST_CASE("csv label column by name or index, and string labels", "[datasets][csv]") {
  TempFolder folder;
  write_text(folder.file("pets.csv"),
             "kind,weight,height\n"
             "dog,30,60\n"
             "cat,4,25\n"
             "\"bird, small\",0.1,10\n"
             "cat,5,24\n");
  for (const std::string column : {"kind", "0"}) {
    const Dataset d = load_csv(
        {.path = folder.file("pets.csv"), .label_column = column, .validation_split = 0.0});
    CHECK(d.features == 2);
    CHECK(d.classes == 3);
    CHECK(d.class_names == std::vector<std::string>{"bird, small", "cat", "dog"});
    CHECK(labels(d.train) == std::vector<std::int32_t>{2, 1, 0, 1});
    CHECK(d.validation.rows() == 0);
  }
  CHECK_THROWS_WITH(load_csv({.path = folder.file("pets.csv"), .label_column = "colour"}),
                    "csv: label_column \"colour\" is not a column of " + folder.file("pets.csv") +
                        "; expected a 0-based index or one of: kind, weight, height");
  CHECK_THROWS_WITH(
      load_csv({.path = folder.file("pets.csv"), .label_column = "3"}),
      "csv: label_column 3 is out of range; " + folder.file("pets.csv") + " has 3 columns (0..2)");
}

TEST_CASE("csv without a header, and a separate test file", "[datasets][csv]") {
  TempFolder folder;
  write_text(folder.file("train.csv"), "1,0.5,a\n2,0.25,b\n3,0.75,a\n");
  write_text(folder.file("test.csv"), "4,1.5,c\n");
  const Dataset d = load_csv({.path = folder.file("train.csv"),
                              .test_path = folder.file("test.csv"),
                              .header = false,
                              .validation_split = 0.0});
  CHECK(d.class_names == std::vector<std::string>{"a", "b", "c"});
  CHECK(d.train.rows() == 3);
  CHECK(d.test.rows() == 1);
  CHECK(labels(d.test) == std::vector<std::int32_t>{2});
  // Test rows use the training mean (2) and std (sqrt(2/3)).
  CHECK(gathered(d.test)[0] == Approx(2.0 / std::sqrt(2.0 / 3.0)));
}

TEST_CASE("csv train_limit reads only the first rows", "[datasets][csv]") {
  TempFolder folder;
  write_text(folder.file("data.csv"), "a,y\n1,0\n2,1\n3,0\n4,1\nnot read,1\n");
  const Dataset d =
      load_csv({.path = folder.file("data.csv"), .train_limit = 4, .validation_split = 0.5});
  CHECK(d.train.rows() == 2);
  CHECK(d.validation.rows() == 2);
}

TEST_CASE("csv errors name the file, line and column", "[datasets][csv]") {
  TempFolder folder;
  const std::string path = folder.file("data.csv");
  write_text(path, "x1,x2,y\n1,2,0\n3,abc,1\n");
  CHECK_THROWS_AS(load_csv({.path = path}), DatasetError);
  CHECK_THROWS_WITH(load_csv({.path = path}), path + ":3: column \"x2\": \"abc\" is not a number");

  write_text(path, "1,2,0\n3,4,1\n5,,0\n");
  CHECK_THROWS_WITH(load_csv({.path = path, .header = false}),
                    path + ":3: column 1: empty cell; set dataset.missing to \"drop\" or \"mean\"");

  write_text(path, "x1,x2,y\n1,2,0\n3,4\n");
  CHECK_THROWS_WITH(load_csv({.path = path}), path + ":3: 2 fields; expected 3");

  write_text(path, "x1,y\n1,0\n2,0\n");
  CHECK_THROWS_WITH(load_csv({.path = path}),
                    path + ": only one class (\"0\") in column \"y\"; expected at least 2");

  write_text(path, "x1,y\n");
  CHECK_THROWS_WITH(load_csv({.path = path}), path + ": no data rows");

  write_text(path, "x1,y\n1,0\n2,1\n");
  CHECK_THROWS_WITH(load_csv({.path = path, .validation_split = 0.9}),
                    path + ": no training rows left of 2 after validation_split 0.9");

  CHECK_THROWS_WITH(load_csv({.path = folder.file("none.csv")}),
                    "cannot open " + folder.file("none.csv") + ": No such file or directory");

  write_text(path, "x1,y\n1,0\n2,1\n");
  write_text(folder.file("test.csv"), "x2,y\n1,0\n");
  CHECK_THROWS_WITH(
      load_csv({.path = path, .test_path = folder.file("test.csv")}),
      folder.file("test.csv") + ":1: columns x2, y differ from " + path + "'s (x1, y)");
}

TEST_CASE("csv lines and fields are capped: a file without newlines is not read whole",
          "[datasets][csv][hardening]") {
  TempFolder folder;
  std::string text = "x,y\n1,0\n";
  text.append((1 << 24) + 10, '1');
  text.append(",1\n");
  write_text(folder.file("long.csv"), text);
  CHECK_THROWS_WITH(
      load_csv({.path = folder.file("long.csv")}),
      folder.file("long.csv") +
          ":3: line longer than 16777216 bytes; expected one row of numbers per line");
  std::string wide = "1";
  for (int i = 1; i < 100'001; ++i) wide.append(",1");
  wide.push_back('\n');
  write_text(folder.file("wide.csv"), wide);
  CHECK_THROWS_WITH(
      load_csv({.path = folder.file("wide.csv"), .header = false}),
      folder.file("wide.csv") + ":1: 100001 fields; at most 100000 columns are accepted");
  // Lines without a final newline, and CRLF line ends, still read.
  write_text(folder.file("crlf.csv"), "x,y\r\n1,0\r\n2,1\r\n3,0");
  const Dataset d = load_csv({.path = folder.file("crlf.csv"), .validation_split = 0});
  CHECK(d.train.rows() == 3);
}

TEST_CASE("csv rows to predict on: with or without the label column", "[datasets][csv]") {
  TempFolder folder;
  write_text(folder.file("labelled.csv"),
             "x1,kind,x2\n"
             "1.5,cat,10\n"
             "\n"
             "-2,dog,20\n");
  const CsvRows labelled =
      read_csv_rows({.path = folder.file("labelled.csv"), .label_column = "kind"}, 2);
  CHECK(labelled.rows == 2);
  CHECK(labelled.x == std::vector<float>{1.5f, 10.0f, -2.0f, 20.0f});
  CHECK(labelled.labels == std::vector<std::string>{"cat", "dog"});

  write_text(folder.file("bare.csv"), "3,4\n5,6\n7,8\n");
  const CsvRows bare = read_csv_rows({.path = folder.file("bare.csv"), .header = false}, 2, 2);
  CHECK(bare.rows == 2);
  CHECK(bare.x == std::vector<float>{3, 4, 5, 6});
  CHECK(bare.labels.empty());

  CHECK_THROWS_WITH(read_csv_rows({.path = folder.file("bare.csv"), .header = false}, 4),
                    folder.file("bare.csv") +
                        ":1: 2 columns; the model takes 4 features (4 columns, or 5 with the "
                        "label column)");
  write_text(folder.file("bad.csv"), "a,b\n1,x\n");
  CHECK_THROWS_WITH(read_csv_rows({.path = folder.file("bad.csv")}, 2),
                    folder.file("bad.csv") + ":2: column \"b\": \"x\" is not a number");
  write_text(folder.file("empty.csv"), "a,b\n");
  CHECK_THROWS_WITH(read_csv_rows({.path = folder.file("empty.csv")}, 2),
                    folder.file("empty.csv") + ": no data rows");
}
