// The grid sampler: every combination of the axes' values (per optimizer
// choice, its own axes with the shared ones), learning_rate first among the
// shared axes so the grid reads optimizer x rate x ..., then repeats.
#pragma once

#include "runner/search/sampler.hpp"

namespace sweep::runner {

class GridSampler final : public Sampler {
 public:
  std::vector<TrialPlan> plan(const Spec& spec) const override;
};

}  // namespace sweep::runner
