#include "runner/pruning/rung_replay.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "reports/format.hpp"
#include "runner/pruning/successive_halving_pruner.hpp"
#include "runner/spec/spec.hpp"

namespace sweep::runner {
namespace {

bool is_done(const std::string& status, bool failed_done) {
  return status == "completed" || status == "pruned" || status == "diverged" ||
         (failed_done && status == "failed");
}

bool better(double a, double b, bool maximize) {
  return maximize ? a > b : a < b;
}

// The objective as the trial's BestEpoch saw it after `epoch` epochs: the
// value of the strictly best epoch so far, NaN when none. Partial epochs (a
// cut inside an epoch) are no epochs.
double objective_after(const reports::TrialRecord& trial, int epoch, const std::string& metric,
                       bool maximize) {
  double best =
      maximize ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  bool any = false;
  for (const auto& record : trial.epochs) {
    if (record.epoch > epoch) break;
    if (record.metrics.count(kEpochFraction) != 0) continue;
    const auto found = record.metrics.find(metric);
    if (found == record.metrics.end()) continue;
    if (better(found->second, best, maximize)) {
      best = found->second;
      any = true;
    }
  }
  return any ? best : std::numeric_limits<double>::quiet_NaN();
}

double metric_at(const reports::EpochRecord& record, const std::string& name) {
  const auto found = name.empty() ? record.metrics.end() : record.metrics.find(name);
  return found == record.metrics.end() ? std::numeric_limits<double>::quiet_NaN() : found->second;
}

// Where trial `trial` stood at rung `k` (0-based) at `position` epochs, or
// nothing when it never arrived there.
std::optional<RungBoard::Value> standing(const reports::TrialRecord& trial, int k, double position,
                                         const std::string& metric, bool maximize) {
  const std::string tie = tie_metric(metric);
  if (!at_epoch_end(position)) {
    // A rung inside an epoch: the values it judged are in that epoch's record.
    const std::string key = rung_key(k, metric);
    for (const auto& record : trial.epochs) {
      const auto found = record.metrics.find(key);
      if (found == record.metrics.end()) continue;
      return RungBoard::Value{best_of(objective_after(trial, record.epoch - 1, metric, maximize),
                                      found->second, maximize),
                              tie.empty() ? std::numeric_limits<double>::quiet_NaN()
                                          : metric_at(record, rung_key(k, tie))};
    }
    return std::nullopt;
  }
  // A rung at the end of epoch `epoch`: a trial cut there has it as its last
  // whole epoch; any other went on past it (a later row, or a partial one).
  // One that ended on its own at that epoch never arrived.
  const auto epoch = static_cast<int>(position);
  const bool cut_there = trial.status == "pruned" || trial.status == "failed";
  for (std::size_t i = 0; i < trial.epochs.size(); ++i) {
    const auto& record = trial.epochs[i];
    if (record.epoch != epoch || record.metrics.count(kEpochFraction) != 0) continue;
    if (i + 1 == trial.epochs.size() && !cut_there) return std::nullopt;
    return RungBoard::Value{objective_after(trial, epoch, metric, maximize),
                            metric_at(record, tie)};
  }
  return std::nullopt;
}

}  // namespace

std::string rung_key(int rung, const std::string& metric) {
  return "rung" + std::to_string(rung + 1) + "_" + metric;
}

double best_of(double a, double b, bool maximize) {
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  return better(b, a, maximize) ? b : a;
}

nlohmann::json epochs_json(double epochs) {
  if (epochs == std::floor(epochs) && std::abs(epochs) < 1e15)
    return static_cast<long long>(epochs);
  return std::round(epochs * 1e4) / 1e4;
}

std::unique_ptr<RungBoard> replay_rungs(const HalvingOptions& options,
                                        const std::vector<TrialPlan>& plans,
                                        const reports::SweepRecord& record,
                                        const std::string& metric, bool maximize,
                                        bool failed_done) {
  std::map<std::pair<std::string, int>, int> index;
  for (const auto& plan : plans) index[{plan.config_hash, plan.repeat}] = plan.index;
  std::vector<RungBoard::Member> members;
  std::vector<const reports::TrialRecord*> done;
  for (const auto& trial : record.trials) {
    const auto found = index.find({trial.config_hash, trial.repeat});
    if (found == index.end()) continue;
    members.push_back({trial.id, found->second});
    if (is_done(trial.status, failed_done)) done.push_back(&trial);
  }
  auto board = std::make_unique<RungBoard>(options, std::move(members), metric, maximize);
  for (const reports::TrialRecord* trial : done) {
    for (int k = 0;; ++k) {
      const double position = board->next_pause(trial->id);
      if (position <= 0.0) break;
      const auto value = standing(*trial, k, position, metric, maximize);
      if (!value) break;
      board->arrive(trial->id, *value);
    }
    board->end(trial->id);
  }
  return board;
}

nlohmann::json pruning_summary(const Spec& spec, const reports::SweepRecord& record) {
  if (spec.pruning_method == "none") return nullptr;
  const HalvingOptions options = halving_options(spec, spec.pruning_method);
  const auto board =
      replay_rungs(options, expand(spec), record, spec.objective_metric, spec.maximize, true);
  nlohmann::json rungs = nlohmann::json::array();
  for (const auto& decision : board->decisions()) {
    rungs.push_back({{"bracket", decision.bracket + 1},
                     {"rung", decision.rung + 1},
                     {"epoch", epochs_json(decision.epoch)},
                     {"trials", decision.trials},
                     {"kept", decision.kept},
                     {"cut", reports::json_number(decision.cut)}});
  }
  double run = 0.0;
  for (const auto& trial : record.trials)
    for (const auto& epoch : trial.epochs) {
      const auto fraction = epoch.metrics.find(kEpochFraction);
      run += fraction == epoch.metrics.end() ? 1.0 : fraction->second;
    }
  const auto trials = record.trials.size();
  nlohmann::json brackets = nlohmann::json::array();
  for (const auto& positions : board->brackets()) {
    nlohmann::json bracket = nlohmann::json::array();
    for (const double position : positions) bracket.push_back(epochs_json(position));
    brackets.push_back(std::move(bracket));
  }
  return {{"method", spec.pruning_method},
          {"min_epochs", epochs_json(options.min_epochs)},
          {"reduction_factor", options.reduction_factor},
          {"brackets", brackets},
          {"rungs", rungs},
          {"epochs_run", epochs_json(run)},
          {"epochs_planned", epochs_json(halving_epochs(options, trials))},
          {"epochs_full", static_cast<long long>(trials) * options.epochs}};
}

}  // namespace sweep::runner
