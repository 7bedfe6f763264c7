#include "runner/pruning/rung_replay.hpp"

#include <cmath>
#include <limits>
#include <map>
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

// The objective as the trial's BestEpoch saw it after `epoch` epochs: the
// value of the strictly best epoch so far, NaN when none.
double objective_after(const reports::TrialRecord& trial, int epoch, const std::string& metric,
                       bool maximize) {
  double best =
      maximize ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  bool any = false;
  for (const auto& record : trial.epochs) {
    if (record.epoch > epoch) break;
    const auto found = record.metrics.find(metric);
    if (found == record.metrics.end()) continue;
    if (maximize ? found->second > best : found->second < best) {
      best = found->second;
      any = true;
    }
  }
  return any ? best : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

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
    const int rows = static_cast<int>(trial->epochs.size());
    // A rung cut a pruned trial after it paused at its epoch, its last row; a
    // trial that ended on its own at a rung's epoch (or while training the
    // next, its last row partial) never arrived there.
    const int reached = trial->status == "pruned" || trial->status == "failed" ? rows : rows - 1;
    for (int epoch = board->next_pause(trial->id, 0); epoch > 0 && epoch <= reached;
         epoch = board->next_pause(trial->id, epoch))
      board->arrive(trial->id, objective_after(*trial, epoch, metric, maximize));
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
                     {"epoch", decision.epoch},
                     {"trials", decision.trials},
                     {"kept", decision.kept},
                     {"cut", reports::json_number(decision.cut)}});
  }
  long long run = 0;
  for (const auto& trial : record.trials) run += static_cast<long long>(trial.epochs.size());
  const auto trials = record.trials.size();
  nlohmann::json brackets = nlohmann::json::array();
  for (const auto& epochs : board->brackets()) brackets.push_back(epochs);
  return {{"method", spec.pruning_method},
          {"min_epochs", options.min_epochs},
          {"reduction_factor", options.reduction_factor},
          {"brackets", brackets},
          {"rungs", rungs},
          {"epochs_run", run},
          {"epochs_planned", halving_epochs(options, trials)},
          {"epochs_full", static_cast<long long>(trials) * options.epochs}};
}

}  // namespace sweep::runner
