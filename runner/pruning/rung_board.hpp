// Successive halving's rungs and their decisions (Jamieson & Talwalkar,
// "Non-stochastic best arm identification and hyperparameter optimization",
// AISTATS 2016; Hyperband's brackets: Li et al., "Hyperband", JMLR 2018).
//
// Rungs sit at min_epochs r, r·η, r·η², … below training.epochs; r may be a
// fraction of an epoch (a rung inside an epoch: each trial pauses after
// round(position × its batches per epoch) batches and is evaluated there), and
// "auto" (the default) is 1 epoch, or training.epochs / η² when that is less,
// so that short trainings get two rungs too. A rung
// decides once every one of its trials is in — arrived at the rung's epoch
// with its objective so far, or ended before it (early stopping, divergence,
// a failure) — and never on the order they arrived in: of its n trials the
// best ⌊n/η⌋ by objective go on, but never fewer than η (all of them when
// n ≤ η), so that the last choice is made on whole training rather than on
// one rung's snapshot, and never more than the bracket's share, ⌊·/η⌋ taken
// k + 1 times from its first rung's trials (NaN last). Trials tied with the
// last one kept go on too, as Optuna's SuccessiveHalvingPruner keeps them: a
// rung whose values cannot tell trials apart (many at chance accuracy early
// on) does not choose between them, and the next rung, held to its share,
// chooses on longer training. The other arrivals are cut. The go-on list is
// ranked by objective, then the lower loss of the same split at the rung
// (val_loss for val_accuracy), then the lower trial index. Hyperband splits the trials into
// brackets by index (Hyperband's shares, interleaved), each a successive
// halving that starts at r·η^b.
//
// RungBoard is pure bookkeeping: no threads, no clock. The rung executor
// drives it under its lock; the reports and `sweep resume` replay it from the
// stored epochs of the finished trials, which gives the same decisions.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sweep::runner {

struct HalvingOptions {
  std::string method = "successive_halving";  // or "hyperband"
  double min_epochs = 1.0;                    // r, in epochs: may be a fraction of one
  int reduction_factor = 3;                   // η
  int epochs = 1;                             // training.epochs
};

// pruning.min_epochs "auto": 1, or epochs / η² when that is less.
double auto_min_epochs(int epochs, int reduction_factor);
// The rung positions of each bracket, in epochs (one bracket for successive
// halving; Hyperband's last bracket has none: its trials train every epoch).
// A position within 1e-9 of a whole number is that number: a rung at the end
// of an epoch.
std::vector<std::vector<double>> halving_brackets(const HalvingOptions& options);
// Whether a rung position is the end of an epoch (else it is inside one).
bool at_epoch_end(double position);
// The batches (in all) a trial with `batches_per_epoch` trains to reach the
// rung at `position` epochs: round(position × batches_per_epoch), at least 1
// and short of the last batch.
long long rung_batches(double position, std::size_t batches_per_epoch, int epochs);
// The loss that ranks trials tied on `objective` at a rung: "val_loss" for a
// val_ metric, "loss" for a training one; empty when the objective is a loss.
std::string tie_metric(const std::string& objective);
// The bracket of each of `count` trials, in trial-index order.
std::vector<int> assign_brackets(const HalvingOptions& options, std::size_t count);
// How many of a rung's `trials` go on: ⌊trials/η⌋, at least min(trials, η).
int rung_keep(int trials, int reduction_factor);

// The epochs `count` trials train when none ends early: what the rungs
// allow at most, against count × epochs without pruning.
double halving_epochs(const HalvingOptions& options, std::size_t count);

class RungBoard {
 public:
  struct Member {
    std::int64_t id = 0;
    int index = 0;  // the stable key that breaks ties (the trial's plan index)
  };
  // A trial's standing at a rung: its objective so far, and the loss that
  // breaks a tie on it (NaN when none).
  struct Value {
    double objective = 0.0;
    double tie = std::numeric_limits<double>::quiet_NaN();
  };
  struct Cut {
    std::int64_t id = 0;
    double value = 0.0;
    std::string reason;  // "stopped at rung 2 (epoch 3): val_accuracy 0.71, below the cut ..."
  };
  struct Decision {
    int bracket = 0;
    int rung = 0;                     // 0-based within its bracket
    double epoch = 0.0;               // its position, in epochs
    int trials = 0;                   // the rung's trials (those that went on from the rung before)
    int kept = 0;                     // how many go on
    double cut = 0.0;                 // the objective of the last one kept (NaN when none)
    std::vector<std::int64_t> go_on;  // in rank order
    std::vector<Cut> cuts;
  };

  // `metric` is the objective; ties on it break on tie_metric(metric).
  RungBoard(HalvingOptions options, std::vector<Member> members, std::string metric, bool maximize);

  // The position (epochs) of the next rung of trial `id`, the first it has
  // not arrived at; 0 when it trains to the end.
  double next_pause(std::int64_t id) const;
  // `id` reached its next rung and may go on; `value` is its standing there.
  // Returns the decisions this completes (any order of arrivals gives the
  // same ones).
  std::vector<Decision> arrive(std::int64_t id, Value value);
  // `id` trains no more (it ended, or it is a finished trial being replayed):
  // it is in for every rung it did not arrive at. Returns the decisions this
  // completes.
  std::vector<Decision> end(std::int64_t id);
  // Every decision so far, in the order made.
  const std::vector<Decision>& decisions() const { return decisions_; }
  const HalvingOptions& options() const { return options_; }
  const std::vector<std::vector<double>>& brackets() const { return brackets_; }

 private:
  struct State {
    Member member;
    int bracket = 0;
    std::vector<Value> values;  // [k]: its standing at rung k, for the rungs it arrived at
    bool ended = false;
  };
  struct Rung {
    std::vector<std::size_t> trials;  // indices into states_, by trial index
    bool known = false;               // its trials are known (rung 0, or the one before decided)
    bool decided = false;
  };
  std::size_t find(std::int64_t id) const;
  std::vector<Decision> settle(int bracket);
  Decision decide(int bracket, int rung);
  std::string reason(int bracket, int rung, double epoch, double value, double cut, int kept,
                     int trials) const;

  HalvingOptions options_;
  std::string metric_;
  std::string tie_;
  bool maximize_ = true;
  std::vector<std::vector<double>> brackets_;
  std::vector<State> states_;             // sorted by id
  std::vector<std::vector<Rung>> rungs_;  // [bracket][rung]
  std::vector<Decision> decisions_;
};

}  // namespace sweep::runner
