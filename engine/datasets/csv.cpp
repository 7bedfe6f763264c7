#include "engine/datasets/csv.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "engine/datasets/preparation.hpp"
#include "engine/errors.hpp"

namespace sweep::engine {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// No CSV line may be longer than this, nor hold more fields: a file with no
// newline must not be read into memory whole.
constexpr std::size_t kMaxLineBytes = std::size_t{1} << 24;  // 16 MiB
constexpr std::size_t kMaxFields = 100'000;

// std::getline with a bound: reads one line (without its '\n') into `line`;
// false at the end of the file; sets `too_long` and stops reading past
// kMaxLineBytes.
bool read_line(std::istream& in, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  char buffer[1 << 16];
  bool any = false;
  while (true) {
    in.get(buffer, sizeof buffer, '\n');
    const auto got = static_cast<std::size_t>(in.gcount());
    any = any || got > 0;
    line.append(buffer, got);
    if (line.size() > kMaxLineBytes) {
      too_long = true;
      return true;
    }
    if (in.eof()) return any;
    if (in.fail()) in.clear();  // nothing extracted: an empty line, '\n' next
    if (in.peek() == '\n') {
      in.ignore();
      return true;
    }
  }
}

// Splits one line at commas; a field in double quotes may hold commas, and
// "" inside it stands for one quote. Returns false on an unterminated quote.
bool split_fields(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"' && trim(field).empty()) {
      quoted = true;
      was_quoted = true;
      field.clear();
    } else if (ch == ',') {
      fields.push_back(was_quoted ? field : std::string{trim(field)});
      field.clear();
      was_quoted = false;
    } else if (!(was_quoted && (ch == ' ' || ch == '\t' || ch == '\r'))) {
      field += ch;
    }
  }
  if (quoted) return false;
  fields.push_back(was_quoted ? field : std::string{trim(field)});
  return true;
}

std::optional<float> parse_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  float value = 0.0f;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// The texts that stand for no value (pandas' defaults, and UCI's "?").
bool is_missing(std::string_view text) {
  for (const char* marker : {"", "NA", "N/A", "NaN", "nan", "null", "?"})
    if (text == marker) return true;
  return false;
}

std::string missing_text(std::string_view text) {
  return text.empty() ? std::string{"empty cell"}
                      : "\"" + std::string{text} + "\" (a missing value)";
}

struct Table {
  std::vector<std::string> header;  // empty without a header line
  std::size_t columns = 0;
  std::size_t dropped = 0;          // rows left out for a missing value (Missing::drop)
  std::vector<float> x;             // rows * (columns - 1)
  std::vector<std::string> labels;  // one per row, as written
};

std::string column_text(const Table& table, std::size_t column) {
  if (!table.header.empty()) return "column \"" + table.header[column] + "\"";
  return "column " + std::to_string(column);
}

std::size_t resolve_label_column(const CsvOptions& o, const Table& table) {
  if (o.label_column.empty()) return table.columns - 1;
  const auto named = std::find(table.header.begin(), table.header.end(), o.label_column);
  if (named != table.header.end()) return static_cast<std::size_t>(named - table.header.begin());
  std::size_t index = 0;
  const auto* end = o.label_column.data() + o.label_column.size();
  const auto [stop, error] = std::from_chars(o.label_column.data(), end, index);
  if (error != std::errc{} || stop != end) {
    std::string message = "csv: label_column \"" + o.label_column + "\" is not a column of " +
                          o.path + "; expected a 0-based index";
    if (!table.header.empty()) {
      message += " or one of: " + join(table.header);
    } else {
      message += " (the file has no header, so columns have no names)";
    }
    throw DatasetError(message);
  }
  if (index >= table.columns) {
    throw DatasetError("csv: label_column " + o.label_column + " is out of range; " + o.path +
                       " has " + std::to_string(table.columns) + " columns (0.." +
                       std::to_string(table.columns - 1) + ")");
  }
  return index;
}

