// How values without a natural SQLite column are stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace sweep::runner::detail {

// A loss trace as a BLOB of IEEE 754 binary64 values in little-endian order,
// 8 bytes a point: compact, and NaN and infinities keep their exact bits.
std::vector<std::byte> encode_trace(const std::vector<double>& points);
// Throws SqliteFailure (SQLITE_CORRUPT) when the size is not a multiple of 8.
std::vector<double> decode_trace(std::span<const std::byte> bytes);

// float32 values as a BLOB of IEEE 754 binary32 values in little-endian
// order, 4 bytes each (weights, offsets and scales), bit for bit.
void append_floats(std::span<const float> values, std::vector<std::byte>& bytes);
// Throws SqliteFailure (SQLITE_CORRUPT) when the size is not a multiple of 4.
std::vector<float> decode_floats(std::span<const std::byte> bytes);

// Test metrics as a JSON object. JSON has no NaN or infinity, so those are
// written as the strings "nan", "inf" and "-inf". A family of metrics
// "base[r][c]" that fills its rows and columns from [0][0] (the test set's
// confusion counts), and whose base is no metric's own name, is one member
// "base", an array of rows: 0.6 KB a trial for ten classes, not 2.3 KB
// (schema 6; a flat "base[r][c]" member, as schema 5 wrote them, reads the same).
std::string encode_metrics_json(const std::map<std::string, double>& metrics);
std::map<std::string, double> decode_metrics_json(const std::string& text);

// A uint64 seed kept exactly in SQLite's signed 64-bit INTEGER.
std::int64_t seed_to_sql(std::uint64_t seed);
std::uint64_t seed_from_sql(std::int64_t value);

}  // namespace sweep::runner::detail
