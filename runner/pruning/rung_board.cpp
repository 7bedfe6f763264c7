#include "runner/pruning/rung_board.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "reports/format.hpp"

namespace sweep::runner {

double auto_min_epochs(int epochs, int reduction_factor) {
  const double eta = std::max(2, reduction_factor);
  return std::min(1.0, static_cast<double>(epochs) / (eta * eta));
}

namespace {

// A position within 1e-9 (relative) of a whole number is that number.
double snap(double position) {
  const double whole = std::round(position);
  return std::abs(position - whole) <= 1e-9 * std::max(1.0, whole) ? whole : position;
}

}  // namespace

bool at_epoch_end(double position) {
  return position == std::floor(position);
}

long long rung_batches(double position, std::size_t batches_per_epoch, int epochs) {
  const auto per = static_cast<long long>(batches_per_epoch);
  const long long last = static_cast<long long>(epochs) * per;
  const auto batches = std::llround(position * static_cast<double>(per));
  return std::max(1LL, std::min(batches, last - 1));
}

std::string tie_metric(const std::string& objective) {
  const bool val = objective.rfind("val_", 0) == 0;
  const std::string base = val ? objective.substr(4) : objective;
  if (base.find("loss") != std::string::npos) return {};
  return val ? "val_loss" : "loss";
}

std::vector<std::vector<double>> halving_brackets(const HalvingOptions& options) {
  const double eta = std::max(2, options.reduction_factor);
  const double first = options.min_epochs > 0.0 ? options.min_epochs : 1.0;
  std::vector<double> all;  // every rung position below the last epoch
  for (double epoch = snap(first); epoch < static_cast<double>(options.epochs);
       epoch = snap(epoch * eta)) {
    if (std::abs(epoch - options.epochs) <= 1e-9 * options.epochs) break;
    all.push_back(epoch);
  }
  if (options.method != "hyperband") return {all};
  // Bracket b starts b rungs later; the last one has no rung at all.
  std::vector<std::vector<double>> brackets;
  for (std::size_t b = 0; b <= all.size(); ++b)
    brackets.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(b), all.end());
  return brackets;
}

std::vector<int> assign_brackets(const HalvingOptions& options, std::size_t count) {
  const auto brackets = halving_brackets(options);
  std::vector<int> out(count, 0);
  if (brackets.size() == 1) return out;
  // Hyperband's n_s = ⌈(s_max + 1) / (s + 1) · η^s⌉ for a bracket of s halvings.
  const auto s_max = static_cast<long long>(brackets.front().size());
  std::vector<long long> shares;
  long long total = 0;
  for (const auto& rungs : brackets) {
    const auto s = static_cast<long long>(rungs.size());
    long long power = 1;
    for (long long i = 0; i < s; ++i) power *= options.reduction_factor;
    const long long share = ((s_max + 1) * power + s) / (s + 1);
    shares.push_back(share);
    total += share;
  }
  // Interleaved by largest deficit, so that each bracket gets a spread of the
  // grid rather than one block of it; integers, so no rounding can differ.
  std::vector<long long> assigned(brackets.size(), 0);
  for (std::size_t j = 0; j < count; ++j) {
    std::size_t pick = 0;
    long long best = std::numeric_limits<long long>::min();
    for (std::size_t b = 0; b < brackets.size(); ++b) {
      const long long deficit = static_cast<long long>(j + 1) * shares[b] - assigned[b] * total;
      if (deficit > best) {
        best = deficit;
        pick = b;
      }
    }
    ++assigned[pick];
    out[j] = static_cast<int>(pick);
  }
  return out;
}

int rung_keep(int trials, int reduction_factor) {
  const int eta = std::max(2, reduction_factor);
  return std::max(std::min(trials, eta), trials / eta);
}

