#include "runner/search/sampler.hpp"

#include "engine/registry.hpp"
#include "runner/search/grid_sampler.hpp"
#include "runner/search/random_sampler.hpp"

namespace sweep::runner {
namespace {

using SamplerRegistry = engine::Registry<std::unique_ptr<Sampler>>;

// One line per sampler: its search.method name, its help and its factory.
const SamplerRegistry& registry() {
  static const SamplerRegistry samplers{
      "search method",
      {
          {{"grid", {}, "every combination of the search values"},
           [](const engine::ParamReader&) { return std::make_unique<GridSampler>(); }},
          {{"random", {}, "search.trials draws from the search values and ranges"},
           [](const engine::ParamReader&) { return std::make_unique<RandomSampler>(); }},
      }};
  return samplers;
}

}  // namespace

const std::vector<std::string>& sampler_names() {
  return registry().names();
}

std::unique_ptr<Sampler> make_sampler(const std::string& method) {
  return registry().make(engine::Component{method, {}});
}

std::vector<TrialPlan> expand(const Spec& spec) {
  return make_sampler(spec.method)->plan(spec);
}

std::vector<TrialPlan> expand(const Spec& spec, std::string& note) {
  return make_sampler(spec.method)->plan_with_note(spec, note);
}

}  // namespace sweep::runner
