#include "engine/schedules/reduce_on_plateau.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "engine/errors.hpp"

namespace sweep::engine {
namespace {

bool higher_is_better(const std::string& monitor) {
  static constexpr std::array<const char*, 5> kMaximized{"acc", "precision", "recall", "f1", "auc"};
  return std::any_of(kMaximized.begin(), kMaximized.end(),
                     [&](const char* word) { return monitor.find(word) != std::string::npos; });
}

}  // namespace

ReduceOnPlateau::ReduceOnPlateau(double base_learning_rate, ReduceOnPlateauOptions options)
    : options_(std::move(options)),
      maximize_(options_.mode == "max" ||
                (options_.mode == "auto" && higher_is_better(options_.monitor))),
      rate_(base_learning_rate),
      best_(maximize_ ? -std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::infinity()) {}

double ReduceOnPlateau::learning_rate(long long /*step*/, int /*epoch*/) const {
  return rate_;
}

bool ReduceOnPlateau::improved(double value) const {
  return maximize_ ? value > best_ + options_.min_delta : value < best_ - options_.min_delta;
}

void ReduceOnPlateau::on_epoch_end(int /*epoch*/, const std::map<std::string, double>& logs) {
  const auto found = logs.find(options_.monitor);
  if (found == logs.end()) {
    std::vector<std::string> logged;
    logged.reserve(logs.size());
    for (const auto& [key, value] : logs) logged.push_back(key);
    throw TrainingError("reduce_on_plateau: monitor \"" + options_.monitor +
                        "\" is not in the epoch's logs; logged: " +
                        (logged.empty() ? std::string{"nothing"} : join(logged)));
  }
  const double value = found->second;
  if (cooldown_left_ > 0) {
    --cooldown_left_;
    wait_ = 0;
  }
  // Keras checks the cooldown again after counting it down, so a cooldown of
  // c suspends the wait for c - 1 epochs; kept for identical behaviour.
  if (improved(value)) {
    best_ = value;
    wait_ = 0;
  } else if (cooldown_left_ == 0) {
    ++wait_;
    if (wait_ >= options_.patience && rate_ > options_.min_lr) {
      rate_ = std::max(rate_ * options_.factor, options_.min_lr);
      cooldown_left_ = options_.cooldown;
      wait_ = 0;
    }
  }
}

ComponentSpec ReduceOnPlateau::spec() {
  return {.name = "reduce_on_plateau",
          .params = {{.name = "monitor",
                      .kind = ParamSpec::Kind::string,
                      .default_value = std::string{"val_loss"},
                      .choices = {},
                      .help = "the epoch log to watch (loss, val_loss, val_accuracy, ...)"},
                     {.name = "mode",
                      .kind = ParamSpec::Kind::string,
                      .default_value = std::string{"auto"},
                      .choices = {"auto", "min", "max"},
                      .help = "whether lower or higher is better; auto guesses from the name"},
                     {.name = "factor",
                      .default_value = 0.1,
                      .min = 0.0,
                      .max = 1.0,
                      .min_exclusive = true,
                      .max_exclusive = true,
                      .choices = {},
                      .help = "multiplies the rate at every reduction"},
                     {.name = "patience",
                      .kind = ParamSpec::Kind::integer,
                      .default_value = 10.0,
                      .min = 0.0,
                      .choices = {},
                      .help = "epochs without improvement before a reduction"},
                     {.name = "min_delta",
                      .default_value = 1e-4,
                      .min = 0.0,
                      .choices = {},
                      .help = "smallest change that counts as an improvement"},
                     {.name = "cooldown",
                      .kind = ParamSpec::Kind::integer,
                      .default_value = 0.0,
                      .min = 0.0,
                      .choices = {},
                      .help = "epochs after a reduction during which waiting is suspended"},
                     {.name = "min_lr",
                      .default_value = 0.0,
                      .min = 0.0,
                      .choices = {},
                      .help = "the rate is never reduced below this"}},
          .help = "divide the rate when the monitored metric plateaus (Keras ReduceLROnPlateau)"};
}

std::unique_ptr<Schedule> ReduceOnPlateau::create(const ParamReader& reader,
                                                  double base_learning_rate,
                                                  long long /*steps_per_epoch*/) {
  return std::make_unique<ReduceOnPlateau>(
      base_learning_rate, ReduceOnPlateauOptions{.monitor = reader.string("monitor"),
                                                 .mode = reader.string("mode"),
                                                 .factor = reader.number("factor"),
                                                 .patience = reader.integer("patience"),
                                                 .min_delta = reader.number("min_delta"),
                                                 .cooldown = reader.integer("cooldown"),
                                                 .min_lr = reader.number("min_lr")});
}

}  // namespace sweep::engine