double halving_epochs(const HalvingOptions& options, std::size_t count) {
  const auto brackets = halving_brackets(options);
  const auto of = assign_brackets(options, count);
  double total = 0.0;
  for (std::size_t b = 0; b < brackets.size(); ++b) {
    long long n = std::count(of.begin(), of.end(), static_cast<int>(b));
    double done = 0.0;
    for (const double epoch : brackets[b]) {
      total += static_cast<double>(n) * (epoch - done);
      done = epoch;
      if (n > 0)
        n = std::min<long long>(n, rung_keep(static_cast<int>(n), options.reduction_factor));
    }
    total += static_cast<double>(n) * (options.epochs - done);
  }
  return total;
}

RungBoard::RungBoard(HalvingOptions options, std::vector<Member> members, std::string metric,
                     bool maximize)
    : options_(std::move(options)),
      metric_(std::move(metric)),
      tie_(tie_metric(metric_)),
      maximize_(maximize),
      brackets_(halving_brackets(options_)) {
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.index < b.index; });
  const auto of = assign_brackets(options_, members.size());
  for (std::size_t i = 0; i < members.size(); ++i)
    states_.push_back(State{members[i], of[i], {}, false});
  std::sort(states_.begin(), states_.end(),
            [](const State& a, const State& b) { return a.member.id < b.member.id; });
  rungs_.resize(brackets_.size());
  for (std::size_t b = 0; b < brackets_.size(); ++b) {
    rungs_[b].resize(brackets_[b].size());
    if (rungs_[b].empty()) continue;
    rungs_[b][0].known = true;
  }
  // Rung 0's trials in index order.
  std::vector<std::size_t> order(states_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return states_[a].member.index < states_[b].member.index;
  });
  for (const std::size_t i : order) {
    auto& rungs = rungs_[static_cast<std::size_t>(states_[i].bracket)];
    if (!rungs.empty()) rungs[0].trials.push_back(i);
  }
}

std::size_t RungBoard::find(std::int64_t id) const {
  const auto it =
      std::lower_bound(states_.begin(), states_.end(), id,
                       [](const State& s, std::int64_t key) { return s.member.id < key; });
  if (it == states_.end() || it->member.id != id)
    throw std::logic_error("rung board: unknown trial " + std::to_string(id));
  return static_cast<std::size_t>(it - states_.begin());
}

double RungBoard::next_pause(std::int64_t id) const {
  const State& state = states_[find(id)];
  const auto& rungs = brackets_[static_cast<std::size_t>(state.bracket)];
  return state.values.size() < rungs.size() ? rungs[state.values.size()] : 0.0;
}

std::vector<RungBoard::Decision> RungBoard::arrive(std::int64_t id, Value value) {
  State& state = states_[find(id)];
  if (state.ended ||
      state.values.size() >= brackets_[static_cast<std::size_t>(state.bracket)].size())
    throw std::logic_error("rung board: trial " + std::to_string(id) + " has no rung left");
  state.values.push_back(value);
  return settle(state.bracket);
}

std::vector<RungBoard::Decision> RungBoard::end(std::int64_t id) {
  State& state = states_[find(id)];
  state.ended = true;
  return settle(state.bracket);
}

std::vector<RungBoard::Decision> RungBoard::settle(int bracket) {
  std::vector<Decision> made;
  auto& rungs = rungs_[static_cast<std::size_t>(bracket)];
  for (std::size_t k = 0; k < rungs.size(); ++k) {
    Rung& rung = rungs[k];
    if (!rung.known) break;
    if (rung.decided) continue;
    const bool all_in = std::all_of(rung.trials.begin(), rung.trials.end(), [&](std::size_t i) {
      return states_[i].ended || states_[i].values.size() > k;
    });
    if (!all_in) break;
    Decision decision = decide(bracket, static_cast<int>(k));
    if (decision.trials > 0) {
      decisions_.push_back(decision);
      made.push_back(std::move(decision));
    }
  }
  return made;
}

