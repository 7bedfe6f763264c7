#include "engine/schedules/step_decay.hpp"

#include <cmath>

namespace sweep::engine {

StepDecay::StepDecay(double base_learning_rate, StepDecayOptions options)
    : base_(base_learning_rate), options_(options) {}

double StepDecay::learning_rate(long long /*step*/, int epoch) const {
  const long long drops = epoch / options_.every_epochs;
  return base_ * std::pow(options_.factor, static_cast<double>(drops));
}

ComponentSpec StepDecay::spec() {
  return {.name = "step_decay",
          .params = {{.name = "factor",
                      .default_value = 0.5,
                      .min = 0.0,
                      .max = 1.0,
                      .min_exclusive = true,
                      .choices = {},
                      .help = "multiplies the rate at every drop"},
                     {.name = "every_epochs",
                      .kind = ParamSpec::Kind::integer,
                      .default_value = 10.0,
                      .min = 1.0,
                      .choices = {},
                      .help = "epochs between drops"}},
          .help = "multiply the rate by factor every every_epochs epochs"};
}

std::unique_ptr<Schedule> StepDecay::create(const ParamReader& reader, double base_learning_rate,
                                            long long /*steps_per_epoch*/) {
  return std::make_unique<StepDecay>(
      base_learning_rate, StepDecayOptions{.factor = reader.number("factor"),
                                           .every_epochs = reader.integer("every_epochs")});
}

}  // namespace sweep::engine
