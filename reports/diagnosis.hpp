// Diagnosis of a trial's curves: the learning-rate lesson, automated.
//
// Every trial is compared with the best learning rate of its group: the
// trials that share every swept setting but the learning rate (the same
// optimizer, batch size, width, ...). A trial within the group's margin of the
// best is "ok"; a trial clearly worse is "low" or "high" by the side of the
// best rate it lies on. The label names what the curves show, and always
// agrees with the direction:
//   ok    converged, overfitting (val_loss rising at the end), or pruned /
//         interrupted / running for a partial curve
//   low   stalled (the loss barely moved, or stopped improving well below the
//         best), slow (still improving when training ended)
//   high  diverged (stopped for a loss that exploded, or not finite),
//         oscillating (the within-epoch loss swings without a downward
//         trend), saturated (flat at the chance level ln K: units died),
//         unstable (finite, plateaued well short of the best)
//   none  failed (an error, not a rate), no_data; and a group with a single
//         learning rate, which has nothing to compare with
// The margin (GroupMargin) accounts for the chance level, the size of the
// validation part and the spread of the best configuration's repeats; the
// constants below are documented in the README with the truth-corpus figures
// that chose them.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/records.hpp"

namespace sweep::reports {

// The trial a verdict was measured against: its group's best configuration,
// represented by that configuration's best repeat.
struct Reference {
  std::int64_t trial_id = 0;
  std::string config_hash;
  double learning_rate = 0.0;
  double value = 0.0;   // the best configuration's mean objective
  double margin = 0.0;  // how far below it still counts as "ok"
};

struct Diagnosis {
  std::string label;
  std::string reason;     // one sentence with the numbers behind the label
  std::string direction;  // "low", "high", "ok", or "" when not judged
  std::optional<Reference> reference;
};

namespace diagnosis_thresholds {
// The margin of "ok": the largest of
//   kMarginRelative x |best - chance level|,
inline constexpr double kMarginRelative = 0.02;
//   kMarginSampling binomial standard errors of a proportion-type objective
//   (accuracy, precision, recall, f1) measured on the validation rows,
inline constexpr double kMarginSampling = 2.0;
//   and kMarginRepeats standard errors of the best configuration's repeats.
inline constexpr double kMarginRepeats = 2.0;

// Oscillating: at least this many loss-trace points to judge at all,
inline constexpr int kOscillationMinPoints = 8;
// this fraction of successive differences changing sign (iid noise gives 2/3,
// a smooth descent 0),
inline constexpr double kOscillationMinSignChanges = 0.5;
// a median step of at least this fraction of the first epoch's loss,
inline constexpr double kOscillationMinAmplitude = 0.10;
// and the interquartile mean of the trace's last quarter less than this
// fraction below that of its first quarter.
inline constexpr double kOscillationMaxTrend = 0.25;

// Saturated: final training loss >= (1 - this) x ln K,
inline constexpr double kSaturationTolerance = 0.05;
// and over the second half of training it moved by at most this x ln K.
inline constexpr double kSaturationFlatness = 0.05;

// Stalled rather than slow: the loss fell by less than this fraction from the
// start of training to the last epoch,
inline constexpr double kStallMinProgress = 0.10;
// Slow rather than stalled: over the last third of the epochs the objective
// still improved by at least this fraction of the gap to the best.
inline constexpr double kSlowMinLateGain = 0.05;

// Overfitting: at least this many epochs with val_loss,
inline constexpr int kOverfitMinEpochs = 4;
// the minimum at least this many epochs before the last,
inline constexpr int kOverfitMinRisingEpochs = 2;
// and the last val_loss this fraction above that minimum, training loss lower.
inline constexpr double kOverfitMinRise = 0.10;
}  // namespace diagnosis_thresholds

// One group of trials that differ only in their learning rate, with its
// configurations in order of rate.
struct RateGroup {
  std::string optimizer;                               // params["optimizer"], or ""
  nlohmann::json settings = nlohmann::json::object();  // params without learning_rate
  struct Config {
    double learning_rate = 0.0;
    std::string config_hash;
    std::vector<std::size_t> trials;        // indices into sweep.trials
    std::optional<double> value;            // mean objective of the repeats that count
    double std = 0.0;                       // sample std of those repeats (0 for one)
    int n = 0;                              // repeats that count
    int diverged = 0;                       // repeats that diverged
    std::optional<std::size_t> best_trial;  // the repeat with the best value
  };
  std::vector<Config> configs;      // ascending learning rate
  std::optional<std::size_t> best;  // index into configs
  double margin = 0.0;              // the "ok" margin around the best
};

// The sweep's trials that carry a learning rate, grouped (in order of first
// appearance). O(N log N).
std::vector<RateGroup> rate_groups(const SweepRecord& sweep);

// The margin of "ok" around `best` (see diagnosis_thresholds): chance level
// from sweep.classes, the validation rows from sweep.data, the repeats' spread.
double group_margin(const SweepRecord& sweep, double best, double best_std, int best_n);

// Diagnoses one trial of the sweep.
Diagnosis diagnose(const SweepRecord& sweep, const TrialRecord& trial);

// Diagnoses every trial, in sweep.trials order (shares the group comparison).
std::vector<Diagnosis> diagnose_all(const SweepRecord& sweep);
std::vector<Diagnosis> diagnose_all(const SweepRecord& sweep, const std::vector<RateGroup>& groups);

// How much the trial's objective improved over the last third of its epochs
// (in the objective's direction; <= 0 when it did not), or nullopt with fewer
// than two epochs.
std::optional<double> late_gain(const SweepRecord& sweep, const TrialRecord& trial);

}  // namespace sweep::reports
