#include "runner/trial_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "engine/callbacks/early_stopping.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/model.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

// The divergence rule. A non-finite batch loss stops the trial at once (it
// never recovers: the weights are no longer finite); on the first batch,
// before any update, it is a setup error, not a learning rate. A finite loss
// is divergence only when it stayed far above where it started for whole
// epochs while the model learnt nothing: `epochs` epochs in a row in which
// every batch's loss exceeded factor x the first batch's loss and the
// accuracy stayed at chance (<= dead_accuracy). A loss that spikes, or stays
// huge while the classifier still classifies, is not stopped: on the truth
// corpus such trials often end within the margin of the best (README).
class DivergenceCheck : public engine::Callback {
 public:
  DivergenceCheck(const TrialSettings& settings, std::string accuracy_key)
      : finite_rule_(settings.divergence && !accuracy_key.empty() &&
                     std::isfinite(settings.dead_accuracy)),
        factor_(settings.divergence_factor),
        epochs_(std::max(1, settings.divergence_epochs)),
        dead_accuracy_(settings.dead_accuracy),
        accuracy_key_(std::move(accuracy_key)) {}
  void on_epoch_begin(int) override {
    all_above_ = true;
    batches_ = 0;
  }
  bool on_batch_end(int epoch, int batch, double loss) override {
    if (!first_loss_) {
      first_loss_ = loss;
      if (!std::isfinite(loss)) {
        setup_error_ = true;
        divergence_ = reports::Divergence{epoch, batch, loss};
        return false;
      }
    }
    if (!std::isfinite(loss)) {
      divergence_ = reports::Divergence{epoch, batch, loss};
      return false;
    }
    if (!(loss > factor_ * *first_loss_)) all_above_ = false;
    ++batches_;
    last_ = reports::Divergence{epoch, batch, loss};
    return true;
  }
  bool on_epoch_end(const engine::EpochLog& log) override {
    if (!finite_rule_) return true;
    const auto accuracy = log.values.find(accuracy_key_);
    const bool dead = all_above_ && batches_ > 0 && accuracy != log.values.end() &&
                      accuracy->second <= dead_accuracy_;
    dead_epochs_ = dead ? dead_epochs_ + 1 : 0;
    if (dead_epochs_ < epochs_) return true;
    divergence_ = last_;
    return false;
  }
  std::string stop_reason() const override { return "diverged"; }
  const std::optional<reports::Divergence>& divergence() const { return divergence_; }
  bool setup_error() const { return setup_error_; }

 private:
  bool finite_rule_;
  double factor_;
  int epochs_;
  double dead_accuracy_;
  std::string accuracy_key_;
  bool all_above_ = true;
  int batches_ = 0;
  int dead_epochs_ = 0;
  bool setup_error_ = false;
  std::optional<double> first_loss_;
  reports::Divergence last_;
  std::optional<reports::Divergence> divergence_;
};

reports::EpochRecord to_record(const engine::EpochLog& log) {
  reports::EpochRecord record;
  record.epoch = log.epoch;
  record.learning_rate = log.learning_rate;
  record.seconds = log.seconds;
  record.metrics = log.values;
  record.loss_trace = log.loss_trace;
  return record;
}

// Hands every finished epoch to the runner when the next one begins, and polls
// for Ctrl-C. The epoch that no other follows stays in `last`: the runner
// records it with the trial's outcome, one transaction instead of two.
class RunnerHook : public engine::Callback {
 public:
  RunnerHook(const TrialHooks& hooks, std::optional<reports::EpochRecord>& last)
      : hooks_(hooks), last_(last) {}
  void on_epoch_begin(int) override {
    if (!last_) return;
    const reports::EpochRecord record = std::move(*last_);
    last_.reset();
    if (hooks_.on_epoch) hooks_.on_epoch(record);
  }
  bool on_batch_end(int, int, double) override {
    if (hooks_.should_stop && hooks_.should_stop()) {
      interrupted_ = true;
      return false;
    }
    return true;
  }
  bool on_epoch_end(const engine::EpochLog& log) override {
    last_ = to_record(log);
    return true;
  }
  std::string stop_reason() const override { return "interrupted"; }
  bool interrupted() const { return interrupted_; }

 private:
  const TrialHooks& hooks_;
  std::optional<reports::EpochRecord>& last_;
  bool interrupted_ = false;
};

}  // namespace

