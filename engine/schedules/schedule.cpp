// The schedule registry: name -> spec and factory.
#include "engine/schedules/schedule.hpp"

#include <cmath>
#include <sstream>

#include "engine/errors.hpp"
#include "engine/schedules/constant_schedule.hpp"
#include "engine/schedules/cosine_decay.hpp"
#include "engine/schedules/exponential_decay.hpp"
#include "engine/schedules/reduce_on_plateau.hpp"
#include "engine/schedules/step_decay.hpp"

namespace sweep::engine {
namespace {

struct Entry {
  ComponentSpec (*spec)();
  std::unique_ptr<Schedule> (*create)(const ParamReader&, double, long long);
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> table{
      {&ConstantSchedule::spec, &ConstantSchedule::create},
      {&StepDecay::spec, &StepDecay::create},
      {&ExponentialDecay::spec, &ExponentialDecay::create},
      {&CosineDecay::spec, &CosineDecay::create},
      {&ReduceOnPlateau::spec, &ReduceOnPlateau::create},
  };
  return table;
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

const std::vector<ComponentSpec>& schedule_specs() {
  static const std::vector<ComponentSpec> specs = [] {
    std::vector<ComponentSpec> all;
    for (const auto& entry : entries()) all.push_back(entry.spec());
    return all;
  }();
  return specs;
}

std::unique_ptr<Schedule> make_schedule(const Component& component, double base_learning_rate,
                                        long long steps_per_epoch) {
  const auto& specs = schedule_specs();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name != component.name) continue;
    const ParamReader reader(specs[i], component.params);
    if (!(base_learning_rate > 0.0) || !std::isfinite(base_learning_rate)) {
      throw ConfigError(component.name + ": base learning rate " +
                        format_number(base_learning_rate) +
                        " is not accepted; expected a number > 0");
    }
    if (steps_per_epoch < 1) {
      throw ConfigError(component.name + ": steps_per_epoch " + std::to_string(steps_per_epoch) +
                        " is not accepted; expected an integer >= 1");
    }
    return entries()[i].create(reader, base_learning_rate, steps_per_epoch);
  }
  std::vector<std::string> names;
  for (const auto& spec : specs) names.push_back(spec.name);
  std::string message = "unknown schedule \"" + component.name + "\"";
  if (auto guess = did_you_mean(component.name, names)) {
    message += "; did you mean \"" + *guess + "\"?";
  }
  throw ConfigError(message + "; known: " + join(names));
}

}  // namespace sweep::engine
