// The divergence rule (README, "Divergence"). A non-finite batch loss stops
// the trial at once: it never recovers, the weights are no longer finite; on
// the first batch, before any update, it is a setup error, not a learning
// rate. A finite loss is divergence only when it stayed far above where it
// started for whole epochs while the model learnt nothing: `epochs` epochs in
// a row in which every batch's loss exceeded factor x the first batch's loss
// and the accuracy stayed at chance (<= TrialContext::dead_accuracy). A loss
// that spikes, or stays huge while the classifier still classifies, is not
// stopped: on the truth corpus such trials often end within the margin of
// the best.
#pragma once

#include "runner/pruning/pruner.hpp"

namespace sweep::runner {

class DivergencePruner final : public Pruner {
 public:
  struct Options {
    bool finite_rule = true;  // pruning.divergence; non-finite losses stop a trial regardless
    double factor = 4.0;      // pruning.divergence_factor
    int epochs = 2;           // pruning.divergence_epochs
  };
  explicit DivergencePruner(Options options) : options_(options) {}
  std::unique_ptr<TrialPruner> start(const TrialContext& trial) const override;

 private:
  Options options_;
};

}  // namespace sweep::runner
