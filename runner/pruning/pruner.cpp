#include "runner/pruning/pruner.hpp"

#include "engine/registry.hpp"
#include "runner/pruning/divergence_pruner.hpp"
#include "runner/pruning/successive_halving_pruner.hpp"
#include "runner/spec/spec.hpp"

namespace sweep::runner {
namespace {

using PrunerRegistry = engine::Registry<std::unique_ptr<Pruner>, const Spec&>;

// One line per pruner: its name, its help and its factory, which reads its
// settings from the spec.
const PrunerRegistry& registry() {
  static const PrunerRegistry pruners{
      "pruner",
      {
          {{"divergence",
            {},
            "stops a trial whose loss is not finite or stays far above its start"},
           [](const engine::ParamReader&, const Spec& spec) {
             return std::make_unique<DivergencePruner>(DivergencePruner::Options{
                 .finite_rule = spec.divergence,
                 .factor = spec.divergence_factor,
                 .epochs = spec.divergence_epochs,
             });
           }},
          {{"successive_halving", {}, "rungs at r, r*eta, ...: the best 1/eta of each rung go on"},
           [](const engine::ParamReader&, const Spec& spec) {
             return std::make_unique<SuccessiveHalvingPruner>(
                 halving_options(spec, "successive_halving"));
           }},
          {{"hyperband", {}, "brackets of successive halving with different first rungs"},
           [](const engine::ParamReader&, const Spec& spec) {
             return std::make_unique<SuccessiveHalvingPruner>(halving_options(spec, "hyperband"));
           }},
      }};
  return pruners;
}

}  // namespace

const std::vector<std::string>& pruner_names() {
  return registry().names();
}

std::unique_ptr<Pruner> make_pruner(const std::string& name, const Spec& spec) {
  return registry().make(engine::Component{name, {}}, spec);
}

std::vector<std::unique_ptr<Pruner>> sweep_pruners(const Spec& spec) {
  std::vector<std::unique_ptr<Pruner>> pruners;
  pruners.push_back(make_pruner("divergence", spec));
  if (spec.pruning_method != "none") pruners.push_back(make_pruner(spec.pruning_method, spec));
  return pruners;
}

}  // namespace sweep::runner
