// Writes report.json and report.html for a sweep into a folder, creating it.
// Each file is written to a temporary file in the same folder and renamed over
// the old one, so a reader never sees a half-written report.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "reports/records.hpp"

namespace sweep::reports {

// Throws std::runtime_error ("cannot write report file <path>: <reason>") when
// the folder cannot be created or a file cannot be written.
void write_reports(const SweepRecord& sweep, const std::string& out_dir);
// The same from a report already built (build_report(sweep)), so that a
// caller that also prints it builds it once.
void write_reports(const nlohmann::json& report, const std::string& out_dir);

}  // namespace sweep::reports
