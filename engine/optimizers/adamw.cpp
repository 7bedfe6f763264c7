#include "engine/optimizers/adamw.hpp"

#include "engine/optimizers/optimizer_detail.hpp"

namespace sweep::engine {

AdamW::AdamW(OptimizerCommon common, AdamOptions options) : Adam("adamw", common, options) {}

ComponentSpec AdamW::spec() {
  return {
      .name = "adamw", .params = param_specs(0.004), .help = "Adam with decoupled weight decay"};
}

std::unique_ptr<Optimizer> AdamW::create(const ParamReader& reader) {
  return std::make_unique<AdamW>(detail::read_common(reader), read_options(reader));
}

}  // namespace sweep::engine
