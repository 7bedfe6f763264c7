// Diagnosis of a trial's curves: the learning-rate lesson, automated.
//
// Labels, checked in this order (thresholds below, documented in
// the README, "Diagnosis of trials"):
//   failed       the trial raised an error (reason: its message)
//   diverged     status diverged, or a non-finite loss anywhere: too high
//   no_data      no epoch recorded yet
//   oscillating  the within-epoch loss trace swings up and down without a
//                downward trend: likely too high
//   saturated    training loss flat at (or above) the chance level ln K while a
//                lower learning rate of the same optimizer does better: too
//                high, the units died
//   stalled      little progress, or far below the optimizer's best, while a
//                higher learning rate of the same optimizer does better: too low
//   overfitting  validation loss rising for the last epochs while training
//                loss falls
//   pruned / interrupted / running   a partial curve with none of the above
//   converged    everything else
// Saturated is tried before stalled when the trial's rate is above the
// optimizer's best rate, after it otherwise.
#pragma once

#include <string>
#include <vector>

#include "reports/records.hpp"

namespace sweep::reports {

struct Diagnosis {
  std::string label;
  std::string reason;  // one sentence with the numbers behind the label
};

namespace diagnosis_thresholds {
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

// Stalled: the loss fell by less than this fraction from the first loss-trace
// point (or first epoch) to the last epoch,
inline constexpr double kStallMinProgress = 0.10;
// or the objective falls short of the better, higher rate's by this fraction.
inline constexpr double kStallShortfall = 0.25;

// A peer learning rate "does better" when its objective is better by at least
// this fraction of the larger magnitude (guards against noise).
inline constexpr double kBetterMargin = 0.02;

// Overfitting: at least this many epochs with val_loss,
inline constexpr int kOverfitMinEpochs = 4;
// the minimum at least this many epochs before the last,
inline constexpr int kOverfitMinRisingEpochs = 2;
// and the last val_loss this fraction above that minimum, training loss lower.
inline constexpr double kOverfitMinRise = 0.10;
}  // namespace diagnosis_thresholds

// Diagnoses one trial of the sweep; compares it with the sweep's other trials
// of the same optimizer.
Diagnosis diagnose(const SweepRecord& sweep, const TrialRecord& trial);

// Diagnoses every trial, in sweep.trials order (shares the peer comparison).
std::vector<Diagnosis> diagnose_all(const SweepRecord& sweep);

}  // namespace sweep::reports
