#include "runner/trial_runner.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "engine/callbacks/early_stopping.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/model.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

// Stops a trial whose loss is not finite or exceeds factor x the first
// batch's loss (computed before any update): the lesson's "too high".
class DivergenceCheck : public engine::Callback {
 public:
  explicit DivergenceCheck(double factor) : factor_(factor) {}
  bool on_batch_end(int epoch, int batch, double loss) override {
    if (!first_loss_) first_loss_ = loss;
    if (!std::isfinite(loss) || (std::isfinite(*first_loss_) && loss > factor_ * *first_loss_)) {
      divergence_ = reports::Divergence{epoch, batch, loss};
      return false;
    }
    return true;
  }
  std::string stop_reason() const override { return "diverged"; }
  const std::optional<reports::Divergence>& divergence() const { return divergence_; }

 private:
  double factor_;
  std::optional<double> first_loss_;
  std::optional<reports::Divergence> divergence_;
};

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
    reports::EpochRecord& record = last_.emplace();
    record.epoch = log.epoch;
    record.learning_rate = log.learning_rate;
    record.seconds = log.seconds;
    record.metrics = log.values;
    record.loss_trace = log.loss_trace;
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
    const auto rows = static_cast<long long>(data.train.rows());
    const long long steps_per_epoch = (rows + options.batch_size - 1) / options.batch_size;
    options.schedule = engine::make_schedule(to_component(training["schedule"]),
                                             training["optimizer"]["learning_rate"].get<double>(),
                                             steps_per_epoch);

    DivergenceCheck divergence(settings.divergence_factor);
    RunnerHook hook(hooks, result.outcome.final_epoch);
    std::unique_ptr<engine::EarlyStopping> early_stopping;
    std::vector<engine::Callback*> callbacks;
    if (settings.divergence) callbacks.push_back(&divergence);
    callbacks.push_back(&hook);
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

    const engine::Split* validation = data.validation.rows() > 0 ? &data.validation : nullptr;
    const engine::History history = model.fit(data.train, validation, options, rng, callbacks);
    result.epochs = static_cast<int>(history.epochs.size());
    result.outcome.best_epoch = history.best_epoch;
    if (history.best_epoch > 0) {
      const auto& values = history.epochs[static_cast<std::size_t>(history.best_epoch - 1)].values;
      if (const auto found = values.find(settings.objective_metric); found != values.end()) {
        result.outcome.objective = found->second;
      }
    }
    if (divergence.divergence()) {
      result.outcome.status = TrialStatus::diverged;
      result.outcome.divergence = divergence.divergence();
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
