#include "runner/pruning/pruner.hpp"

#include <functional>
#include <stdexcept>
#include <utility>

#include "runner/pruning/divergence_pruner.hpp"
#include "runner/pruning/successive_halving_pruner.hpp"
#include "runner/spec/spec.hpp"

namespace sweep::runner {
namespace {

using Factory = std::function<std::unique_ptr<Pruner>(const Spec&)>;

const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> pruners = {
      {"divergence",
       [](const Spec& spec) {
         return std::make_unique<DivergencePruner>(DivergencePruner::Options{
             .finite_rule = spec.divergence,
             .factor = spec.divergence_factor,
             .epochs = spec.divergence_epochs,
         });
       }},
      {"successive_halving",
       [](const Spec& spec) {
         return std::make_unique<SuccessiveHalvingPruner>(
             halving_options(spec, "successive_halving"));
       }},
      {"hyperband",
       [](const Spec& spec) {
         return std::make_unique<SuccessiveHalvingPruner>(halving_options(spec, "hyperband"));
       }},
  };
  return pruners;
}

}  // namespace

const std::vector<std::string>& pruner_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, factory] : registry()) out.push_back(name);
    return out;
  }();
  return names;
}

std::unique_ptr<Pruner> make_pruner(const std::string& name, const Spec& spec) {
  for (const auto& [known, factory] : registry())
    if (known == name) return factory(spec);
  std::string known;
  for (const auto& n : pruner_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown pruner \"" + name + "\"; known: " + known);
}

std::vector<std::unique_ptr<Pruner>> sweep_pruners(const Spec& spec) {
  std::vector<std::unique_ptr<Pruner>> pruners;
  pruners.push_back(make_pruner("divergence", spec));
  if (spec.pruning_method != "none") pruners.push_back(make_pruner(spec.pruning_method, spec));
  return pruners;
}

}  // namespace sweep::runner
