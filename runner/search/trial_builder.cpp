#include "runner/search/trial_builder.hpp"

#include <algorithm>

#include "runner/hashing.hpp"

namespace sweep::runner::detail {
namespace {

using nlohmann::json;

double estimate_cost(const json& config) {
  const json& training = config["training"];
  double weights = 0.0;
  double previous = 100.0;  // the input width is not known before the dataset loads
  for (const auto& layer : config["model"]["layers"]) {
    if (layer.value("type", "") == "dense") {
      const double units = layer["units"].get<double>();
      weights += previous * units;
      previous = units;
    }
  }
  const double batch = training["batch_size"].get<double>();
  return training["epochs"].get<double>() * weights * (1.0 + 16.0 / batch);
}

}  // namespace

double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

std::size_t pick(std::mt19937_64& rng, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(uniform01(rng) * static_cast<double>(n)));
}

bool TrialBuilder::add(const OptimizerChoice* choice,
                       const std::vector<std::pair<const Axis*, json>>& values) {
  json raw = spec_.base;
  json params = json::object();
  if (choice != nullptr) {
    json optimizer = choice->fixed;
    const json& previous = spec_.base["training"]["optimizer"];
    if (previous.is_object() && previous.contains("learning_rate") &&
        !optimizer.contains("learning_rate")) {
      optimizer["learning_rate"] = previous["learning_rate"];
    }
    raw["training"]["optimizer"] = optimizer;
  }
  for (const auto& [axis, value] : values) {
    set_path(raw, axis->path, value);
    params[axis->key] = value;
  }
  std::vector<SpecProblem> problems;
  json config = resolve_config(raw, problems);
  if (!problems.empty()) throw SpecError(spec_.source, problems);
  config = canonical(config);
  params["optimizer"] = config["training"]["optimizer"]["name"];
  params["learning_rate"] = config["training"]["optimizer"]["learning_rate"];
  const std::string hash = hash_json(identity_view(config));
  if (!seen_.insert(hash).second) return false;
  const int index = static_cast<int>(trials_.size() / static_cast<std::size_t>(spec_.repeats));
  for (int repeat = spec_.first_repeat; repeat < spec_.first_repeat + spec_.repeats; ++repeat) {
    TrialPlan plan;
    plan.index = index;
    plan.params = params;
    plan.config = config;
    plan.config_hash = hash;
    plan.repeat = repeat;
    plan.seed = trial_seed(spec_.seed, hash_json(seed_view(config)), repeat);
    plan.cost = estimate_cost(config);
    trials_.push_back(std::move(plan));
  }
  return true;
}

}  // namespace sweep::runner::detail
