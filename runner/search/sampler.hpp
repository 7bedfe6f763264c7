// Samplers turn a validated spec into trial plans. A Sampler is chosen by
// search.method through the registry below (grid, random; a new one is a file
// pair and one registry line). Whatever the sampler, each trial's identity is
// the hash of its resolved config and its seed derives from (sweep seed,
// config hash, repeat), never from time, order or thread (TrialBuilder).
//
// Contract: plan() is a pure function of the spec — the same spec gives the
// same plans in the same order (resume and `sweep plan` rely on it); it may be
// called from any thread; it throws SpecError when a combination of values
// does not resolve.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/spec/spec.hpp"

namespace sweep::runner {

struct TrialPlan {
  int index = 0;          // position in expansion order
  nlohmann::json params;  // flat swept values: optimizer, learning_rate, ...
  nlohmann::json config;  // resolved {dataset, model, training}
  std::string config_hash;
  int repeat = 0;
  std::uint64_t seed = 0;
  double cost = 0.0;  // relative training cost, for scheduling the most expensive first
};

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual std::vector<TrialPlan> plan(const Spec& spec) const = 0;
  // plan(), and one line for the user when the plans are not what the spec
  // says at face value (a random search that drew duplicates); empty when
  // there is nothing to say.
  virtual std::vector<TrialPlan> plan_with_note(const Spec& spec, std::string& note) const {
    note.clear();
    return plan(spec);
  }
};

// The registered samplers' names, in order ("grid", "random").
const std::vector<std::string>& sampler_names();
// The sampler registered as `method`; throws engine::ConfigError naming the
// known ones (the spec parser checks the name first).
std::unique_ptr<Sampler> make_sampler(const std::string& method);

// The plans of spec.method's sampler.
std::vector<TrialPlan> expand(const Spec& spec);
// The same, with the sampler's note (Sampler::plan_with_note).
std::vector<TrialPlan> expand(const Spec& spec, std::string& note);

}  // namespace sweep::runner
