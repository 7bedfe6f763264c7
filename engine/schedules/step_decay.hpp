// Step decay by epoch (the classic Keras LearningRateScheduler recipe):
//   lr(epoch) = base * factor ^ floor(epoch / every_epochs)
// so with the defaults the rate halves after epochs 10, 20, ... (0-based).
#pragma once

#include <memory>

#include "engine/schedules/schedule.hpp"

namespace sweep::engine {

struct StepDecayOptions {
  double factor = 0.5;
  long long every_epochs = 10;
};

class StepDecay : public Schedule {
 public:
  StepDecay(double base_learning_rate, StepDecayOptions options);
  double learning_rate(long long step, int epoch) const override;

  static ComponentSpec spec();
  static std::unique_ptr<Schedule> create(const ParamReader& reader, double base_learning_rate,
                                          long long steps_per_epoch);

 private:
  double base_;
  StepDecayOptions options_;
};

}  // namespace sweep::engine
