#include "runner/search/expansion.hpp"

#include <cmath>
#include <random>
#include <set>

#include "runner/hashing.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

// A uniform double in [0, 1) from 53 random bits: the same on every platform.
double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

std::size_t pick(std::mt19937_64& rng, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(uniform01(rng) * static_cast<double>(n)));
}

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

struct Builder {
  const Spec& spec;
  std::vector<TrialPlan> trials;
  std::set<std::string> seen;

  // One configuration: the optimizer choice (or none) and one value per axis.
  void add(const OptimizerChoice* choice, const std::vector<std::pair<const Axis*, json>>& values) {
    json raw = spec.base;
    json params = json::object();
    if (choice != nullptr) {
      json optimizer = choice->fixed;
      const json& previous = spec.base["training"]["optimizer"];
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
    if (!problems.empty()) throw SpecError(spec.source, problems);
    config = canonical(config);
    params["optimizer"] = config["training"]["optimizer"]["name"];
    params["learning_rate"] = config["training"]["optimizer"]["learning_rate"];
    const std::string hash = hash_json(config);
    if (!seen.insert(hash).second) return;
    const int index = static_cast<int>(trials.size() / static_cast<std::size_t>(spec.repeats));
    for (int repeat = 0; repeat < spec.repeats; ++repeat) {
      TrialPlan plan;
      plan.index = index;
      plan.params = params;
      plan.config = config;
      plan.config_hash = hash;
      plan.repeat = repeat;
      plan.seed = trial_seed(spec.seed, hash, repeat);
      plan.cost = estimate_cost(config);
      trials.push_back(std::move(plan));
    }
  }

  void grid(const OptimizerChoice* choice) {
    std::vector<const Axis*> axes;
    if (choice != nullptr) {
      for (const auto& axis : choice->axes) axes.push_back(&axis);
    }
    // learning_rate first among the shared axes, so the grid reads optimizer x rate x ...
    for (const auto& axis : spec.axes) {
      if (axis.key == "learning_rate") axes.insert(axes.begin(), &axis);
    }
    for (const auto& axis : spec.axes) {
      if (axis.key != "learning_rate") axes.push_back(&axis);
    }
    std::vector<std::size_t> digit(axes.size(), 0);
    while (true) {
      std::vector<std::pair<const Axis*, json>> values;
      for (std::size_t i = 0; i < axes.size(); ++i)
        values.emplace_back(axes[i], axes[i]->values[digit[i]]);
      add(choice, values);
      std::size_t i = axes.size();
      while (i > 0) {
        --i;
        if (++digit[i] < axes[i]->values.size()) break;
        digit[i] = 0;
        if (i == 0) return;
      }
      if (axes.empty()) return;
    }
  }
};

}  // namespace

std::vector<TrialPlan> expand(const Spec& spec) {
  Builder builder{spec, {}, {}};
  if (spec.method == "random") {
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
  } else if (spec.optimizers.empty()) {
    builder.grid(nullptr);
  } else {
    for (const auto& choice : spec.optimizers) builder.grid(&choice);
  }
  return std::move(builder.trials);
}

}  // namespace sweep::runner
