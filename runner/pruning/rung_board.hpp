// Successive halving's rungs and their decisions (Jamieson & Talwalkar,
// "Non-stochastic best arm identification and hyperparameter optimization",
// AISTATS 2016; Hyperband's brackets: Li et al., "Hyperband", JMLR 2018).
//
// Rungs sit at min_epochs r, r·η, r·η², … below training.epochs. A rung
// decides once every one of its trials is in — arrived at the rung's epoch
// with its objective so far, or ended before it (early stopping, divergence,
// a failure) — and never on the order they arrived in: of its n trials the
// best ⌊n/η⌋ by objective go on, but never fewer than η (all of them when
// n ≤ η), so that the last choice is made on whole training rather than on
// one rung's snapshot (NaN last, ties to the lower trial index); the other
// arrivals are cut. Hyperband splits the trials into
// brackets by index (Hyperband's shares, interleaved), each a successive
// halving that starts at r·η^b.
//
// RungBoard is pure bookkeeping: no threads, no clock. The rung executor
// drives it under its lock; the reports and `sweep resume` replay it from the
// stored epochs of the finished trials, which gives the same decisions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sweep::runner {

struct HalvingOptions {
  std::string method = "successive_halving";  // or "hyperband"
  int min_epochs = 1;                         // r
  int reduction_factor = 3;                   // η
  int epochs = 1;                             // training.epochs
};

// The rung epochs of each bracket (one for successive halving; Hyperband's
// last bracket has none: its trials train every epoch).
std::vector<std::vector<int>> halving_brackets(const HalvingOptions& options);
// The bracket of each of `count` trials, in trial-index order.
std::vector<int> assign_brackets(const HalvingOptions& options, std::size_t count);
// How many of a rung's `trials` go on: ⌊trials/η⌋, at least min(trials, η).
int rung_keep(int trials, int reduction_factor);

// The epochs `count` trials train when none ends early: what the rungs
// allow at most, against count × epochs without pruning.
long long halving_epochs(const HalvingOptions& options, std::size_t count);

class RungBoard {
 public:
  struct Member {
    std::int64_t id = 0;
    int index = 0;  // the stable key that breaks ties (the trial's plan index)
  };
  struct Cut {
    std::int64_t id = 0;
    double value = 0.0;
    std::string reason;  // "stopped at rung 2 (epoch 3): val_accuracy 0.71, below the cut ..."
  };
  struct Decision {
    int bracket = 0;
    int rung = 0;  // 0-based within its bracket
    int epoch = 0;
    int trials = 0;                   // the rung's trials (those that went on from the rung before)
    int kept = 0;                     // how many go on
    double cut = 0.0;                 // the objective of the last one kept (NaN when none)
    std::vector<std::int64_t> go_on;  // in rank order
    std::vector<Cut> cuts;
  };

  RungBoard(HalvingOptions options, std::vector<Member> members, std::string metric, bool maximize);

  // The epoch trial `id` pauses at next, having trained `epochs_done`
  // epochs; 0 when it trains to the end.
  int next_pause(std::int64_t id, int epochs_done) const;
  // `id` finished the epoch of its next rung and may go on; `value` is its
  // objective so far. Returns the decisions this completes (any order of
  // arrivals gives the same ones).
  std::vector<Decision> arrive(std::int64_t id, double value);
  // `id` trains no more (it ended, or it is a finished trial being replayed):
  // it is in for every rung it did not arrive at. Returns the decisions this
  // completes.
  std::vector<Decision> end(std::int64_t id);
  // Every decision so far, in the order made.
  const std::vector<Decision>& decisions() const { return decisions_; }
  const HalvingOptions& options() const { return options_; }
  const std::vector<std::vector<int>>& brackets() const { return brackets_; }

 private:
  struct State {
    Member member;
    int bracket = 0;
    std::vector<double> values;  // [k]: its objective at rung k, for the rungs it arrived at
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
  std::string reason(int bracket, int rung, int epoch, double value, double cut, int kept,
                     int trials) const;

  HalvingOptions options_;
  std::string metric_;
  bool maximize_ = true;
  std::vector<std::vector<int>> brackets_;
  std::vector<State> states_;             // sorted by id
  std::vector<std::vector<Rung>> rungs_;  // [bracket][rung]
  std::vector<Decision> decisions_;
};

}  // namespace sweep::runner
