#include "reports/ranking.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "reports/trial_values.hpp"

namespace sweep::reports {

std::optional<double> trial_objective(const SweepRecord& sweep, const TrialRecord& trial,
                                      int* best_epoch) {
  std::optional<double> best;
  int epoch_of_best = 0;
  for (const EpochRecord& epoch : trial.epochs) {
    const auto value = metric_of(epoch, sweep.objective_metric);
    if (!value || !std::isfinite(*value)) continue;
    const bool better = !best || (sweep.maximize ? *value > *best : *value < *best);
    if (better) {
      best = *value;
      epoch_of_best = epoch.epoch;
    }
  }
  if (best_epoch != nullptr) *best_epoch = epoch_of_best;
  return best;
}

int status_order(const std::string& status) {
  static const std::array<const char*, 7> order = {
      "completed", "pruned", "interrupted", "running", "pending", "diverged", "failed"};
  for (std::size_t i = 0; i < order.size(); ++i)
    if (status == order[i]) return static_cast<int>(i);
  return static_cast<int>(order.size());
}

bool is_rankable(const RankEntry& entry) {
  return entry.n > 0 && entry.status != "diverged" && entry.status != "failed";
}

std::vector<RankEntry> rank_configurations(const SweepRecord& sweep) {
  // Configurations in order of first appearance, so equal keys sort stably.
  std::vector<RankEntry> entries;
  std::map<std::string, std::size_t> index_of;
  std::vector<std::vector<double>> values;
  std::vector<std::vector<std::pair<int, std::int64_t>>> members;  // (repeat, id)
  for (const TrialRecord& trial : sweep.trials) {
    auto [it, inserted] = index_of.try_emplace(trial.config_hash, entries.size());
    if (inserted) {
      RankEntry entry;
      entry.config = trial.params;
      entry.config_hash = trial.config_hash;
      entry.status = trial.status;
      entries.push_back(std::move(entry));
      values.emplace_back();
      members.emplace_back();
    }
    const std::size_t i = it->second;
    RankEntry& entry = entries[i];
    members[i].emplace_back(trial.repeat, trial.id);
    if (status_order(trial.status) < status_order(entry.status)) entry.status = trial.status;
    if (trial.status == "diverged") ++entry.diverged;
    if (trial.status == "failed") ++entry.failed;
    if (!counts_for_ranking(trial)) continue;
    if (const auto value = trial_objective(sweep, trial)) values[i].push_back(*value);
  }

  for (std::size_t i = 0; i < entries.size(); ++i) {
    RankEntry& entry = entries[i];
    std::sort(members[i].begin(), members[i].end());
    for (const auto& member : members[i]) entry.trial_ids.push_back(member.second);
    const std::vector<double>& v = values[i];
    entry.n = static_cast<int>(v.size());
    if (v.empty()) continue;
    double sum = 0.0;
    for (double x : v) sum += x;
    entry.mean = sum / static_cast<double>(v.size());
    double squares = 0.0;
    // fma, not a * b + c: the compiler may contract the latter or not, per
    // call site and CPU, and top_configurations (runner/store) must get the
    // same bits from the same values.
    for (double x : v) squares = std::fma(x - entry.mean, x - entry.mean, squares);
    entry.std = v.size() > 1 ? std::sqrt(squares / static_cast<double>(v.size() - 1)) : 0.0;
    entry.min = *std::min_element(v.begin(), v.end());
    entry.max = *std::max_element(v.begin(), v.end());
  }

  const bool maximize = sweep.maximize;
  std::stable_sort(entries.begin(), entries.end(), [&](const RankEntry& a, const RankEntry& b) {
    const bool ra = is_rankable(a);
    const bool rb = is_rankable(b);
    if (ra != rb) return ra;
    if (!ra) return status_order(a.status) < status_order(b.status);
    if (a.mean != b.mean) return maximize ? a.mean > b.mean : a.mean < b.mean;
    if (a.n != b.n) return a.n > b.n;
    return a.std < b.std;
  });

  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i].rank = static_cast<int>(i) + 1;
    if (i == 0 || !is_rankable(entries[i]) || !is_rankable(entries[i - 1])) continue;
    const RankEntry& a = entries[i - 1];
    const RankEntry& b = entries[i];
    const double se_a = a.std / std::sqrt(static_cast<double>(a.n));
    const double se_b = b.std / std::sqrt(static_cast<double>(b.n));
    const double difference = std::fabs(a.mean - b.mean);
    if (difference == 0.0 || difference < std::sqrt(se_a * se_a + se_b * se_b)) {
      entries[i - 1].tied = true;
      entries[i].tied = true;
    }
  }
  return entries;
}

}  // namespace sweep::reports
