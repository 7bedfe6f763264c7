#include "runner/search/grid_sampler.hpp"

#include "runner/search/trial_builder.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

void grid(const Spec& spec, detail::TrialBuilder& builder, const OptimizerChoice* choice) {
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
    builder.add(choice, values);
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

}  // namespace

std::vector<TrialPlan> GridSampler::plan(const Spec& spec) const {
  detail::TrialBuilder builder(spec);
  if (spec.optimizers.empty()) {
    grid(spec, builder, nullptr);
  } else {
    for (const auto& choice : spec.optimizers) grid(spec, builder, &choice);
  }
  return builder.take();
}

}  // namespace sweep::runner
