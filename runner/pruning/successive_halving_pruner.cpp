#include "runner/pruning/successive_halving_pruner.hpp"

#include "runner/spec/spec.hpp"

namespace sweep::runner {

std::unique_ptr<TrialPruner> SuccessiveHalvingPruner::start(const TrialContext& /*trial*/) const {
  return std::make_unique<TrialPruner>();
}

HalvingOptions halving_options(const Spec& spec, const std::string& method) {
  HalvingOptions options;
  options.method = method;
  options.min_epochs = spec.min_epochs;
  options.reduction_factor = spec.reduction_factor;
  options.epochs = spec.resolved["training"]["epochs"].get<int>();
  return options;
}

}  // namespace sweep::runner
