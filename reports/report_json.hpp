// report.json: the sweep, its objective and selection rule, the ranking of
// configurations, the best one (with its test metrics, the only test metrics in
// the report), every trial with its diagnosis and curves, the best learning
// rate per optimizer, and warnings. Documented in the README; schema_version 1.
// Non-finite numbers are written as null.
#pragma once

#include <nlohmann/json.hpp>

#include "reports/records.hpp"

namespace sweep::reports {

inline constexpr int kReportSchemaVersion = 2;

nlohmann::json build_report(const SweepRecord& sweep);

}  // namespace sweep::reports
