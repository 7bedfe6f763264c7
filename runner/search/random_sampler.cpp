#include "runner/search/random_sampler.hpp"

#include <cmath>
#include <random>

#include "runner/hashing.hpp"
#include "runner/search/trial_builder.hpp"

namespace sweep::runner {
namespace {

using detail::pick;
using detail::uniform01;
using nlohmann::json;

json sample(const Axis& axis, std::mt19937_64& rng) {
  switch (axis.kind) {
    case Axis::Kind::list:
      return axis.values[pick(rng, axis.values.size())];
    case Axis::Kind::uniform:
      return canonical(json(round6(axis.low + uniform01(rng) * (axis.high - axis.low))));
    case Axis::Kind::loguniform: {
      const double lo = std::log(axis.low);
      const double hi = std::log(axis.high);
      return canonical(json(round6(std::exp(lo + uniform01(rng) * (hi - lo)))));
    }
  }
  return nullptr;
}

}  // namespace

std::vector<TrialPlan> RandomSampler::plan(const Spec& spec) const {
  detail::TrialBuilder builder(spec);
  std::mt19937_64 rng(spec.seed);
  for (int t = 0; t < spec.random_trials; ++t) {
    const OptimizerChoice* choice =
        spec.optimizers.empty() ? nullptr : &spec.optimizers[pick(rng, spec.optimizers.size())];
    std::vector<std::pair<const Axis*, json>> values;
    if (choice != nullptr) {
      for (const auto& axis : choice->axes) values.emplace_back(&axis, sample(axis, rng));
    }
    for (const auto& axis : spec.axes) values.emplace_back(&axis, sample(axis, rng));
    builder.add(choice, values);
  }
  return builder.take();
}

}  // namespace sweep::runner
