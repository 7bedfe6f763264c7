// Exponential decay by step, as Keras's ExponentialDecay:
//   lr(step) = base * decay_rate ^ (step / decay_steps)
// with the exponent floored when staircase is set. decay_steps 0 (the
// default) means one epoch, since a step count means little before the
// dataset and batch size are known.
#pragma once

#include <memory>

#include "engine/schedules/schedule.hpp"

namespace sweep::engine {

struct ExponentialDecayOptions {
  long long decay_steps = 1;
  double decay_rate = 0.96;
  bool staircase = false;
};

class ExponentialDecay : public Schedule {
 public:
  ExponentialDecay(double base_learning_rate, ExponentialDecayOptions options);
  double learning_rate(long long step, int epoch) const override;
  const ExponentialDecayOptions& options() const { return options_; }

  static ComponentSpec spec();
  static std::unique_ptr<Schedule> create(const ParamReader& reader, double base_learning_rate,
                                          long long steps_per_epoch);

 private:
  double base_;
  ExponentialDecayOptions options_;
};

}  // namespace sweep::engine
