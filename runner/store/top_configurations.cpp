#include "runner/store/top_configurations.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <string_view>
#include <unordered_map>

#include "reports/ranking.hpp"

namespace sweep::runner {
namespace {

struct Aggregate {
  std::size_t first = 0;  // position of the configuration's first trial
  int status = 0;         // reports::status_order of its best status
  int n = 0;
  double sum = 0.0;
  double squares = 0.0;
  double mean = 0.0;
  bool rankable = false;
};

}  // namespace

std::vector<ConfigurationScore> top_configurations(Storage& store, std::int64_t sweep_id,
                                                   const std::string& metric, bool maximize,
                                                   std::size_t count) {
  // Stable addresses: the index's keys view these strings.
  std::deque<std::string> hashes;
  std::vector<Aggregate> aggregates;
  std::unordered_map<std::string_view, std::size_t> index_of;
  // (configuration, value) of each counted trial, in trial order: the second
  // pass sums squared deviations in rank_configurations's order.
  std::vector<std::pair<std::size_t, double>> values;
  const int diverged = reports::status_order("diverged");
  const int failed = reports::status_order("failed");
  std::map<TrialStatus, int> order_of;
  for (const TrialStatus status :
       {TrialStatus::pending, TrialStatus::running, TrialStatus::completed, TrialStatus::diverged,
        TrialStatus::pruned, TrialStatus::failed, TrialStatus::interrupted})
    order_of[status] = reports::status_order(std::string(to_string(status)));
  store.for_each_score(sweep_id, metric, maximize, [&](const TrialScore& score) {
    const int status = order_of.at(score.status);
    auto it = index_of.find(score.config_hash);
    if (it == index_of.end()) {
      hashes.push_back(score.config_hash);
      it = index_of.emplace(hashes.back(), aggregates.size()).first;
      aggregates.push_back({aggregates.size(), status});
    }
    Aggregate& aggregate = aggregates[it->second];
    aggregate.status = std::min(aggregate.status, status);
    if (!score.value || status == diverged || status == failed) return;
    ++aggregate.n;
    aggregate.sum += *score.value;
    values.emplace_back(it->second, *score.value);
  });
  for (Aggregate& aggregate : aggregates) {
    if (aggregate.n == 0) continue;
    aggregate.mean = aggregate.sum / static_cast<double>(aggregate.n);
    aggregate.rankable = aggregate.status != diverged && aggregate.status != failed;
  }
  for (const auto& [i, x] : values) {
    Aggregate& aggregate = aggregates[i];
    // As rank_configurations sums them (an fma each): the same bits.
    aggregate.squares = std::fma(x - aggregate.mean, x - aggregate.mean, aggregate.squares);
  }
  const auto std_of = [](const Aggregate& a) {
    return a.n > 1 ? std::sqrt(a.squares / static_cast<double>(a.n - 1)) : 0.0;
  };
  // rank_configurations's comparator, with first appearance standing for its
  // stable sort.
  const auto before = [&](const Aggregate& a, const Aggregate& b) {
    if (a.rankable != b.rankable) return a.rankable;
    if (!a.rankable) {
      if (a.status != b.status) return a.status < b.status;
      return a.first < b.first;
    }
    if (a.mean != b.mean) return maximize ? a.mean > b.mean : a.mean < b.mean;
    if (a.n != b.n) return a.n > b.n;
    const double sa = std_of(a);
    const double sb = std_of(b);
    if (sa != sb) return sa < sb;
    return a.first < b.first;
  };
  std::vector<std::size_t> order(aggregates.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const std::size_t top = std::min(count, order.size());
  std::partial_sort(
      order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
      [&](std::size_t a, std::size_t b) { return before(aggregates[a], aggregates[b]); });
  std::vector<ConfigurationScore> out;
  out.reserve(top);
  for (std::size_t k = 0; k < top; ++k) {
    const Aggregate& a = aggregates[order[k]];
    out.push_back({hashes[order[k]], a.n, a.mean, std_of(a), a.rankable});
  }
  return out;
}

}  // namespace sweep::runner
