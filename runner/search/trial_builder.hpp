// What every sampler shares: turning one choice of values (an optimizer
// choice and one value per axis) into a trial plan with its resolved config,
// identity, seed and cost, once per repeat, skipping a configuration already
// planned. Samplers decide which values; the builder decides what a trial is.
#pragma once

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/search/sampler.hpp"

namespace sweep::runner::detail {

class TrialBuilder {
 public:
  explicit TrialBuilder(const Spec& spec) : spec_(spec) {}

  // One configuration: the optimizer choice (or none) and one value per axis.
  // Returns false, planning nothing, for a configuration already planned.
  // Throws SpecError when the combination does not resolve.
  bool add(const OptimizerChoice* choice,
           const std::vector<std::pair<const Axis*, nlohmann::json>>& values);
  std::vector<TrialPlan> take() { return std::move(trials_); }

 private:
  const Spec& spec_;
  std::vector<TrialPlan> trials_;
  std::set<std::string> seen_;
};

// A uniform double in [0, 1) from 53 random bits: the same on every platform.
double uniform01(std::mt19937_64& rng);
// A uniform index in [0, n).
std::size_t pick(std::mt19937_64& rng, std::size_t n);

}  // namespace sweep::runner::detail
