// Ranking of a sweep's configurations by the objective.
//
// A trial's objective value is the best epoch's value of sweep.objective_metric
// (highest when sweep.maximize, else lowest); that epoch is the trial's best
// epoch. Repeats of a configuration (equal config_hash) are averaged. Diverged
// and failed trials contribute no value, so a configuration whose trials all
// diverged or failed, or that has no value yet, ranks after every
// configuration with one. Two neighbours in the ranking are tied when their
// means differ by less than their combined standard error sqrt(se1^2 + se2^2),
// se = std / sqrt(n) (equal means with single repeats are tied too).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/records.hpp"

namespace sweep::reports {

struct RankEntry {
  nlohmann::json config;  // the swept params of the configuration
  std::string config_hash;
  std::vector<std::int64_t> trial_ids;  // every trial of the configuration, by repeat
  double mean = std::numeric_limits<double>::quiet_NaN();  // NaN when n == 0
  double std = std::numeric_limits<double>::quiet_NaN();   // sample std; 0 when n == 1
  int n = 0;                                               // repeats whose value counts
  int rank = 0;                                            // 1-based position in the ranking
  bool tied = false;                                       // tied with a neighbour
  std::string status;  // best status among its trials (completed > pruned > ... > failed)
  int diverged = 0;    // trials of the configuration that diverged
  int failed = 0;      // ... and that failed
  double min = std::numeric_limits<double>::quiet_NaN();  // over the counted repeats
  double max = std::numeric_limits<double>::quiet_NaN();
};

// The trial's objective value (NaN-free), or nullopt when no epoch recorded the
// objective metric with a finite value. *best_epoch (when given) receives the
// 1-based epoch of that value, the earliest on equal values, or 0 when none.
std::optional<double> trial_objective(const SweepRecord& sweep, const TrialRecord& trial,
                                      int* best_epoch = nullptr);

// Every configuration of the sweep, best first.
std::vector<RankEntry> rank_configurations(const SweepRecord& sweep);

// True when the entry has a value that can win (not all diverged/failed).
bool is_rankable(const RankEntry& entry);

// Position of a status in "best status" order: completed, pruned, interrupted,
// running, pending, diverged, failed, then anything else.
int status_order(const std::string& status);

}  // namespace sweep::reports
