#include "reports/trial_values.hpp"

namespace sweep::reports {

std::string optimizer_of(const TrialRecord& trial) {
  const auto it = trial.params.find("optimizer");
  if (it == trial.params.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::optional<double> learning_rate_of(const TrialRecord& trial) {
  const auto it = trial.params.find("learning_rate");
  if (it == trial.params.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<double> metric_of(const EpochRecord& epoch, const std::string& name) {
  const auto it = epoch.metrics.find(name);
  if (it == epoch.metrics.end()) return std::nullopt;
  return it->second;
}

bool counts_for_ranking(const TrialRecord& trial) {
  return trial.status != "diverged" && trial.status != "failed";
}

}  // namespace sweep::reports
