#include "runner/store/top_configurations.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

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

// The configurations' hashes and each one's position (order of first
// appearance), found by open addressing with linear probing: a lookup costs
// one cache miss where std::unordered_map's chain of nodes costs three, and
// the hashes lie back to back in one string instead of one allocation each
// (a random search has as many configurations as trials; the map and its
// strings were a third of `sweep best` at 100,000 trials).
class ConfigurationIndex {
 public:
  ConfigurationIndex() : slots_(1024) {}

  // The position of `hash`; a new hash takes the next one (`added` says so).
  std::size_t find_or_add(std::string_view hash, bool& added) {
    const std::size_t code = std::hash<std::string_view>{}(hash);
    std::size_t at = code & (slots_.size() - 1);
    for (; slots_[at].position != 0; at = (at + 1) & (slots_.size() - 1)) {
      const Slot& slot = slots_[at];
      if (slot.code == code && key(slot.position - 1) == hash) {
        added = false;
        return slot.position - 1;
      }
    }
    text_.append(hash);
    ends_.push_back(text_.size());
    slots_[at] = {code, ends_.size()};
    if (2 * ends_.size() >= slots_.size()) grow();
    added = true;
    return ends_.size() - 1;
  }

  std::string_view key(std::size_t position) const {
    const std::size_t begin = position == 0 ? 0 : ends_[position - 1];
    return std::string_view(text_).substr(begin, ends_[position] - begin);
  }

 private:
  struct Slot {
    std::size_t code = 0;
    std::size_t position = 0;  // plus one; 0 for an empty slot
  };

  void grow() {
    std::vector<Slot> old(2 * slots_.size());
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.position == 0) continue;
      std::size_t at = slot.code & (slots_.size() - 1);
      while (slots_[at].position != 0) at = (at + 1) & (slots_.size() - 1);
      slots_[at] = slot;
    }
  }

  std::string text_;
  std::vector<std::size_t> ends_;  // of each position's hash in text_
  std::vector<Slot> slots_;        // a power of two, at most half full
};

}  // namespace

std::vector<ConfigurationScore> top_configurations(Storage& store, std::int64_t sweep_id,
                                                   const std::string& metric, bool maximize,
                                                   std::size_t count) {
  ConfigurationIndex index_of;
  std::vector<Aggregate> aggregates;  // by position in index_of
  // (configuration, value) of each counted trial, in trial order: the second
  // pass sums squared deviations in rank_configurations's order.
  std::vector<std::pair<std::size_t, double>> values;
  const int diverged = reports::status_order("diverged");
  const int failed = reports::status_order("failed");
  constexpr std::array kStatuses = {
      TrialStatus::pending, TrialStatus::running, TrialStatus::completed,  TrialStatus::diverged,
      TrialStatus::pruned,  TrialStatus::failed,  TrialStatus::interrupted};
  std::array<int, kStatuses.size()> order_of{};
  for (const TrialStatus status : kStatuses)
    order_of.at(static_cast<std::size_t>(status)) =
        reports::status_order(std::string(to_string(status)));
  store.for_each_score(sweep_id, metric, maximize, [&](const TrialScore& score) {
    const int status = order_of.at(static_cast<std::size_t>(score.status));
    bool added = false;
    const std::size_t at = index_of.find_or_add(score.config_hash, added);
    if (added) aggregates.push_back({at, status});
    Aggregate& aggregate = aggregates[at];
    aggregate.status = std::min(aggregate.status, status);
    if (!score.value || status == diverged || status == failed) return;
    ++aggregate.n;
    aggregate.sum += *score.value;
    values.emplace_back(at, *score.value);
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
    out.push_back({std::string(index_of.key(order[k])), a.n, a.mean, std_of(a), a.rankable});
  }
  return out;
}

}  // namespace sweep::runner
