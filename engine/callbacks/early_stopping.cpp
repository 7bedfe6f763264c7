#include "engine/callbacks/early_stopping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "engine/epoch_log.hpp"
#include "engine/errors.hpp"
#include "engine/losses/loss.hpp"
#include "engine/metrics/metric.hpp"

namespace sweep::engine {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

ParamSpec param(std::string name, ParamSpec::Kind kind, ParamValue default_value,
                std::string help) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.default_value = std::move(default_value);
  spec.help = std::move(help);
  return spec;
}

}  // namespace

ComponentSpec EarlyStopping::spec() {
  using Kind = ParamSpec::Kind;
  ComponentSpec s;
  s.name = "early_stopping";
  s.help = "stop when a logged value stops improving";
  s.params.push_back(
      param("monitor", Kind::string, std::string{"val_loss"}, "the log key watched"));
  s.params.push_back(
      param("patience", Kind::integer, 0.0, "epochs without improvement before stopping"));
  s.params.back().min = 0;
  s.params.push_back(
      param("min_delta", Kind::number, 0.0, "smallest change that counts as improvement"));
  s.params.back().min = 0;
  s.params.push_back(param("mode", Kind::string, std::string{"auto"}, "direction of improvement"));
  s.params.back().choices = {"auto", "min", "max"};
  s.params.push_back(param("restore_best_weights", Kind::boolean, false,
                           "on stopping, go back to the best epoch's weights"));
  return s;
}

std::unique_ptr<Callback> EarlyStopping::create(const ParamReader& reader) {
  return std::make_unique<EarlyStopping>(
      EarlyStoppingOptions{.monitor = reader.string("monitor"),
                           .patience = static_cast<int>(reader.integer("patience")),
                           .min_delta = reader.number("min_delta"),
                           .mode = reader.string("mode"),
                           .restore_best_weights = reader.boolean("restore_best_weights")});
}

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {
  if (options_.patience < 0) {
    throw ConfigError("early_stopping.patience: " + std::to_string(options_.patience) +
                      " is not accepted; expected an integer >= 0");
  }
  if (!(options_.min_delta >= 0.0)) {
    throw ConfigError(
        "early_stopping.min_delta: a negative value is not accepted; expected a number >= 0");
  }
  if (options_.mode == "max") {
    maximize_ = true;
  } else if (options_.mode == "min") {
    maximize_ = false;
  } else if (options_.mode == "auto") {
    std::string metric = options_.monitor;
    if (metric.rfind("val_", 0) == 0) metric = metric.substr(4);
    if (metric == "loss" || contains(loss_names(), metric)) {
      maximize_ = false;
    } else if (contains(metric_names(), metric)) {
      maximize_ = true;
    } else {
      throw ConfigError("early_stopping: cannot tell whether \"" + options_.monitor +
                        "\" should fall or rise; set mode to \"min\" or \"max\"");
    }
  } else {
    throw ConfigError("early_stopping.mode: \"" + options_.mode +
                      "\" is not accepted; expected one of: auto, min, max");
  }
  on_train_begin();
}

void EarlyStopping::on_train_begin() {
  best_ = maximize_ ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  best_epoch_ = 0;
  wait_ = 0;
  stopped_epoch_ = 0;
  first_epoch_ = 0;
}

bool EarlyStopping::on_epoch_end(const EpochLog& log) {
  if (first_epoch_ == 0) first_epoch_ = log.epoch;
  const auto found = log.values.find(options_.monitor);
  if (found == log.values.end()) return true;  // as Keras: warn-free no-op
  const double current = found->second;
  ++wait_;
  // Keras: improvement when (current - min_delta) beats best for max mode,
  // (current + min_delta) for min mode; NaN never improves.
  const bool improved =
      maximize_ ? current - options_.min_delta > best_ : current + options_.min_delta < best_;
  if (improved) {
    best_ = current;
    best_epoch_ = log.epoch;
    wait_ = 0;
    return true;
  }
  if (wait_ >= options_.patience && log.epoch > first_epoch_) {
    stopped_epoch_ = log.epoch;
    return false;
  }
  return true;
}

std::string EarlyStopping::stop_reason() const {
  if (stopped_epoch_ == 0) return {};
  std::ostringstream out;
  out << "early stopping: " << options_.monitor << " did not improve for " << wait_
      << (wait_ == 1 ? " epoch" : " epochs");
  if (best_epoch_ > 0) out << " (best " << best_ << " at epoch " << best_epoch_ << ")";
  return out.str();
}

bool EarlyStopping::wants_best_weights_restored() const {
  return options_.restore_best_weights && stopped_epoch_ > 0 && best_epoch_ > 0;
}

}  // namespace sweep::engine
