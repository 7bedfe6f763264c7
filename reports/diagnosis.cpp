#include "reports/diagnosis.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "reports/format.hpp"
#include "reports/ranking.hpp"
#include "reports/trial_values.hpp"

namespace sweep::reports {
namespace {

using namespace diagnosis_thresholds;
using nlohmann::json;

bool better(double a, double b, bool maximize) {
  return maximize ? a > b : a < b;
}

// Objectives that are proportions of the validation rows (their sampling
// noise is binomial) and their chance level 1/K.
bool proportion_metric(const std::string& name) {
  for (const char* part : {"accuracy", "precision", "recall", "f1"})
    if (name.find(part) != std::string::npos) return true;
  return false;
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

// What the diagnosis reads from one trial.
struct Curves {
  std::vector<double> loss;       // training loss of each whole epoch, finite values
  std::vector<double> objective;  // the objective of each epoch that has it, finite
  std::vector<double> val_loss;   // aligned with loss_for_val
  std::vector<double> loss_for_val;
  std::vector<int> val_epoch;
  std::vector<double> trace;  // every epoch's loss trace, concatenated, finite values
  std::optional<int> nonfinite_epoch;
  std::optional<double> nonfinite_value;
  std::optional<double> chance;  // ln K, for a cross-entropy loss
};

Curves read_curves(const SweepRecord& sweep, const TrialRecord& trial) {
  Curves c;
  const json loss_given = trial.config.find("/training/loss");
  const json loss_spec = loss_given.is_null() ? json::object() : loss_given;
  const std::string loss_name = loss_spec.is_string()   ? loss_spec.get<std::string>()
                                : loss_spec.is_object() ? loss_spec.value("name", "")
                                                        : "";
  if (sweep.classes >= 2 && loss_name.find("crossentropy") != std::string::npos)
    c.chance = std::log(static_cast<double>(sweep.classes));
  auto note_nonfinite = [&](int epoch, double value) {
    if (!c.nonfinite_epoch) {
      c.nonfinite_epoch = epoch;
      c.nonfinite_value = value;
    }
  };
  for (const EpochRecord& epoch : trial.epochs) {
    // A trial stopped for a non-finite loss was stopped mid-epoch: its last
    // epoch's trace and loss show the explosion, but it is not a whole epoch.
    const bool partial = trial.divergence && epoch.epoch == trial.divergence->epoch &&
                         !std::isfinite(trial.divergence->loss);
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
    if (partial) continue;
    if (loss && std::isfinite(*loss)) c.loss.push_back(*loss);
    if (const auto value = metric_of(epoch, sweep.objective_metric); value && std::isfinite(*value))
      c.objective.push_back(*value);
    if (loss && val_loss && std::isfinite(*loss) && std::isfinite(*val_loss)) {
      c.val_loss.push_back(*val_loss);
      c.loss_for_val.push_back(*loss);
      c.val_epoch.push_back(epoch.epoch);
    }
  }
  return c;
}

// The loss when training began. A cross-entropy classifier starts at the
// chance level ln K (its initial outputs are near uniform), and the first
// trace window can already hold an explosion, so that is the start there;
// otherwise the first window of the trace (the mean of the first few
// batches), else the first epoch's loss.
std::optional<double> start_loss(const Curves& c) {
  if (c.chance) return *c.chance;
  if (!c.trace.empty()) return c.trace.front();
  if (!c.loss.empty()) return c.loss.front();
  return std::nullopt;
}

// The fraction the training loss fell from the start to the last whole epoch.
std::optional<double> progress_of(const Curves& c) {
  const auto start = start_loss(c);
  if (!start || c.loss.empty() || !(*start > 0.0)) return std::nullopt;
  return (*start - c.loss.back()) / *start;
}

// "the loss fell 85 % in 8 epochs (2.3 → 0.34)", naming a spike above the
// start instead of measuring from it.
std::string loss_story(const Curves& c) {
  const auto start = start_loss(c);
  if (!start || c.loss.empty()) return "no whole epoch of training loss";
  const double peak = c.trace.empty() ? *start : *std::max_element(c.trace.begin(), c.trace.end());
  const std::string spike =
      peak > 1.5 * *start ? fmt::format(", after a spike to {}", format_value(peak)) : "";
  const double progress = (*start - c.loss.back()) / *start;
  const std::string numbers = fmt::format("{} ({} → {}{})", epochs_text(c.loss.size()),
                                          format_value(*start), format_value(c.loss.back()), spike);
  // Within half a percent either way the loss did not move.
  if (progress < -0.005)
    return fmt::format("the loss rose {} in {}", format_percent(-progress), numbers);
  if (progress < 0.005) return fmt::format("the loss did not fall in {}", numbers);
  return fmt::format("the loss fell {} in {}", format_percent(progress), numbers);
}

std::string rate_text(double rate) {
  return fmt::format("learning_rate {}", format_learning_rate(rate));
}

std::string reference_text(const SweepRecord& sweep, const Reference& ref) {
  return fmt::format("the best rate, {}, reached {} {}", format_learning_rate(ref.learning_rate),
                     format_value(ref.value), sweep.objective_metric);
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
  sizes.reserve(steps.size());
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
                  "last quarter {})",
                  format_percent(amplitude), format_percent(turn_fraction), format_value(first),
                  format_value(last)),
      "", std::nullopt};
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

bool saturated(const SweepRecord& sweep, const Curves& c) {
  if (sweep.classes < 2 || c.loss.empty()) return false;
  const double chance = std::log(static_cast<double>(sweep.classes));
  return c.loss.back() >= (1.0 - kSaturationTolerance) * chance &&
         late_change(c) <= kSaturationFlatness * chance;
}

bool overfitting(const Curves& c, std::string* reason) {
  const std::size_t n = c.val_loss.size();
  if (static_cast<int>(n) < kOverfitMinEpochs) return false;
  const std::size_t best = static_cast<std::size_t>(
      std::min_element(c.val_loss.begin(), c.val_loss.end()) - c.val_loss.begin());
  const std::size_t last = n - 1;
  if (static_cast<int>(last - best) < kOverfitMinRisingEpochs) return false;
  const double minimum = c.val_loss[best];
  if (!(minimum > 0.0)) return false;
  const double rise = (c.val_loss[last] - minimum) / minimum;
  if (rise < kOverfitMinRise || !(c.loss_for_val[last] < c.loss_for_val[best])) return false;
  *reason = fmt::format(
      "val_loss rose {} from its minimum {} at epoch {} to {} at epoch {} while the training "
      "loss kept falling ({} → {}): train shorter or regularise (selection already uses the "
      "best epoch)",
      format_percent(rise), format_value(minimum), c.val_epoch[best],
      format_value(c.val_loss[last]), c.val_epoch[last], format_value(c.loss_for_val[best]),
      format_value(c.loss_for_val[last]));
  return true;
}

std::string objective_text(const SweepRecord& sweep, const TrialRecord& trial) {
  int epoch = 0;
  const auto value = trial_objective(sweep, trial, &epoch);
  if (!value) return "";
  return fmt::format("best {} {} at epoch {}", sweep.objective_metric, format_value(*value), epoch);
}

Diagnosis diverged_diagnosis(const SweepRecord& sweep, const TrialRecord& trial, const Curves& c) {
  std::string what;
  if (trial.divergence && !std::isfinite(trial.divergence->loss)) {
    what = fmt::format("the loss became {} at epoch {}, batch {}",
                       format_value(trial.divergence->loss), trial.divergence->epoch,
                       trial.divergence->batch);
  } else if (trial.divergence) {
    const json pruning =
        sweep.spec.is_object() ? sweep.spec.value("pruning", json::object()) : json::object();
    const double factor = pruning.value("divergence_factor", 4.0);
    const int epochs = pruning.value("divergence_epochs", 2);
    const auto start = start_loss(c);
    std::string accuracy;
    for (const EpochRecord& epoch : trial.epochs)
      if (epoch.epoch == trial.divergence->epoch)
        for (const char* key : {"val_accuracy", "accuracy"})
          if (const auto value = metric_of(epoch, key); value && accuracy.empty())
            accuracy = fmt::format(" while {} stayed at chance ({})", key, format_value(*value));
    what = fmt::format(
        "the loss exploded and stayed above {} × its starting {} for {} whole epoch{}{}; "
        "stopped after epoch {} with a loss of {}",
        format_value(factor), start ? format_value(*start) : std::string("value"), epochs,
        epochs == 1 ? "" : "s", accuracy, trial.divergence->epoch,
        format_value(trial.divergence->loss));
  } else if (c.nonfinite_epoch) {
    what = fmt::format("the loss became {} at epoch {}", format_value(*c.nonfinite_value),
                       *c.nonfinite_epoch);
  } else {
    what = "the trial diverged";
  }
  return {"diverged", what, "", std::nullopt};
}

struct Position {
  const RateGroup* group = nullptr;
  const RateGroup::Config* config = nullptr;
};

Diagnosis alone(const SweepRecord& sweep, const TrialRecord& trial, const Curves& c) {
  if (trial.status == "diverged" || c.nonfinite_epoch) {
    Diagnosis d = diverged_diagnosis(sweep, trial, c);
    d.reason += ": learning rate too high";
    d.direction = "high";
    return d;
  }
  if (auto d = check_oscillating(c)) {
    d->reason += ": learning rate likely too high (no other rate of this group to compare)";
    return *d;
  }
  std::string overfit;
  if (overfitting(c, &overfit)) return {"overfitting", overfit, "", std::nullopt};
  const auto progress = progress_of(c);
  if (progress && *progress < kStallMinProgress)
    return {"stalled",
            fmt::format("{}, and no other learning rate of {} was tried to compare: learning "
                        "rate possibly too low",
                        loss_story(c),
                        optimizer_of(trial).empty() ? "this optimizer" : optimizer_of(trial)),
            "", std::nullopt};
  const std::string objective = objective_text(sweep, trial);
  return {"converged",
          fmt::format("{}{}; no other learning rate of this group was tried to compare",
                      loss_story(c), objective.empty() ? "" : "; " + objective),
          "", std::nullopt};
}

std::string partial_label(const std::string& status) {
  if (status == "pruned") return "pruned";
  if (status == "interrupted") return "interrupted";
  if (status == "running" || status == "pending") return "running";
  return "";
}

Diagnosis judge(const SweepRecord& sweep, const TrialRecord& trial, const Position& at) {
  if (trial.status == "failed")
    return {"failed",
            trial.error.empty() ? "the trial failed without an error message"
                                : fmt::format("the trial failed: {}", trial.error),
            "", std::nullopt};
  const Curves c = read_curves(sweep, trial);
  const bool diverged = trial.status == "diverged" || c.nonfinite_epoch.has_value();
  if (trial.epochs.empty() && !diverged)
    return {"no_data", fmt::format("no epoch recorded yet (status {})", trial.status), "",
            std::nullopt};

  const RateGroup* group = at.group;
  if (group == nullptr || !group->best || group->configs.size() < 2) return alone(sweep, trial, c);
  const RateGroup::Config& best = group->configs[*group->best];
  Reference ref;
  ref.trial_id = sweep.trials[best.best_trial.value_or(best.trials.front())].id;
  ref.config_hash = best.config_hash;
  ref.learning_rate = best.learning_rate;
  ref.value = *best.value;
  ref.margin = group->margin;
  const double rate = at.config->learning_rate;
  const bool below = rate < ref.learning_rate;
  const std::string rate_word = rate_text(rate);
  const std::string compared = reference_text(sweep, ref);

  if (diverged) {
    Diagnosis d = diverged_diagnosis(sweep, trial, c);
    d.direction = below ? "low" : "high";
    d.reason = below ? fmt::format(
                           "{} at {}, below the best rate ({}): not the learning rate "
                           "alone; check the data and the model",
                           d.reason, rate_word, compared)
                     : fmt::format("{} at {} while {}: learning rate too high", d.reason, rate_word,
                                   compared);
    d.reference = ref;
    return d;
  }

  const std::optional<double> value =
      at.config->value ? at.config->value : trial_objective(sweep, trial);
  const bool ok = value && (!better(ref.value, *value, sweep.maximize) ||
                            std::fabs(ref.value - *value) <= group->margin);
  const std::string value_text =
      value ? fmt::format("{} {}{}", sweep.objective_metric, format_value(*value),
                          at.config->n > 1 ? fmt::format(" (mean of {})", at.config->n) : "")
            : fmt::format("no {}", sweep.objective_metric);

  if (ok) {
    Diagnosis d;
    d.direction = "ok";
    d.reference = ref;
    const bool is_best = at.config == &best;
    const std::string standing =
        is_best ? fmt::format("the best {} of this group: {}", rate_word, value_text)
                : fmt::format("{} at {}, within {} of the best rate {} ({})", value_text, rate_word,
                              format_value(group->margin), format_learning_rate(ref.learning_rate),
                              format_value(ref.value));
    std::string overfit;
    const std::string partial = partial_label(trial.status);
    if (!partial.empty()) {
      d.label = partial;
      d.reason = fmt::format("{} after {}; {}", partial == "running" ? "still running" : partial,
                             epochs_text(c.loss.size()), standing);
    } else if (overfitting(c, &overfit)) {
      d.label = "overfitting";
      d.reason = fmt::format("{}; {}", overfit, standing);
    } else {
      d.label = "converged";
      d.reason = fmt::format("{}; {}", standing, loss_story(c));
    }
    return d;
  }

  Diagnosis d;
  d.reference = ref;
  const std::string shortfall = fmt::format("{} at {} while {} (margin {})", value_text, rate_word,
                                            compared, format_value(group->margin));
  if (below) {
    d.direction = "low";
    const auto progress = progress_of(c);
    // Still improving at the end: the objective's gain over the last third of
    // the epochs, against the gap that is left to the best.
    bool still_improving = false;
    std::string late;
    const std::size_t e = c.objective.size();
    if (e >= 2 && value) {
      const std::size_t from = std::min(e - 2, (2 * e) / 3);
      const double gain = sweep.maximize ? c.objective.back() - c.objective[from]
                                         : c.objective[from] - c.objective.back();
      const double gap = std::fabs(ref.value - c.objective.back());
      still_improving = gain > 0.0 && gain >= kSlowMinLateGain * gap;
      late = fmt::format("{} {} → {} over epochs {}–{}", sweep.objective_metric,
                         format_value(c.objective[from]), format_value(c.objective.back()),
                         from + 1, e);
    }
    if ((progress && *progress < kStallMinProgress) || !still_improving) {
      d.label = "stalled";
      d.reason = fmt::format("{}; {}{}: learning rate too low", loss_story(c), shortfall,
                             late.empty() ? "" : fmt::format(" ({})", late));
    } else {
      d.label = "slow";
      d.reason = fmt::format(
          "still improving when training ended ({}); {}: learning rate too "
          "low (or too few epochs)",
          late, shortfall);
    }
    return d;
  }

  d.direction = "high";
  if (auto o = check_oscillating(c)) {
    d.label = o->label;
    d.reason = fmt::format("{}; {}: learning rate too high", o->reason, shortfall);
  } else if (saturated(sweep, c)) {
    const double chance = std::log(static_cast<double>(sweep.classes));
    d.label = "saturated";
    d.reason = fmt::format(
        "the loss sits flat at {}, {} the chance level ln {} = {}; {}: learning rate too high, "
        "the units likely died",
        format_value(c.loss.back()),
        c.loss.back() > (1.0 + kSaturationTolerance) * chance ? "above" : "at", sweep.classes,
        format_value(chance), shortfall);
  } else {
    d.label = "unstable";
    d.reason = fmt::format("{}; {}: learning rate too high", loss_story(c), shortfall);
  }
  return d;
}

// Where each trial of the sweep sits among the groups.
std::vector<Position> positions(const SweepRecord& sweep, const std::vector<RateGroup>& groups) {
  std::vector<Position> out(sweep.trials.size());
  for (const RateGroup& group : groups)
    for (const RateGroup::Config& config : group.configs)
      for (std::size_t i : config.trials) out[i] = {&group, &config};
  return out;
}

}  // namespace

double group_margin(const SweepRecord& sweep, double best, double best_std, int best_n) {
  const std::string& metric = sweep.objective_metric;
  const bool proportion = proportion_metric(metric);
  double chance = 0.0;
  if (sweep.classes >= 2) {
    if (proportion) chance = 1.0 / sweep.classes;
    if (metric.find("loss") != std::string::npos) chance = std::log(sweep.classes);
  }
  double margin = kMarginRelative * std::fabs(best - chance);
  const auto rows = sweep.data.find("validation_rows");
  if (proportion && rows != sweep.data.end() && rows->is_number() && rows->get<double>() > 0) {
    const double n = rows->get<double>();
    const double p = std::clamp((best * n + 2.0) / (n + 4.0), 0.0, 1.0);
    margin = std::max(margin, kMarginSampling * std::sqrt(p * (1.0 - p) / n));
  }
  if (best_n >= 2 && std::isfinite(best_std))
    margin = std::max(margin, kMarginRepeats * best_std / std::sqrt(static_cast<double>(best_n)));
  return margin;
}

std::vector<RateGroup> rate_groups(const SweepRecord& sweep) {
  std::vector<RateGroup> groups;
  std::map<std::string, std::size_t> group_of;
  std::vector<std::map<std::string, std::size_t>> config_of;
  for (std::size_t i = 0; i < sweep.trials.size(); ++i) {
    const TrialRecord& trial = sweep.trials[i];
    const auto rate = learning_rate_of(trial);
    if (!rate) continue;
    json settings = trial.params;
    settings.erase("learning_rate");
    auto [g, new_group] = group_of.try_emplace(settings.dump(), groups.size());
    if (new_group) {
      RateGroup group;
      group.optimizer = optimizer_of(trial);
      group.settings = std::move(settings);
      groups.push_back(std::move(group));
      config_of.emplace_back();
    }
    RateGroup& group = groups[g->second];
    auto [c, new_config] =
        config_of[g->second].try_emplace(trial.config_hash, group.configs.size());
    if (new_config) {
      RateGroup::Config config;
      config.learning_rate = *rate;
      config.config_hash = trial.config_hash;
      group.configs.push_back(std::move(config));
    }
    group.configs[c->second].trials.push_back(i);
  }
  for (RateGroup& group : groups) {
    for (RateGroup::Config& config : group.configs) {
      std::vector<double> values;
      std::optional<double> best_value;
      for (std::size_t i : config.trials) {
        const TrialRecord& trial = sweep.trials[i];
        if (trial.status == "diverged") ++config.diverged;
        if (!counts_for_ranking(trial)) continue;
        const auto value = trial_objective(sweep, trial);
        if (!value) continue;
        values.push_back(*value);
        if (!best_value || better(*value, *best_value, sweep.maximize)) {
          best_value = value;
          config.best_trial = i;
        }
      }
      config.n = static_cast<int>(values.size());
      if (values.empty()) continue;
      const double mean = mean_of(values, 0, values.size());
      double squares = 0.0;
      for (double x : values) squares += (x - mean) * (x - mean);
      config.value = mean;
      config.std =
          values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0;
    }
    std::sort(group.configs.begin(), group.configs.end(),
              [](const RateGroup::Config& a, const RateGroup::Config& b) {
                return a.learning_rate < b.learning_rate;
              });
    for (std::size_t k = 0; k < group.configs.size(); ++k) {
      const RateGroup::Config& config = group.configs[k];
      if (!config.value) continue;
      if (!group.best || better(*config.value, *group.configs[*group.best].value, sweep.maximize))
        group.best = k;
    }
    if (group.best) {
      const RateGroup::Config& best = group.configs[*group.best];
      group.margin = group_margin(sweep, *best.value, best.std, best.n);
    }
  }
  return groups;
}

Diagnosis diagnose(const SweepRecord& sweep, const TrialRecord& trial) {
  const std::vector<RateGroup> groups = rate_groups(sweep);
  const std::vector<Position> at = positions(sweep, groups);
  for (std::size_t i = 0; i < sweep.trials.size(); ++i)
    if (&sweep.trials[i] == &trial || sweep.trials[i].id == trial.id)
      return judge(sweep, trial, at[i]);
  return judge(sweep, trial, Position{});
}

std::vector<Diagnosis> diagnose_all(const SweepRecord& sweep) {
  return diagnose_all(sweep, rate_groups(sweep));
}

std::optional<double> late_gain(const SweepRecord& sweep, const TrialRecord& trial) {
  const Curves c = read_curves(sweep, trial);
  const std::size_t e = c.objective.size();
  if (e < 2) return std::nullopt;
  const std::size_t from = std::min(e - 2, (2 * e) / 3);
  return sweep.maximize ? c.objective.back() - c.objective[from]
                        : c.objective[from] - c.objective.back();
}

std::vector<Diagnosis> diagnose_all(const SweepRecord& sweep,
                                    const std::vector<RateGroup>& groups) {
  const std::vector<Position> at = positions(sweep, groups);
  // Each trial is judged on its own (against the positions found above), so
  // in parallel.
  std::vector<Diagnosis> result(sweep.trials.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, sweep.trials.size(), 64),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i != range.end(); ++i)
                        result[i] = judge(sweep, sweep.trials[i], at[i]);
                    });
  return result;
}

}  // namespace sweep::reports
