// Successive halving and Hyperband (pruning.method): pruners that judge no
// trial alone but whole rungs, so their decisions never depend on which
// trials happened to finish first (README, "Pruning for compute"). The rungs
// and their decisions are RungBoard's; this is their place in the pruner
// registry.
#pragma once

#include <string>

#include "runner/pruning/pruner.hpp"
#include "runner/pruning/rung_board.hpp"

namespace sweep::runner {

class SuccessiveHalvingPruner final : public Pruner {
 public:
  explicit SuccessiveHalvingPruner(HalvingOptions options) : options_(std::move(options)) {}
  // Asked after every epoch, it always keeps: the rung decides.
  std::unique_ptr<TrialPruner> start(const TrialContext& trial) const override;
  const HalvingOptions* rungs() const override { return &options_; }

 private:
  HalvingOptions options_;
};

// The rungs of `spec` under `method` (successive_halving or hyperband).
HalvingOptions halving_options(const Spec& spec, const std::string& method);

}  // namespace sweep::runner