RungBoard::Decision RungBoard::decide(int bracket, int k) {
  auto& rungs = rungs_[static_cast<std::size_t>(bracket)];
  Rung& rung = rungs[static_cast<std::size_t>(k)];
  rung.decided = true;
  Decision decision;
  decision.bracket = bracket;
  decision.rung = k;
  decision.epoch = brackets_[static_cast<std::size_t>(bracket)][static_cast<std::size_t>(k)];
  decision.trials = static_cast<int>(rung.trials.size());
  decision.cut = std::numeric_limits<double>::quiet_NaN();
  const auto at = static_cast<std::size_t>(k);
  std::vector<std::size_t> arrived;
  for (const std::size_t i : rung.trials)
    if (states_[i].values.size() > at) arrived.push_back(i);
  // Best first; NaN last; ties to the lower loss (NaN last), then to the
  // lower trial index. A pure function of the values: the order of arrival
  // never enters.
  std::sort(arrived.begin(), arrived.end(), [&](std::size_t a, std::size_t b) {
    const double va = states_[a].values[at].objective;
    const double vb = states_[b].values[at].objective;
    const bool na = std::isnan(va);
    const bool nb = std::isnan(vb);
    if (na != nb) return nb;
    if (!na && va != vb) return maximize_ ? va > vb : va < vb;
    const double ta = states_[a].values[at].tie;
    const double tb = states_[b].values[at].tie;
    const bool nta = std::isnan(ta);
    const bool ntb = std::isnan(tb);
    if (nta != ntb) return ntb;
    if (!nta && ta != tb) return ta < tb;
    return states_[a].member.index < states_[b].member.index;
  });
  // How many go on: rung_keep of the rung's trials, and never more than
  // rung_keep applied k + 1 times to the bracket's first rung (so that a rung
  // that kept extra trials, below, leaves the rungs after it their share).
  int share = static_cast<int>(rungs[0].trials.size());
  for (int j = 0; j <= k; ++j) share = rung_keep(share, options_.reduction_factor);
  std::size_t keep =
      std::min(arrived.size(), static_cast<std::size_t>(std::min(
                                   share, rung_keep(decision.trials, options_.reduction_factor))));
  // A trial tied with the last one kept goes on too: a rung whose values
  // cannot tell them apart does not choose between them.
  if (keep > 0) {
    const double last = states_[arrived[keep - 1]].values[at].objective;
    while (keep < arrived.size() && !std::isnan(last) &&
           states_[arrived[keep]].values[at].objective == last)
      ++keep;
  }
  decision.kept = static_cast<int>(keep);
  if (keep > 0) decision.cut = states_[arrived[keep - 1]].values[at].objective;
  std::vector<std::size_t> next;
  for (std::size_t r = 0; r < arrived.size(); ++r) {
    const State& state = states_[arrived[r]];
    if (r < keep) {
      decision.go_on.push_back(state.member.id);
      next.push_back(arrived[r]);
    } else {
      const double value = state.values[at].objective;
      decision.cuts.push_back({state.member.id, value,
                               reason(bracket, k, decision.epoch, value, decision.cut,
                                      decision.kept, decision.trials)});
    }
  }
  if (at + 1 < rungs.size()) {
    std::sort(next.begin(), next.end(), [&](std::size_t a, std::size_t b) {
      return states_[a].member.index < states_[b].member.index;
    });
    rungs[at + 1].trials = std::move(next);
    rungs[at + 1].known = true;
  }
  return decision;
}

std::string RungBoard::reason(int bracket, int rung, double epoch, double value, double cut,
                              int kept, int trials) const {
  std::string where = fmt::format("stopped at rung {}", rung + 1);
  if (brackets_.size() > 1) where += fmt::format(" of bracket {}", bracket + 1);
  // Trials tied with the cut go on, so a cut trial is always behind it.
  const char* side = std::isnan(value) ? "no value, behind" : maximize_ ? "below" : "above";
  return fmt::format("{} (epoch {}): {} {}, {} the cut {} kept by {} of {}", where,
                     reports::format_value(epoch), metric_, reports::format_value(value), side,
                     reports::format_value(cut), kept, trials);
}

}  // namespace sweep::runner
