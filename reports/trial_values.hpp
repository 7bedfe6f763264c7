// Small readers of a trial record used throughout reports/: its optimizer and
// learning rate from the swept params, and one metric of one epoch.
#pragma once

#include <optional>
#include <string>

#include "reports/records.hpp"

namespace sweep::reports {

// params["optimizer"], or "" when the trial has none.
std::string optimizer_of(const TrialRecord& trial);

// params["learning_rate"] when it is a number.
std::optional<double> learning_rate_of(const TrialRecord& trial);

// The epoch's value of `name`, when recorded (may be non-finite).
std::optional<double> metric_of(const EpochRecord& epoch, const std::string& name);

// Trials whose objective values count for ranking and comparison: everything
// but diverged and failed ones, whose partial values would mislead.
bool counts_for_ranking(const TrialRecord& trial);

}  // namespace sweep::reports
