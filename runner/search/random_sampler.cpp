#include "runner/search/random_sampler.hpp"

#include <cmath>
#include <random>

#include <fmt/format.h>

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
  std::string note;
  return plan_with_note(spec, note);
}

std::vector<TrialPlan> RandomSampler::plan_with_note(const Spec& spec, std::string& note) const {
  detail::TrialBuilder builder(spec);
  std::mt19937_64 rng(spec.seed);
  const long long asked = spec.random_trials;
  const long long most_draws = 10 * asked + 1000;
  long long planned = 0;
  long long draws = 0;
  while (planned < asked && draws < most_draws) {
    const OptimizerChoice* choice =
        spec.optimizers.empty() ? nullptr : &spec.optimizers[pick(rng, spec.optimizers.size())];
    std::vector<std::pair<const Axis*, json>> values;
    if (choice != nullptr) {
      for (const auto& axis : choice->axes) values.emplace_back(&axis, sample(axis, rng));
    }
    for (const auto& axis : spec.axes) values.emplace_back(&axis, sample(axis, rng));
    ++draws;
    if (builder.add(choice, values)) ++planned;
  }
  const long long duplicates = draws - planned;
  note.clear();
  if (planned < asked) {
    note = fmt::format(
        "random search: {} draws found only {} distinct configurations of the {} asked "
        "(search.trials; values are rounded to 6 digits, lists are finite), so {} trials will run",
        draws, planned, asked, planned * spec.repeats);
  } else if (duplicates > 0) {
    note = fmt::format(
        "random search: {} of {} draws repeated an earlier configuration and were drawn again, so "
        "{} distinct configurations will run, as asked",
        duplicates, draws, planned);
  }
  return builder.take();
}

}  // namespace sweep::runner
