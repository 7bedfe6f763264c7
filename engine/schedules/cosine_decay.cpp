#include "engine/schedules/cosine_decay.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sweep::engine {

CosineDecay::CosineDecay(double base_learning_rate, CosineDecayOptions options)
    : base_(base_learning_rate), options_(options) {}

double CosineDecay::learning_rate(long long step, int /*epoch*/) const {
  if (step < options_.warmup_steps) {
    return base_ * static_cast<double>(step) / static_cast<double>(options_.warmup_steps);
  }
  const long long into_decay = std::min(step - options_.warmup_steps, options_.decay_steps);
  const double fraction =
      static_cast<double>(into_decay) / static_cast<double>(options_.decay_steps);
  const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * fraction));
  return base_ * ((1.0 - options_.alpha) * cosine + options_.alpha);
}

ComponentSpec CosineDecay::spec() {
  return {.name = "cosine_decay",
          .params = {{.name = "decay_steps",
                      .kind = ParamSpec::Kind::integer,
                      .default_value = 0.0,
                      .min = 0.0,
                      .choices = {},
                      .help = "length of the cosine in steps; 0 = decay_epochs epochs"},
                     {.name = "decay_epochs",
                      .default_value = 10.0,
                      .min = 0.0,
                      .min_exclusive = true,
                      .choices = {},
                      .help = "length of the cosine in epochs, used when decay_steps is 0"},
                     {.name = "alpha",
                      .default_value = 0.0,
                      .min = 0.0,
                      .max = 1.0,
                      .choices = {},
                      .help = "final rate as a fraction of the base rate"},
                     {.name = "warmup_steps",
                      .kind = ParamSpec::Kind::integer,
                      .default_value = 0.0,
                      .min = 0.0,
                      .choices = {},
                      .help = "steps of linear warm-up from 0 to the base rate"}},
          .help = "linear warm-up, then half a cosine from the base rate to alpha * base"};
}

std::unique_ptr<Schedule> CosineDecay::create(const ParamReader& reader, double base_learning_rate,
                                              long long steps_per_epoch) {
  long long decay_steps = reader.integer("decay_steps");
  if (decay_steps == 0) {
    decay_steps = std::max<long long>(
        1, std::llround(reader.number("decay_epochs") * static_cast<double>(steps_per_epoch)));
  }
  return std::make_unique<CosineDecay>(
      base_learning_rate, CosineDecayOptions{.decay_steps = decay_steps,
                                             .alpha = reader.number("alpha"),
                                             .warmup_steps = reader.integer("warmup_steps")});
}

}  // namespace sweep::engine
