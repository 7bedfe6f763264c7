#include "runner/store/sqlite/detail/encoding.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
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

std::string encode_metrics_json(const std::map<std::string, double>& metrics) {
  auto object = nlohmann::json::object();
  for (const auto& [name, value] : metrics) {
    if (std::isnan(value)) {
      object[name] = "nan";
    } else if (std::isinf(value)) {
      object[name] = value > 0 ? "inf" : "-inf";
    } else {
      object[name] = value;
    }
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

// encode_metrics_json's own output, {"name":number-or-"nan"/"inf"/"-inf",...}
// with no space and no escape, read without building a JSON document: a
// report reads every trial's test metrics (at 1,000 trials, a twelfth of
// the time after the trials went to parsing them). False for anything else,
// which the JSON parser then reads (and rejects where it must).
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
    double value = 0.0;
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
    } else {
      const char* const number_end = json_number_end(p, end);
      if (number_end == nullptr) return false;
      const auto [next, error] = std::from_chars(p, number_end, value);
      if (error != std::errc() || next != number_end) return false;
      p = next;
    }
    // Stored in name order: each lands at the end of the map.
    metrics.insert_or_assign(metrics.end(), std::string(name), value);
    if (p == end) return false;
    if (*p == '}') return p + 1 == end;
    if (*p++ != ',') return false;
  }
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
    if (value.is_number()) {
      metrics[name] = value.get<double>();
    } else if (value == "nan") {
      metrics[name] = std::numeric_limits<double>::quiet_NaN();
    } else if (value == "inf") {
      metrics[name] = std::numeric_limits<double>::infinity();
    } else if (value == "-inf") {
      metrics[name] = -std::numeric_limits<double>::infinity();
    } else {
      throw SqliteFailure("test metric \"" + name + "\" is not a number", SQLITE_CORRUPT);
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
