// A classification set from CSV files: one row per sample, one column the
// label, every other column a number (or a missing value: empty, NA, N/A,
// NaN, nan, null or ?, handled as CsvOptions::missing says). Labels are integers 0..K-1, or any
// strings, mapped to class ids in sorted order (kept as class_names).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/datasets/dataset.hpp"
#include "engine/datasets/preparation.hpp"

namespace sweep::engine {

struct CsvOptions {
  std::string path;
  std::string test_path;        // optional; empty = no test set
  std::string validation_path;  // optional; the validation part instead of validation_split
  std::string label_column;     // a header name or a 0-based index; empty = the last column
  bool header = true;           // the first line names the columns
  std::size_t train_limit = 0;  // read at most this many data rows of `path`; 0 = all
  double validation_split = 0.1;
  SplitMode split_mode = SplitMode::stratified;
  std::uint64_t seed = 0;  // the sweep's: shuffles a stratified split
  Missing missing = Missing::error;
  Normalization normalize = Normalization::standard;
};

// Throws DatasetError naming the file, line and column of a bad value
// ("data.csv:17: column \"x2\": \"abc\" is not a number").
Dataset load_csv(const CsvOptions& options);

// The column names of a CSV file's first non-empty line; empty when the file
// cannot be read or the line cannot be split.
std::vector<std::string> csv_header(const std::string& path);
// Rows to predict on, read as load_csv reads options.path (header,
// label_column): `features` number columns, with the label column or
// without it (then `labels` is empty). At most `limit` rows (0 = all).
// Throws DatasetError naming the file, the line and the column.
struct CsvRows {
  std::size_t rows = 0;
  std::vector<float> x;             // rows * features, row-major
  std::vector<std::string> labels;  // one per row as written; empty without a label column
};
CsvRows read_csv_rows(const CsvOptions& options, std::size_t features, std::size_t limit = 0);

}  // namespace sweep::engine
