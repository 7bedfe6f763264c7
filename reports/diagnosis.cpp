#include "reports/diagnosis.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/ranking.hpp"
#include "reports/trial_values.hpp"

namespace sweep::reports {
namespace {

using namespace diagnosis_thresholds;

// The best objective value reached at each learning rate of one optimizer,
// over every rankable configuration, sorted by rate.
struct Peer {
  double learning_rate = 0.0;
  double value = 0.0;
};
using PeerTable = std::map<std::string, std::vector<Peer>>;

PeerTable build_peers(const SweepRecord& sweep) {
  PeerTable table;
  for (const RankEntry& entry : rank_configurations(sweep)) {
    if (!is_rankable(entry)) continue;
    const auto optimizer = entry.config.find("optimizer");
    const auto rate = entry.config.find("learning_rate");
    if (optimizer == entry.config.end() || !optimizer->is_string()) continue;
    if (rate == entry.config.end() || !rate->is_number()) continue;
    std::vector<Peer>& peers = table[optimizer->get<std::string>()];
    const double lr = rate->get<double>();
    auto it = std::find_if(peers.begin(), peers.end(),
                           [&](const Peer& p) { return p.learning_rate == lr; });
    if (it == peers.end()) {
      peers.push_back({lr, entry.mean});
    } else if (sweep.maximize ? entry.mean > it->value : entry.mean < it->value) {
      it->value = entry.mean;
    }
  }
  for (auto& [name, peers] : table)
    std::sort(peers.begin(), peers.end(),
              [](const Peer& a, const Peer& b) { return a.learning_rate < b.learning_rate; });
  return table;
}

// a is better than b by more than the noise margin.
bool clearly_better(double a, double b, bool maximize) {
  const double margin = kBetterMargin * std::max(std::fabs(a), std::fabs(b));
  return maximize ? (a > b && a - b >= margin) : (a < b && b - a >= margin);
}

// The best peer on one side of `rate` that clearly beats `value`.
std::optional<Peer> better_peer(const std::vector<Peer>& peers, double rate, double value,
                                bool maximize, bool higher) {
  std::optional<Peer> best;
  for (const Peer& peer : peers) {
    if (higher ? !(peer.learning_rate > rate) : !(peer.learning_rate < rate)) continue;
    if (!clearly_better(peer.value, value, maximize)) continue;
    if (!best || (maximize ? peer.value > best->value : peer.value < best->value)) best = peer;
  }
  return best;
}

double mean_of(const std::vector<double>& v, std::size_t begin, std::size_t end) {
  double sum = 0.0;
  for (std::size_t i = begin; i < end; ++i) sum += v[i];
  return end > begin ? sum / static_cast<double>(end - begin) : 0.0;
}

// The mean of the middle half of v[begin, end): robust to a few exploding
// windows, and still the centre of a series that alternates up and down.
double interquartile_mean(const std::vector<double>& v, std::size_t begin, std::size_t end) {
  std::vector<double> part(v.begin() + static_cast<long>(begin),
                           v.begin() + static_cast<long>(end));
  if (part.empty()) return 0.0;
  std::sort(part.begin(), part.end());
  const std::size_t cut = part.size() / 4;
  return mean_of(part, cut, part.size() - cut);
}

std::string epochs_text(std::size_t n) {
  return fmt::format("{} epoch{}", n, n == 1 ? "" : "s");
}

std::string rate_text(const TrialRecord& trial) {
  const auto rate = learning_rate_of(trial);
  return rate ? fmt::format(" (learning_rate {})", format_learning_rate(*rate)) : "";
}

// What the diagnosis reads from one trial.
struct Curves {
  std::vector<double> loss;      // training loss per epoch, finite values
  std::vector<double> val_loss;  // aligned with loss_for_val
  std::vector<double> loss_for_val;
  std::vector<int> val_epoch;
  std::vector<double> trace;  // every epoch's loss trace, concatenated
  std::optional<int> nonfinite_epoch;
  std::optional<double> nonfinite_value;
};

Curves read_curves(const TrialRecord& trial) {
  Curves c;
  auto note_nonfinite = [&](int epoch, double value) {
    if (!c.nonfinite_epoch) {
      c.nonfinite_epoch = epoch;
      c.nonfinite_value = value;
    }
  };
  for (const EpochRecord& epoch : trial.epochs) {
    const auto loss = metric_of(epoch, "loss");
    const auto val_loss = metric_of(epoch, "val_loss");
    for (double x : epoch.loss_trace) {
      if (std::isfinite(x)) {
        c.trace.push_back(x);
      } else {
        note_nonfinite(epoch.epoch, x);
      }
    }
    if (loss && !std::isfinite(*loss)) note_nonfinite(epoch.epoch, *loss);
    if (val_loss && !std::isfinite(*val_loss)) note_nonfinite(epoch.epoch, *val_loss);
    if (loss && std::isfinite(*loss)) c.loss.push_back(*loss);
    if (loss && val_loss && std::isfinite(*loss) && std::isfinite(*val_loss)) {
      c.val_loss.push_back(*val_loss);
      c.loss_for_val.push_back(*loss);
      c.val_epoch.push_back(epoch.epoch);
    }
  }
  return c;
}

// The loss before training: the first window of the trace, else the first epoch.
std::optional<double> start_loss(const Curves& c) {
  if (!c.trace.empty()) return c.trace.front();
  if (!c.loss.empty()) return c.loss.front();
  return std::nullopt;
}

std::optional<Diagnosis> check_diverged(const TrialRecord& trial, const Curves& c) {
  if (trial.status != "diverged" && !c.nonfinite_epoch) return std::nullopt;
  const std::string tail = fmt::format("{}: learning rate too high", rate_text(trial));
  if (trial.divergence) {
    const Divergence& d = *trial.divergence;
    if (!std::isfinite(d.loss))
      return Diagnosis{"diverged", fmt::format("the loss became {} at epoch {}, batch {}{}",
                                               format_value(d.loss), d.epoch, d.batch, tail)};
    const auto start = start_loss(c);
    return Diagnosis{
        "diverged",
        fmt::format("the loss exploded to {}{} at epoch {}, batch {}{}", format_value(d.loss),
                    start ? fmt::format(" from {}", format_value(*start)) : "", d.epoch, d.batch,
                    tail)};
  }
  if (c.nonfinite_epoch)
    return Diagnosis{"diverged",
                     fmt::format("the loss became {} at epoch {}{}",
                                 format_value(*c.nonfinite_value), *c.nonfinite_epoch, tail)};
  return Diagnosis{"diverged", fmt::format("the trial diverged{}", tail)};
}

std::optional<Diagnosis> check_oscillating(const Curves& c) {
  const std::vector<double>& series =
      static_cast<int>(c.trace.size()) >= kOscillationMinPoints ? c.trace : c.loss;
  const std::size_t m = series.size();
  if (static_cast<int>(m) < kOscillationMinPoints || c.loss.empty()) return std::nullopt;
  const double scale = c.loss.front();
  if (!(scale > 0.0)) return std::nullopt;

  std::vector<double> steps;
  for (std::size_t i = 0; i + 1 < m; ++i) steps.push_back(series[i + 1] - series[i]);
  int turns = 0;
  int pairs = 0;
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
    if (steps[i] == 0.0 || steps[i + 1] == 0.0) continue;
    ++pairs;
    if ((steps[i] > 0) != (steps[i + 1] > 0)) ++turns;
  }
  if (pairs == 0) return std::nullopt;
  const double turn_fraction = static_cast<double>(turns) / pairs;
  std::vector<double> sizes;
  for (double s : steps) sizes.push_back(std::fabs(s));
  std::nth_element(sizes.begin(), sizes.begin() + static_cast<long>(sizes.size() / 2), sizes.end());
  const double amplitude = sizes[sizes.size() / 2] / scale;
  // Interquartile means of the first and last quarters: a few exploding windows
  // at the start must not pass for a downward trend.
  const std::size_t quarter = std::max<std::size_t>(1, m / 4);
  const double first = interquartile_mean(series, 0, quarter);
  const double last = interquartile_mean(series, m - quarter, m);
  const double trend = first > 0.0 ? (first - last) / first : 0.0;
  if (turn_fraction < kOscillationMinSignChanges || amplitude < kOscillationMinAmplitude ||
      trend >= kOscillationMaxTrend)
    return std::nullopt;
  return Diagnosis{
      "oscillating",
      fmt::format("the within-epoch loss moves by a median {} of its first-epoch level between "
                  "windows and turns at {} of them without a downward trend (first quarter {}, "
                  "last quarter {}): learning rate likely too high",
                  format_percent(amplitude), format_percent(turn_fraction), format_value(first),
                  format_value(last))};
}

// How far the training loss moved over the second half of training.
double late_change(const Curves& c) {
  if (c.loss.size() >= 2) {
    const std::size_t mid = (c.loss.size() - 1) / 2;
    return std::fabs(c.loss.back() - c.loss[mid]);
  }
  const std::size_t m = c.trace.size();
  if (m >= 4) return std::fabs(mean_of(c.trace, 3 * m / 4, m) - mean_of(c.trace, m / 2, 3 * m / 4));
  return 0.0;
}

std::string peer_text(const SweepRecord& sweep, const Peer& peer) {
  return fmt::format("learning_rate {} reached {} {}", format_learning_rate(peer.learning_rate),
                     format_value(peer.value), sweep.objective_metric);
}

std::optional<Diagnosis> check_saturated(const SweepRecord& sweep, const Curves& c,
                                         const std::optional<Peer>& lower) {
  if (!lower || sweep.classes < 2 || c.loss.empty()) return std::nullopt;
  const double chance = std::log(static_cast<double>(sweep.classes));
  const double final_loss = c.loss.back();
  if (final_loss < (1.0 - kSaturationTolerance) * chance) return std::nullopt;
  if (late_change(c) > kSaturationFlatness * chance) return std::nullopt;
  const bool above = final_loss > (1.0 + kSaturationTolerance) * chance;
  return Diagnosis{
      "saturated",
      fmt::format("the loss sits flat at {}, {} the chance level ln {} = {}, while {}: learning "
                  "rate too high, the units likely died",
                  format_value(final_loss), above ? "above" : "at", sweep.classes,
                  format_value(chance), peer_text(sweep, *lower))};
}

std::string progress_text(const Curves& c, double progress) {
  const auto start = start_loss(c);
  const std::string numbers =
      fmt::format("{} ({} → {})", epochs_text(c.loss.size()), format_value(start.value_or(0.0)),
                  format_value(c.loss.back()));
  if (progress <= 0.0) return fmt::format("the loss did not fall in {}", numbers);
  return fmt::format("the loss fell only {} in {}", format_percent(progress), numbers);
}

std::optional<double> progress_of(const Curves& c) {
  const auto start = start_loss(c);
  if (!start || c.loss.empty() || !(*start > 0.0)) return std::nullopt;
  return (*start - c.loss.back()) / *start;
}

std::optional<Diagnosis> check_stalled(const SweepRecord& sweep, const Curves& c, double value,
                                       const std::optional<Peer>& higher) {
  if (!higher) return std::nullopt;
  const auto progress = progress_of(c);
  const double shortfall = sweep.maximize ? (higher->value - value) / std::fabs(higher->value)
                                          : (value - higher->value) / std::fabs(value);
  if (progress && *progress < kStallMinProgress)
    return Diagnosis{"stalled",
                     fmt::format("{} while {}: learning rate too low", progress_text(c, *progress),
                                 peer_text(sweep, *higher))};
  if (shortfall >= kStallShortfall)
    return Diagnosis{
        "stalled",
        fmt::format("{} reached only {} while {}{}: learning rate too low", sweep.objective_metric,
                    format_value(value), peer_text(sweep, *higher),
                    progress ? fmt::format(" (the loss fell {} in {})", format_percent(*progress),
                                           epochs_text(c.loss.size()))
                             : "")};
  return std::nullopt;
}

std::optional<Diagnosis> check_overfitting(const Curves& c) {
  const std::size_t n = c.val_loss.size();
  if (static_cast<int>(n) < kOverfitMinEpochs) return std::nullopt;
  const std::size_t best = static_cast<std::size_t>(
      std::min_element(c.val_loss.begin(), c.val_loss.end()) - c.val_loss.begin());
  const std::size_t last = n - 1;
  if (static_cast<int>(last - best) < kOverfitMinRisingEpochs) return std::nullopt;
  const double minimum = c.val_loss[best];
  if (!(minimum > 0.0)) return std::nullopt;
  const double rise = (c.val_loss[last] - minimum) / minimum;
  if (rise < kOverfitMinRise || !(c.loss_for_val[last] < c.loss_for_val[best])) return std::nullopt;
  return Diagnosis{
      "overfitting",
      fmt::format("val_loss rose {} from its minimum {} at epoch {} to {} at epoch {} while the "
                  "training loss kept falling ({} → {}): overfitting",
                  format_percent(rise), format_value(minimum), c.val_epoch[best],
                  format_value(c.val_loss[last]), c.val_epoch[last],
                  format_value(c.loss_for_val[best]), format_value(c.loss_for_val[last]))};
}

std::string objective_text(const SweepRecord& sweep, const TrialRecord& trial) {
  int epoch = 0;
  const auto value = trial_objective(sweep, trial, &epoch);
  if (!value) return "";
  return fmt::format("best {} {} at epoch {}", sweep.objective_metric, format_value(*value), epoch);
}

Diagnosis diagnose_with(const SweepRecord& sweep, const TrialRecord& trial,
                        const PeerTable& table) {
  if (trial.status == "failed")
    return {"failed", trial.error.empty() ? "the trial failed without an error message"
                                          : fmt::format("the trial failed: {}", trial.error)};
  const Curves c = read_curves(trial);
  if (auto d = check_diverged(trial, c)) return *d;
  if (trial.epochs.empty())
    return {"no_data", fmt::format("no epoch recorded yet (status {})", trial.status)};
  if (auto d = check_oscillating(c)) return *d;

  const auto value = trial_objective(sweep, trial);
  const auto rate = learning_rate_of(trial);
  const auto peers_it = table.find(optimizer_of(trial));
  if (value && rate && peers_it != table.end()) {
    const std::vector<Peer>& peers = peers_it->second;
    const auto lower = better_peer(peers, *rate, *value, sweep.maximize, false);
    const auto higher = better_peer(peers, *rate, *value, sweep.maximize, true);
    const auto best =
        std::max_element(peers.begin(), peers.end(), [&](const Peer& a, const Peer& b) {
          return sweep.maximize ? a.value < b.value : a.value > b.value;
        });
    const bool above_best = best != peers.end() && *rate > best->learning_rate;
    if (above_best) {
      if (auto d = check_saturated(sweep, c, lower)) return *d;
      if (auto d = check_stalled(sweep, c, *value, higher)) return *d;
    } else {
      if (auto d = check_stalled(sweep, c, *value, higher)) return *d;
      if (auto d = check_saturated(sweep, c, lower)) return *d;
    }
  }
  if (auto d = check_overfitting(c)) return *d;

  const std::string objective = objective_text(sweep, trial);
  const std::string suffix = objective.empty() ? "" : "; " + objective;
  if (trial.status == "pruned")
    return {"pruned", fmt::format("stopped early by the pruner after {}{}",
                                  epochs_text(trial.epochs.size()), suffix)};
  if (trial.status == "interrupted")
    return {"interrupted",
            fmt::format("interrupted after {}{}", epochs_text(trial.epochs.size()), suffix)};
  if (trial.status == "running" || trial.status == "pending")
    return {"running",
            fmt::format("still running: {} so far{}", epochs_text(trial.epochs.size()), suffix)};

  const auto progress = progress_of(c);
  if (progress && *progress < kStallMinProgress) {
    // Nothing to compare with: no other learning rate of this optimizer did better.
    const bool alone = peers_it == table.end() || peers_it->second.size() < 2;
    if (alone)
      return {"stalled",
              fmt::format("{}, and no other learning rate of {} was tried to compare: learning "
                          "rate possibly too low",
                          progress_text(c, *progress),
                          optimizer_of(trial).empty() ? "this optimizer" : optimizer_of(trial))};
  }
  if (progress)
    return {"converged",
            fmt::format("the loss fell {} in {} ({} → {}){}", format_percent(*progress),
                        epochs_text(c.loss.size()), format_value(*start_loss(c)),
                        format_value(c.loss.back()), suffix)};
  return {"converged", objective.empty() ? "finished without a loss or objective to judge"
                                         : fmt::format("finished; {}", objective)};
}

}  // namespace

Diagnosis diagnose(const SweepRecord& sweep, const TrialRecord& trial) {
  return diagnose_with(sweep, trial, build_peers(sweep));
}

std::vector<Diagnosis> diagnose_all(const SweepRecord& sweep) {
  const PeerTable table = build_peers(sweep);
  std::vector<Diagnosis> result;
  result.reserve(sweep.trials.size());
  for (const TrialRecord& trial : sweep.trials)
    result.push_back(diagnose_with(sweep, trial, table));
  return result;
}

}  // namespace sweep::reports
