#include "runner/store/sqlite/detail/encoding.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "runner/store/sqlite/detail/sqlite_failure.hpp"

#include <sqlite3.h>

namespace sweep::runner::detail {

std::vector<std::byte> encode_trace(const std::vector<double>& points) {
  std::vector<std::byte> bytes(points.size() * 8);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto bits = std::bit_cast<std::uint64_t>(points[i]);
    for (int b = 0; b < 8; ++b) {
      bytes[i * 8 + static_cast<std::size_t>(b)] = static_cast<std::byte>((bits >> (8 * b)) & 0xFF);
    }
  }
  return bytes;
}

std::vector<double> decode_trace(std::span<const std::byte> bytes) {
  if (bytes.size() % 8 != 0) {
    throw SqliteFailure("a loss trace is not a whole number of 8-byte values", SQLITE_CORRUPT);
  }
  std::vector<double> points(bytes.size() / 8);
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::uint64_t bits = 0;
    for (int b = 0; b < 8; ++b) {
      bits |= static_cast<std::uint64_t>(bytes[i * 8 + static_cast<std::size_t>(b)]) << (8 * b);
    }
    points[i] = std::bit_cast<double>(bits);
  }
  return points;
}

void append_floats(std::span<const float> values, std::vector<std::byte>& bytes) {
  const std::size_t start = bytes.size();
  bytes.resize(start + values.size() * 4);
  std::byte* out = bytes.data() + start;
  for (const float value : values) {
    const auto bits = std::bit_cast<std::uint32_t>(value);
    for (int b = 0; b < 4; ++b) *out++ = static_cast<std::byte>((bits >> (8 * b)) & 0xFF);
  }
}

std::vector<float> decode_floats(std::span<const std::byte> bytes) {
  if (bytes.size() % 4 != 0) {
    throw SqliteFailure("stored float32 values are not a whole number of 4-byte values",
                        SQLITE_CORRUPT);
  }
  std::vector<float> values(bytes.size() / 4);
  const std::byte* in = bytes.data();
  for (float& value : values) {
    std::uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= static_cast<std::uint32_t>(*in++) << (8 * b);
    value = std::bit_cast<float>(bits);
  }
  return values;
}

