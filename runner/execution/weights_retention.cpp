#include "runner/execution/weights_retention.hpp"

#include <algorithm>
#include <cmath>

namespace sweep::runner {
namespace {

std::optional<double> finite(std::optional<double> value) {
  if (value && !std::isfinite(*value)) return std::nullopt;
  return value;
}

}  // namespace

WeightsRetention::WeightsRetention(WeightsPolicy policy, int repeats, bool maximize)
    : policy_(policy), repeats_(repeats), maximize_(maximize) {}

bool WeightsRetention::complete(const Config& config) const {
  return static_cast<int>(config.finished.size()) >= repeats_;
}

std::optional<double> WeightsRetention::mean(const Config& config) {
  double sum = 0.0;
  int n = 0;
  for (const auto& [id, value] : config.finished) {
    if (!value) continue;
    sum += *value;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

void WeightsRetention::add_stored(const std::string& config_hash, std::int64_t trial_id,
                                  TrialStatus status, std::optional<double> objective,
                                  bool has_weights) {
  Config& config = configs_[config_hash];
  // A diverged trial's values do not count (as in the ranking).
  if (is_finished(status))
    config.finished[trial_id] = status == TrialStatus::diverged ? std::nullopt : finite(objective);
  if (has_weights) config.stored.insert(trial_id);
  if (status == TrialStatus::completed) config.retrainable.insert(trial_id);
}

WeightsRetention::Decision WeightsRetention::finished(const std::string& config_hash,
                                                      std::int64_t trial_id, TrialStatus status,
                                                      std::optional<double> objective,
                                                      bool has_weights) {
  Config& config = configs_[config_hash];
  if (is_finished(status))
    config.finished[trial_id] = status == TrialStatus::diverged ? std::nullopt : finite(objective);
  Decision decision;
  if (policy_ == WeightsPolicy::none) return decision;
  if (has_weights && status == TrialStatus::completed) config.retrainable.insert(trial_id);
  if (policy_ == WeightsPolicy::all || !complete(config)) {
    decision.keep = has_weights;
    if (decision.keep) config.stored.insert(trial_id);
    return decision;
  }
  const std::optional<double> value = mean(config);
  bool first = value.has_value();
  for (const auto& [hash, other] : configs_) {
    if (!first) break;
    if (hash == config_hash || !complete(other)) continue;
    const auto other_value = mean(other);
    if (other_value && worse(*value, *other_value)) first = false;
  }
  const auto drop_all = [&](Config& dropped) {
    decision.drop.insert(decision.drop.end(), dropped.stored.begin(), dropped.stored.end());
    dropped.stored.clear();
  };
  if (!first) {
    drop_all(config);
    return decision;
  }
  decision.keep = has_weights;
  if (decision.keep) config.stored.insert(trial_id);
  for (auto& [hash, other] : configs_) {
    if (hash == config_hash || !complete(other) || other.stored.empty()) continue;
    const auto other_value = mean(other);
    if (!other_value || worse(*other_value, *value)) drop_all(other);
  }
  return decision;
}

std::vector<WeightsRetention::Missing> WeightsRetention::missing() const {
  std::vector<Missing> lost;
  if (policy_ != WeightsPolicy::best) return lost;
  // The best mean of the complete configurations.
  std::optional<double> best;
  for (const auto& [hash, config] : configs_) {
    if (!complete(config)) continue;
    const auto value = mean(config);
    if (value && (!best || worse(*best, *value))) best = value;
  }
  if (!best) return lost;
  for (const auto& [hash, config] : configs_) {
    if (!complete(config)) continue;
    const auto value = mean(config);
    if (!value || worse(*value, *best)) continue;
    for (const std::int64_t id : config.retrainable) {
      const auto found = config.finished.find(id);
      if (config.stored.count(id) == 0 && found != config.finished.end())
        lost.push_back({id, found->second});
    }
  }
  std::sort(lost.begin(), lost.end(),
            [](const Missing& a, const Missing& b) { return a.trial_id < b.trial_id; });
  return lost;
}

}  // namespace sweep::runner
