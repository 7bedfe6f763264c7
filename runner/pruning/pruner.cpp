#include "runner/pruning/pruner.hpp"

#include "engine/registry.hpp"
#include "runner/pruning/divergence_pruner.hpp"
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
  return pruners;
}

}  // namespace sweep::runner