// Reads `path`. `expected` (the training table) fixes the columns of a test
// file; without it the header or the first row does. `limit` 0 = all rows.
Table read_table(const std::string& path, const CsvOptions& o, const Table* expected,
                 std::size_t limit, std::size_t& label_column) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DatasetError("cannot open " + path + ": " +
                       (errno != 0 ? std::strerror(errno) : "not readable"));
  }
  Table table;
  if (expected != nullptr) table.columns = expected->columns;
  std::string line;
  std::vector<std::string> fields;
  std::size_t line_number = 0;
  bool header_pending = o.header;
  bool columns_known = expected != nullptr;
  bool too_long = false;
  while ((limit == 0 || table.labels.size() < limit) && read_line(in, line, too_long)) {
    ++line_number;
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    if (too_long)
      throw DatasetError(where + "line longer than " + std::to_string(kMaxLineBytes) +
                         " bytes; expected one row of numbers per line");
    if (line.find('\0') != std::string::npos) {
      const std::string extension = std::filesystem::path(path).extension().string();
      std::string hint;
      if (extension == ".npz" || extension == ".npy") {
        hint = "; for NumPy files use dataset \"npz\" or \"npy\"";
      } else if (extension == ".xlsx" || extension == ".xls") {
        hint = "; save the sheet as CSV";
      } else if (extension == ".gz" || extension == ".zip") {
        hint = "; decompress it first";
      }
      throw DatasetError(path + ": binary data, not a CSV text file" + hint);
    }
    if (trim(line).empty()) continue;
    if (!split_fields(line, fields)) throw DatasetError(where + "unterminated quote");
    if (fields.size() > kMaxFields)
      throw DatasetError(where + std::to_string(fields.size()) + " fields; at most " +
                         std::to_string(kMaxFields) + " columns are accepted");
    if (header_pending) {
      header_pending = false;
      if (expected != nullptr) {
        if (fields != expected->header) {
          throw DatasetError(where + "columns " + join(fields) + " differ from " + o.path + "'s (" +
                             join(expected->header) + ")");
        }
      } else {
        table.columns = fields.size();
        columns_known = true;
      }
      table.header = fields;
      continue;
    }
    if (!columns_known) {
      table.columns = fields.size();
      columns_known = true;
    }
    if (table.columns < 2) {
      throw DatasetError(where + std::to_string(table.columns) +
                         " column; expected a label and at least one feature");
    }
    if (expected == nullptr && table.labels.empty()) label_column = resolve_label_column(o, table);
    if (fields.size() != table.columns) {
      throw DatasetError(where + std::to_string(fields.size()) + " fields; expected " +
                         std::to_string(table.columns));
    }
    // A row with a missing value: left out, or NaN for the training mean.
    bool drop = false;
    for (std::size_t column = 0; column < fields.size() && !drop; ++column) {
      if (column == label_column || !is_missing(fields[column])) continue;
      if (o.missing == Missing::error)
        throw DatasetError(where + column_text(table, column) + ": " +
                           missing_text(fields[column]) +
                           "; set dataset.missing to \"drop\" or \"mean\"");
      drop = o.missing == Missing::drop;
    }
    if (is_missing(fields[label_column])) {
      if (o.missing != Missing::drop)
        throw DatasetError(where + "label " + column_text(table, label_column) + ": " +
                           missing_text(fields[label_column]) +
                           "; set dataset.missing to \"drop\" to leave such rows out");
      drop = true;
    }
    if (drop) {
      ++table.dropped;
      continue;
    }
    for (std::size_t column = 0; column < fields.size(); ++column) {
      if (column == label_column) continue;
      if (is_missing(fields[column])) {
        table.x.push_back(std::numeric_limits<float>::quiet_NaN());
        continue;
      }
      const auto value = parse_number(fields[column]);
      if (!value) {
        throw DatasetError(where + column_text(table, column) + ": \"" + fields[column] +
                           "\" is not a number");
      }
      table.x.push_back(*value);
    }
    table.labels.push_back(fields[label_column]);
  }
  if (in.bad()) throw DatasetError("cannot read " + path);
  if (table.labels.empty())
    throw DatasetError(
        path + ": no data rows" +
        (table.dropped > 0
             ? " left after dropping " + std::to_string(table.dropped) + " with missing values"
             : std::string{}));
  return table;
}

std::optional<long> small_integer(const std::string& text) {
  long value = 0;
  const auto* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  // Ids above this are more likely codes or years than class indices.
  if (error != std::errc{} || stop != end || value < 0 || value > 65535) return std::nullopt;
  return value;
}

}  // namespace

