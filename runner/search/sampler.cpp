#include "runner/search/sampler.hpp"

#include <functional>
#include <stdexcept>
#include <utility>

#include "runner/search/grid_sampler.hpp"
#include "runner/search/random_sampler.hpp"

namespace sweep::runner {
namespace {

using Factory = std::function<std::unique_ptr<Sampler>()>;

const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> samplers = {
      {"grid", [] { return std::make_unique<GridSampler>(); }},
      {"random", [] { return std::make_unique<RandomSampler>(); }},
  };
  return samplers;
}

}  // namespace

const std::vector<std::string>& sampler_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, factory] : registry()) out.push_back(name);
    return out;
  }();
  return names;
}

std::unique_ptr<Sampler> make_sampler(const std::string& method) {
  for (const auto& [name, factory] : registry())
    if (name == method) return factory();
  std::string known;
  for (const auto& name : sampler_names()) known += (known.empty() ? "" : ", ") + name;
  throw std::invalid_argument("unknown search method \"" + method + "\"; known: " + known);
}

std::vector<TrialPlan> expand(const Spec& spec) {
  return make_sampler(spec.method)->plan(spec);
}

}  // namespace sweep::runner
