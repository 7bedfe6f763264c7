// Expands a validated spec into trials: the grid's Cartesian product (or a
// seeded random sample), conditional optimizer parameters, and repeats. Each
// trial's identity is the hash of its resolved config; its seed derives from
// (sweep seed, config hash, repeat), never from time, order or thread.
#pragma once

#include <cstdint>
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

// Throws SpecError when a combination of values is invalid.
std::vector<TrialPlan> expand(const Spec& spec);

}  // namespace sweep::runner
