#include "runner/execution/store_sink.hpp"

#include <optional>
#include <vector>

#include "reports/format.hpp"
#include "runner/search/sampler.hpp"
#include "runner/sweep_runner.hpp"

namespace sweep::runner {

void StoreSink::check_lease() const {
  if (const auto failure = keeper_.failure())
    throw LeaseLost("lost the lease of the sweep: " + *failure +
                    "; this process stopped without writing");
}

void StoreSink::started(const TrialTask& task) {
  check_lease();
  storage_.start_trial(task.trial_id);
  progress_.trial_started();
}

void StoreSink::epoch(const TrialTask& task, const reports::EpochRecord& epoch) {
  check_lease();
  storage_.record_epoch(task.trial_id, epoch);
  progress_.epoch_done();
}

void StoreSink::finished(const TrialTask& task, const TrialResult& result, const TrialTask* next) {
  check_lease();
  const TrialOutcome& outcome = result.outcome;
  {
    const std::lock_guard lock(finish_mutex_);
    WeightsRetention::Decision decision{outcome.weights != nullptr, {}};
    if (retention_ != nullptr) {
      decision = retention_->finished(task.plan->config_hash, task.trial_id, outcome.status,
                                      outcome.objective, outcome.weights != nullptr);
    }
    const bool hold = retention_ != nullptr && retention_->policy() == WeightsPolicy::best;
    std::optional<TrialOutcome> stripped;
    if (outcome.weights && (!decision.keep || hold)) {
      stripped = outcome;
      stripped->weights.reset();
    }
    const TrialOutcome& written = stripped ? *stripped : outcome;
    if (next != nullptr) {
      storage_.finish_and_start(task.trial_id, written, next->trial_id);
    } else {
      storage_.finish_trial(task.trial_id, written);
    }
    if (hold && decision.keep) held_[task.trial_id] = outcome.weights;
    // Dropped weights that are only held go without a write.
    std::vector<std::int64_t> stored;
    for (const std::int64_t id : decision.drop)
      if (held_.erase(id) == 0) stored.push_back(id);
    storage_.delete_weights(stored);
  }
  if (outcome.final_epoch) progress_.epoch_done();
  const int epochs = task.plan->config["training"]["epochs"].get<int>();
  progress_.trial_finished(terminal_safe(reports::describe_config(task.plan->params)),
                           std::string{to_string(outcome.status)}, outcome.objective, result.epochs,
                           epochs - result.epochs, outcome.seconds);
  if (next != nullptr) progress_.trial_started();
}

void StoreSink::write_held() {
  const std::lock_guard lock(finish_mutex_);
  for (auto it = held_.begin(); it != held_.end(); it = held_.erase(it)) {
    check_lease();
    storage_.write_weights(it->first, *it->second);
  }
}

}  // namespace sweep::runner