namespace {

// A metric value as JSON: JSON has no NaN or infinity.
nlohmann::json value_json(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

// A decimal index as a name writes it ("0", "12"; no sign, no leading zero),
// or nullopt.
std::optional<std::size_t> parse_index(std::string_view digits) {
  if (digits.empty() || digits.size() > 6 || (digits.size() > 1 && digits[0] == '0'))
    return std::nullopt;
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return index;
}

// "base[row][col]" as (base, row, col), or nullopt.
struct Cell {
  std::string_view base;
  std::size_t row;
  std::size_t col;
};
std::optional<Cell> matrix_cell(std::string_view name) {
  if (!name.ends_with(']')) return std::nullopt;
  const std::size_t col_open = name.rfind('[');
  if (col_open == std::string_view::npos || col_open == 0 || name[col_open - 1] != ']')
    return std::nullopt;
  const std::size_t row_open = name.rfind('[', col_open - 1);
  if (row_open == std::string_view::npos || row_open == 0) return std::nullopt;
  const auto row = parse_index(name.substr(row_open + 1, col_open - 1 - row_open - 1));
  const auto col = parse_index(name.substr(col_open + 1, name.size() - 1 - col_open - 1));
  if (!row || !col) return std::nullopt;
  return Cell{name.substr(0, row_open), *row, *col};
}

std::string cell_name(std::string_view base, std::size_t row, std::size_t col) {
  std::string name;
  name.reserve(base.size() + 8);
  name.append(base).append("[").append(std::to_string(row)).append("][");
  name.append(std::to_string(col)).append("]");
  return name;
}

}  // namespace

std::string encode_metrics_json(const std::map<std::string, double>& metrics) {
  // The cells of each family "base[r][c]", its rows and columns, and whether
  // it is written as one member (an array of rows): when it fills its
  // rectangle from [0][0] and its base is no metric's own name.
  struct Family {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::size_t cells = 0;
    bool matrix = false;
  };
  std::map<std::string_view, Family> families;
  for (const auto& [name, value] : metrics) {
    if (const auto cell = matrix_cell(name)) {
      Family& family = families[cell->base];
      family.rows = std::max(family.rows, cell->row + 1);
      family.cols = std::max(family.cols, cell->col + 1);
      ++family.cells;
    }
  }
  for (auto& [base, family] : families)
    family.matrix =
        family.cells == family.rows * family.cols && !metrics.contains(std::string(base));
  auto object = nlohmann::json::object();
  for (const auto& [name, value] : metrics) {
    const auto cell = families.empty() ? std::nullopt : matrix_cell(name);
    const Family* family = cell ? &families.at(cell->base) : nullptr;
    if (family == nullptr || !family->matrix) {
      object[name] = value_json(value);
      continue;
    }
    nlohmann::json& matrix = object[std::string(cell->base)];
    if (matrix.is_null()) {
      matrix = nlohmann::json::array();
      for (std::size_t r = 0; r < family->rows; ++r)
        matrix.push_back(nlohmann::json(std::vector<nlohmann::json>(family->cols)));
    }
    matrix[cell->row][cell->col] = value_json(value);
  }
  return object.dump();
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The end of the JSON number at p (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?),
// or null when none starts there.
const char* json_number_end(const char* p, const char* end) {
  if (p != end && *p == '-') ++p;
  if (p == end || !is_digit(*p)) return nullptr;
  if (*p == '0') {
    ++p;
  } else {
    while (p != end && is_digit(*p)) ++p;
  }
  if (p != end && *p == '.') {
    if (++p == end || !is_digit(*p)) return nullptr;
    while (p != end && is_digit(*p)) ++p;
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != end && (*p == '+' || *p == '-')) ++p;
    if (p == end || !is_digit(*p)) return nullptr;
    while (p != end && is_digit(*p)) ++p;
  }
  return p;
}

// One value as encode_metrics_json writes it, a number or "nan", "inf" or
// "-inf", read at p; p is left after it. False for anything else.
bool plain_value(const char*& p, const char* end, double& value) {
  if (p == end) return false;
  if (*p == '"') {
    const std::string_view rest(p, static_cast<std::size_t>(end - p));
    if (rest.starts_with("\"nan\"")) {
      value = std::numeric_limits<double>::quiet_NaN();
      p += 5;
    } else if (rest.starts_with("\"inf\"")) {
      value = std::numeric_limits<double>::infinity();
      p += 5;
    } else if (rest.starts_with("\"-inf\"")) {
      value = -std::numeric_limits<double>::infinity();
      p += 6;
    } else {
      return false;
    }
    return true;
  }
  const char* const number_end = json_number_end(p, end);
  if (number_end == nullptr) return false;
  const auto [next, error] = std::from_chars(p, number_end, value);
  if (error != std::errc() || next != number_end) return false;
  p = next;
  return true;
}

// encode_metrics_json's own output, {"name":value,...} with no space and no
// escape, where a value is a plain one or a matrix of them ([[v,...],...]),
// read without building a JSON document: a report reads every trial's test
// metrics (at 1,000 trials, a twelfth of the time after the trials went to
// parsing them). False for anything else, which the JSON parser then reads
// (and rejects where it must).
bool decode_plain_metrics(std::string_view text, std::map<std::string, double>& metrics) {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p == end || *p++ != '{') return false;
  if (p != end && *p == '}') return p + 1 == end;
  while (true) {
    if (p == end || *p++ != '"') return false;
    const char* const key = p;
    while (p != end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) ++p;
    if (p == end || *p != '"') return false;
    const std::string_view name(key, static_cast<std::size_t>(p - key));
    if (++p == end || *p++ != ':' || p == end) return false;
    if (*p == '[') {
      // A matrix: each cell lands as "name[row][col]".
      ++p;
      for (std::size_t row = 0;; ++row) {
        if (p == end || *p++ != '[') return false;
        for (std::size_t col = 0;; ++col) {
          double value = 0.0;
          if (!plain_value(p, end, value)) return false;
          metrics.insert_or_assign(cell_name(name, row, col), value);
          if (p == end) return false;
          if (*p == ']') break;
          if (*p++ != ',') return false;
        }
        if (++p == end) return false;
        if (*p == ']') break;
        if (*p++ != ',') return false;
      }
      ++p;
    } else {
      double value = 0.0;
      if (!plain_value(p, end, value)) return false;
      // Stored in name order: each lands at the end of the map.
      metrics.insert_or_assign(metrics.end(), std::string(name), value);
    }
    if (p == end) return false;
    if (*p == '}') return p + 1 == end;
    if (*p++ != ',') return false;
  }
}

// A value the JSON parser read: a number or "nan", "inf" or "-inf".
double parsed_value(const nlohmann::json& value, const std::string& name) {
  if (value.is_number()) return value.get<double>();
  if (value == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (value == "inf") return std::numeric_limits<double>::infinity();
  if (value == "-inf") return -std::numeric_limits<double>::infinity();
  throw SqliteFailure("test metric \"" + name + "\" is not a number", SQLITE_CORRUPT);
}

}  // namespace

std::map<std::string, double> decode_metrics_json(const std::string& text) {
  std::map<std::string, double> metrics;
  if (text.empty()) return metrics;
  if (decode_plain_metrics(text, metrics)) return metrics;
  metrics.clear();
  const auto object = nlohmann::json::parse(text, nullptr, false);
  if (!object.is_object()) {
    throw SqliteFailure("test metrics are not a json object", SQLITE_CORRUPT);
  }
  for (const auto& [name, value] : object.items()) {
    if (!value.is_array()) {
      metrics[name] = parsed_value(value, name);
      continue;
    }
    for (std::size_t row = 0; row < value.size(); ++row) {
      if (!value[row].is_array())
        throw SqliteFailure("test metric \"" + name + "\" is not a matrix", SQLITE_CORRUPT);
      for (std::size_t col = 0; col < value[row].size(); ++col) {
        std::string cell = cell_name(name, row, col);
        metrics[cell] = parsed_value(value[row][col], cell);
      }
    }
  }
  return metrics;
}

std::int64_t seed_to_sql(std::uint64_t seed) {
  return std::bit_cast<std::int64_t>(seed);
}

std::uint64_t seed_from_sql(std::int64_t value) {
  return std::bit_cast<std::uint64_t>(value);
}

}  // namespace sweep::runner::detail
