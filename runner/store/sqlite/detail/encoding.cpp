#include "runner/store/sqlite/detail/encoding.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

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

std::map<std::string, double> decode_metrics_json(const std::string& text) {
  std::map<std::string, double> metrics;
  if (text.empty()) return metrics;
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
