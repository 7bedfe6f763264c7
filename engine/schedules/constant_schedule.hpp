// The default schedule: the optimizer's learning_rate at every step.
#pragma once

#include <memory>

#include "engine/schedules/schedule.hpp"

namespace sweep::engine {

class ConstantSchedule : public Schedule {
 public:
  explicit ConstantSchedule(double base_learning_rate) : rate_(base_learning_rate) {}
  double learning_rate(long long step, int epoch) const override;

  static ComponentSpec spec();
  static std::unique_ptr<Schedule> create(const ParamReader& reader, double base_learning_rate,
                                          long long steps_per_epoch);

 private:
  double rate_;
};

}  // namespace sweep::engine
