// Learning-rate schedules. The trainer asks for the rate of each step
// (0-based global step, 0-based epoch) and reports every finished epoch's logs,
// which reduce-on-plateau reads. One schedule belongs to one fit: FitOptions
// holds a ScheduleFactory, and each fit makes its own.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/params.hpp"

namespace sweep::engine {

class Schedule {
 public:
  virtual ~Schedule() = default;
  virtual double learning_rate(long long step, int epoch) const = 0;
  // Called after every epoch with that epoch's logs ("loss", "val_loss", ...).
  virtual void on_epoch_end(int /*epoch*/, const std::map<std::string, double>& /*logs*/) {}
};

// Names: constant, step_decay, exponential_decay, cosine_decay, reduce_on_plateau.
// The base rate is the optimizer's learning_rate; `steps_per_epoch` lets
// epoch-based parameters be given.
const std::vector<ComponentSpec>& schedule_specs();
std::unique_ptr<Schedule> make_schedule(const Component& component, double base_learning_rate,
                                        long long steps_per_epoch);  // throws ConfigError

// Makes a fit's schedule from the optimizer's learning_rate and the fit's
// steps per epoch (FitOptions::schedule): every fit starts its own.
using ScheduleFactory =
    std::function<std::unique_ptr<Schedule>(double base_learning_rate, long long steps_per_epoch)>;
// make_schedule(component, ...) as a factory. The name and parameters are
// checked now (throws ConfigError); the rate and steps when a fit calls it.
ScheduleFactory schedule_factory(Component component);

}  // namespace sweep::engine
