// The random sampler: search.trials draws from a generator seeded with the
// sweep's seed — an optimizer choice uniformly, then each axis (a list
// uniformly, uniform and loguniform ranges rounded to 6 significant digits) —
// so the same spec draws the same trials. A draw equal to an earlier one is
// the same trial and is planned once.
#pragma once

#include "runner/search/sampler.hpp"

namespace sweep::runner {

class RandomSampler final : public Sampler {
 public:
  std::vector<TrialPlan> plan(const Spec& spec) const override;
};

}  // namespace sweep::runner