Dataset load_csv(const CsvOptions& o) {
  if (o.path.empty()) throw ConfigError("csv: path is required");
  std::size_t label_column = 0;
  Table train = read_table(o.path, o, nullptr, o.train_limit, label_column);
  Table validation;
  if (!o.validation_path.empty())
    validation = read_table(o.validation_path, o, &train, 0, label_column);
  Table test;
  if (!o.test_path.empty()) test = read_table(o.test_path, o, &train, 0, label_column);

  // Integer labels when every label (train, validation and test) is one;
  // otherwise strings, numbered in sorted order.
  bool integers = true;
  long max_label = 0;
  std::set<std::string> names;
  for (const Table* table : {&train, &validation, &test}) {
    for (const auto& label : table->labels) {
      names.insert(label);
      if (const auto id = small_integer(label)) {
        max_label = std::max(max_label, *id);
      } else {
        integers = false;
      }
    }
  }
  Dataset dataset;
  dataset.name = "csv";
  dataset.features = train.columns - 1;
  std::map<std::string, std::int32_t> ids;
  if (integers) {
    dataset.classes = static_cast<std::size_t>(max_label) + 1;
  } else {
    dataset.class_names.assign(names.begin(), names.end());
    for (std::size_t i = 0; i < dataset.class_names.size(); ++i) {
      ids[dataset.class_names[i]] = static_cast<std::int32_t>(i);
    }
    dataset.classes = dataset.class_names.size();
  }
  if (names.size() < 2) {
    throw DatasetError(o.path + ": only one class (\"" + *names.begin() + "\") in " +
                       column_text(train, label_column) + "; expected at least 2");
  }
  auto rows_of = [&](Table& table) {
    detail::Rows rows;
    rows.y.reserve(table.labels.size());
    for (const auto& label : table.labels) {
      rows.y.push_back(integers ? static_cast<std::int32_t>(*small_integer(label)) : ids.at(label));
    }
    rows.x = std::move(table.x);
    return rows;
  };
  const std::pair<const Table*, const std::string*> files[] = {
      {&train, &o.path}, {&validation, &o.validation_path}, {&test, &o.test_path}};
  for (const auto& [table, path] : files) {
    if (table->dropped > 0)
      dataset.notes.push_back(*path + ": " + std::to_string(table->dropped) + " of " +
                              std::to_string(table->dropped + table->labels.size()) +
                              " rows dropped for a missing value (missing: drop)");
  }
  const detail::Preparation preparation{.validation_split = o.validation_split,
                                        .mode = o.split_mode,
                                        .seed = o.seed,
                                        .normalization = o.normalize};
  detail::prepare_parts(dataset, o.path, rows_of(train), rows_of(validation), rows_of(test),
                        preparation);
  return dataset;
}

std::vector<std::string> csv_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::vector<std::string> fields;
  bool too_long = false;
  while (in && read_line(in, line, too_long)) {
    if (too_long) return {};
    if (trim(line).empty()) continue;
    if (!split_fields(line, fields)) return {};
    return fields;
  }
  return {};
}

CsvRows read_csv_rows(const CsvOptions& o, std::size_t features, std::size_t limit) {
  errno = 0;
  std::ifstream in(o.path, std::ios::binary);
  if (!in) {
    throw DatasetError("cannot open " + o.path + ": " +
                       (errno != 0 ? std::strerror(errno) : "not readable"));
  }
  CsvRows out;
  Table layout;  // the header and the column count, for the label column's lookup
  std::optional<std::size_t> label_column;
  std::string line;
  std::vector<std::string> fields;
  std::size_t line_number = 0;
  bool header_pending = o.header;
  bool too_long = false;
  while ((limit == 0 || out.rows < limit) && read_line(in, line, too_long)) {
    ++line_number;
    const std::string where = o.path + ":" + std::to_string(line_number) + ": ";
    if (too_long)
      throw DatasetError(where + "line longer than " + std::to_string(kMaxLineBytes) +
                         " bytes; expected one row of numbers per line");
    if (trim(line).empty()) continue;
    if (!split_fields(line, fields)) throw DatasetError(where + "unterminated quote");
    if (fields.size() > kMaxFields)
      throw DatasetError(where + std::to_string(fields.size()) + " fields; at most " +
                         std::to_string(kMaxFields) + " columns are accepted");
    if (layout.columns == 0) {
      layout.columns = fields.size();
      if (layout.columns != features && layout.columns != features + 1) {
        throw DatasetError(where + std::to_string(layout.columns) + " columns; the model takes " +
                           std::to_string(features) + " features (" + std::to_string(features) +
                           " columns, or " + std::to_string(features + 1) +
                           " with the label column)");
      }
      if (header_pending) {
        header_pending = false;
        layout.header = fields;
        if (layout.columns == features + 1) label_column = resolve_label_column(o, layout);
        continue;
      }
      if (layout.columns == features + 1) label_column = resolve_label_column(o, layout);
    }
    if (fields.size() != layout.columns) {
      throw DatasetError(where + std::to_string(fields.size()) + " fields; expected " +
                         std::to_string(layout.columns));
    }
    for (std::size_t column = 0; column < fields.size(); ++column) {
      if (label_column && column == *label_column) continue;
      const auto value = parse_number(fields[column]);
      if (!value) {
        throw DatasetError(where + column_text(layout, column) + ": \"" + fields[column] +
                           "\" is not a number");
      }
      out.x.push_back(*value);
    }
    if (label_column) {
      if (fields[*label_column].empty()) throw DatasetError(where + "empty label");
      out.labels.push_back(fields[*label_column]);
    }
    ++out.rows;
  }
  if (in.bad()) throw DatasetError("cannot read " + o.path);
  if (out.rows == 0) throw DatasetError(o.path + ": no data rows");
  return out;
}

}  // namespace sweep::engine
