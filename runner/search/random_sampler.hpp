// The random sampler: search.trials draws from a generator seeded with the
// sweep's seed — an optimizer choice uniformly, then each axis (a list
// uniformly, uniform and loguniform ranges rounded to 6 significant digits) —
// so the same spec draws the same trials. A draw equal to an earlier one is
// the same trial and is planned once; another is drawn in its place (from
// the same generator, so still the same for the same spec) until
// search.trials distinct configurations are planned, or until 10 x
// search.trials + 1,000 draws have been made (a space with fewer distinct
// configurations than asked: it plans those it found). plan_with_note says
// which of the two happened.
#pragma once

#include "runner/search/sampler.hpp"

namespace sweep::runner {

class RandomSampler final : public Sampler {
 public:
  std::vector<TrialPlan> plan(const Spec& spec) const override;
  std::vector<TrialPlan> plan_with_note(const Spec& spec, std::string& note) const override;
};

}  // namespace sweep::runner
