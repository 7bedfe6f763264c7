// Wall-clock times as the store records them.
#pragma once

#include <string>

namespace sweep::runner::detail {

// Seconds since the Unix epoch, with sub-second precision (lease expiry,
// durations).
double unix_seconds();

// "2026-11-26T07:30:00.123Z": ISO 8601, UTC, milliseconds.
std::string iso8601_utc(double unix_time);
std::string iso8601_utc_now();

}  // namespace sweep::runner::detail
