// Terminal views of a sweep, built from the same report the files hold, so
// `sweep show`, `sweep best` and report.json always agree.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/records.hpp"

namespace sweep::runner {

// The ranked table: one row per configuration, diverged and failed visible as such;
// of more than kSummaryRows configurations, the best kSummaryShown and a line
// with how many more there are. Then why the others lost (at most 40 lines),
// warnings, advice and the best configuration.
inline constexpr std::size_t kSummaryRows = 60;
inline constexpr std::size_t kSummaryShown = 50;
// `report` is the sweep's report.json (reports::build_report(record)), read
// in place: `sweep run` passes the one it wrote.
void print_summary(const reports::SweepRecord& record, const nlohmann::json& report,
                   std::FILE* out);
// What print_summary prints, as text.
std::string summary_text(const reports::SweepRecord& record, const nlohmann::json& report);
// The same, building the report first (`sweep show`).
void print_summary(const reports::SweepRecord& record, std::FILE* out);
// From the first trial's start to the last trial's end, in seconds.
double trials_span_seconds(const reports::SweepRecord& record);
// Seconds since the epoch of an ISO 8601 UTC time ("2026-11-26T07:30:00.123Z"); 0 if empty.
double parse_iso8601(const std::string& text);

}  // namespace sweep::runner
