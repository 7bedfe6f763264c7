// The schedule registry: name -> spec and factory.
#include "engine/schedules/schedule.hpp"

#include <cmath>
#include <sstream>

#include "engine/errors.hpp"
#include "engine/registry.hpp"
#include "engine/schedules/constant_schedule.hpp"
#include "engine/schedules/cosine_decay.hpp"
#include "engine/schedules/exponential_decay.hpp"
#include "engine/schedules/reduce_on_plateau.hpp"
#include "engine/schedules/step_decay.hpp"

namespace sweep::engine {
namespace {

using ScheduleRegistry = Registry<std::unique_ptr<Schedule>, double, long long>;
using Create = std::unique_ptr<Schedule> (*)(const ParamReader&, double, long long);

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// An entry whose factory first checks what every schedule is given: a base
// rate > 0 and at least one step per epoch (after the parameters, which the
// registry checks before any factory runs).
ScheduleRegistry::Entry entry(const ComponentSpec& spec, Create create) {
  return {spec, [name = spec.name, create](const ParamReader& reader, double base_learning_rate,
                                           long long steps_per_epoch) {
            if (!(base_learning_rate > 0.0) || !std::isfinite(base_learning_rate)) {
              throw ConfigError(name + ": base learning rate " + format_number(base_learning_rate) +
                                " is not accepted; expected a number > 0");
            }
            if (steps_per_epoch < 1) {
              throw ConfigError(name + ": steps_per_epoch " + std::to_string(steps_per_epoch) +
                                " is not accepted; expected an integer >= 1");
            }
            return create(reader, base_learning_rate, steps_per_epoch);
          }};
}

const ScheduleRegistry& registry() {
  static const ScheduleRegistry schedules{
      "schedule",
      {
          entry(ConstantSchedule::spec(), &ConstantSchedule::create),
          entry(StepDecay::spec(), &StepDecay::create),
          entry(ExponentialDecay::spec(), &ExponentialDecay::create),
          entry(CosineDecay::spec(), &CosineDecay::create),
          entry(ReduceOnPlateau::spec(), &ReduceOnPlateau::create),
      }};
  return schedules;
}

}  // namespace

const std::vector<ComponentSpec>& schedule_specs() {
  return registry().specs();
}

std::unique_ptr<Schedule> make_schedule(const Component& component, double base_learning_rate,
                                        long long steps_per_epoch) {
  return registry().make(component, base_learning_rate, steps_per_epoch);
}

ScheduleFactory schedule_factory(Component component) {
  registry().check(component);
  return [component = std::move(component)](double base_learning_rate, long long steps_per_epoch) {
    return make_schedule(component, base_learning_rate, steps_per_epoch);
  };
}

}  // namespace sweep::engine
