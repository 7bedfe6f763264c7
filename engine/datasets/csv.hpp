// A classification set from CSV files: one row per sample, one column the
// label, every other column a number. Labels are integers 0..K-1, or any
// strings, mapped to class ids in sorted order (kept as class_names).
#pragma once

#include <cstddef>
#include <string>

#include "engine/datasets/dataset.hpp"

namespace sweep::engine {

struct CsvOptions {
  std::string path;
  std::string test_path;        // optional; empty = no test set
  std::string label_column;     // a header name or a 0-based index; empty = the last column
  bool header = true;           // the first line names the columns
  std::size_t train_limit = 0;  // read at most this many data rows of `path`; 0 = all
  double validation_split = 0.1;
};

// Throws DatasetError naming the file, line and column of a bad value
// ("data.csv:17: column \"x2\": \"abc\" is not a number").
Dataset load_csv(const CsvOptions& options);

}  // namespace sweep::engine
