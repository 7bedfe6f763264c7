#include "engine/schedules/exponential_decay.hpp"

#include <cmath>

namespace sweep::engine {

ExponentialDecay::ExponentialDecay(double base_learning_rate, ExponentialDecayOptions options)
    : base_(base_learning_rate), options_(options) {}

double ExponentialDecay::learning_rate(long long step, int /*epoch*/) const {
  double exponent = static_cast<double>(step) / static_cast<double>(options_.decay_steps);
  if (options_.staircase) exponent = std::floor(exponent);
  return base_ * std::pow(options_.decay_rate, exponent);
}

ComponentSpec ExponentialDecay::spec() {
  return {
      .name = "exponential_decay",
      .params = {{.name = "decay_steps",
                  .kind = ParamSpec::Kind::integer,
                  .default_value = 0.0,
                  .min = 0.0,
                  .choices = {},
                  .help = "steps per factor of decay_rate; 0 = one epoch"},
                 {.name = "decay_rate",
                  .default_value = 0.96,
                  .min = 0.0,
                  .min_exclusive = true,
                  .choices = {},
                  .help = "factor applied every decay_steps steps"},
                 {.name = "staircase",
                  .kind = ParamSpec::Kind::boolean,
                  .default_value = false,
                  .choices = {},
                  .help = "decay in whole steps of decay_steps, not continuously"}},
      .help = "multiply the rate by decay_rate every decay_steps steps (Keras ExponentialDecay)"};
}

std::unique_ptr<Schedule> ExponentialDecay::create(const ParamReader& reader,
                                                   double base_learning_rate,
                                                   long long steps_per_epoch) {
  const long long decay_steps = reader.integer("decay_steps");
  return std::make_unique<ExponentialDecay>(
      base_learning_rate,
      ExponentialDecayOptions{.decay_steps = decay_steps == 0 ? steps_per_epoch : decay_steps,
                              .decay_rate = reader.number("decay_rate"),
                              .staircase = reader.boolean("staircase")});
}

}  // namespace sweep::engine
