#include "engine/schedules/constant_schedule.hpp"

namespace sweep::engine {

double ConstantSchedule::learning_rate(long long /*step*/, int /*epoch*/) const {
  return rate_;
}

ComponentSpec ConstantSchedule::spec() {
  return {.name = "constant", .params = {}, .help = "the optimizer's learning_rate throughout"};
}

std::unique_ptr<Schedule> ConstantSchedule::create(const ParamReader& /*reader*/,
                                                   double base_learning_rate,
                                                   long long /*steps_per_epoch*/) {
  return std::make_unique<ConstantSchedule>(base_learning_rate);
}

}  // namespace sweep::engine