double dead_accuracy(std::span<const std::int32_t> labels) {
  if (labels.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::map<std::int32_t, std::size_t> counts;
  for (std::int32_t label : labels) ++counts[label];
  std::size_t most = 0;
  for (const auto& [label, count] : counts) most = std::max(most, count);
  const double n = static_cast<double>(labels.size());
  const double chance = static_cast<double>(most) / n;
  return chance + std::max(0.02, 2.0 * std::sqrt(chance * (1.0 - chance) / n));
}

engine::Component to_component(const json& object, const std::string& name_key) {
  engine::Component component;
  component.name = object.at(name_key).get<std::string>();
  for (const auto& [key, value] : object.items()) {
    if (key == name_key) continue;
    if (value.is_boolean()) {
      component.params[key] = value.get<bool>();
    } else if (value.is_number()) {
      component.params[key] = value.get<double>();
    } else if (value.is_string()) {
      component.params[key] = value.get<std::string>();
    }
  }
  return component;
}

std::size_t output_units(const json& model) {
  std::size_t units = 0;
  for (const auto& layer : model["layers"]) {
    if (layer.contains("units")) units = layer["units"].get<std::size_t>();
  }
  return units;
}

TrialResult run_trial(const TrialSettings& settings, const engine::Dataset& data,
                      const TrialHooks& hooks) {
  TrialResult result;
  const auto start = std::chrono::steady_clock::now();
  try {
    const json& config = settings.config;
    const json& training = config["training"];
    engine::Rng rng(settings.seed);
    engine::Sequential model;
    for (const auto& layer : config["model"]["layers"])
      model.add(engine::make_layer(to_component(layer, "type")));
    model.build(data.features, rng);
    std::vector<engine::Component> metrics;
    for (const auto& metric : training["metrics"]) metrics.push_back(to_component(metric));
    model.compile(engine::make_optimizer(to_component(training["optimizer"])),
                  engine::make_loss(to_component(training["loss"])), metrics);

    engine::FitOptions options;
    options.epochs = training["epochs"].get<int>();
    options.batch_size = training["batch_size"].get<int>();
    options.shuffle = training.value("shuffle", true);
    options.best_monitor = settings.objective_metric;
    options.best_maximize = settings.maximize;
    options.schedule = engine::schedule_factory(to_component(training["schedule"]));

    const engine::Split* validation = data.validation.rows() > 0 ? &data.validation : nullptr;
    DivergenceCheck divergence(settings, validation != nullptr ? "val_accuracy" : "accuracy");
    RunnerHook hook(hooks, result.outcome.final_epoch);
    std::unique_ptr<engine::EarlyStopping> early_stopping;
    std::vector<engine::Callback*> callbacks;
    // The hook first: an epoch the divergence check ends training after is
    // still handed to the store.
    callbacks.push_back(&hook);
    callbacks.push_back(&divergence);
    if (training.contains("early_stopping")) {
      const json& es = training["early_stopping"];
      engine::EarlyStoppingOptions es_options;
      es_options.monitor = es["monitor"].get<std::string>();
      es_options.patience = es["patience"].get<int>();
      es_options.min_delta = es["min_delta"].get<double>();
      es_options.mode = es["mode"].get<std::string>();
      es_options.restore_best_weights = es["restore_best_weights"].get<bool>();
      early_stopping = std::make_unique<engine::EarlyStopping>(es_options);
      callbacks.push_back(early_stopping.get());
    }

    const engine::History history = model.fit(data.train, validation, options, rng, callbacks);
    result.epochs = static_cast<int>(history.epochs.size());
    result.outcome.best_epoch = history.best_epoch;
    if (history.best_epoch > 0) {
      const auto& values = history.epochs[static_cast<std::size_t>(history.best_epoch - 1)].values;
      if (const auto found = values.find(settings.objective_metric); found != values.end()) {
        result.outcome.objective = found->second;
      }
    }
    if (divergence.setup_error()) {
      result.outcome.status = TrialStatus::failed;
      result.outcome.error = fmt::format(
          "the loss was {} on the first batch, before any update: the model and loss do not fit "
          "(check the output layer's activation against the loss), not a learning-rate problem",
          std::isnan(divergence.divergence()->loss) ? "nan" : "inf");
    } else if (divergence.divergence()) {
      result.outcome.status = TrialStatus::diverged;
      result.outcome.divergence = divergence.divergence();
      // The epoch the stop cut short, so the report draws how the loss exploded.
      if (history.partial_epoch) result.outcome.final_epoch = to_record(*history.partial_epoch);
    } else if (hook.interrupted()) {
      result.outcome.status = TrialStatus::interrupted;
    } else {
      result.outcome.status = TrialStatus::completed;
      if (data.test.rows() > 0) {
        if (model.has_best_weights()) model.restore_best_weights();
        result.outcome.test_metrics = model.evaluate(data.test);
      }
    }
  } catch (const std::exception& e) {
    result.outcome.status = TrialStatus::failed;
    result.outcome.error = e.what();
  } catch (...) {
    result.outcome.status = TrialStatus::failed;
    result.outcome.error = "unknown error";
  }
  result.outcome.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace sweep::runner
