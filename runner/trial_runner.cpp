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
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "engine/callbacks/early_stopping.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/model.hpp"
#include "runner/model/saved_model.hpp"
#include "runner/pruning/pruner.hpp"
#include "runner/pruning/rung_replay.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

// Asks the sweep's pruners after every batch and every epoch; the first
// verdict other than keep stops training and is kept for the outcome.
class PruningCallback : public engine::Callback {
 public:
  explicit PruningCallback(std::vector<std::unique_ptr<TrialPruner>> pruners)
      : pruners_(std::move(pruners)) {}
  bool on_batch_end(int epoch, int batch, double loss) override {
    for (auto& pruner : pruners_)
      if (!take(pruner->after_batch(epoch, batch, loss))) return false;
    return true;
  }
  bool on_epoch_end(const engine::EpochLog& log) override {
    for (auto& pruner : pruners_)
      if (!take(pruner->after_epoch(log))) return false;
    return true;
  }
  std::string stop_reason() const override { return "pruned"; }
  const std::optional<PruneDecision>& decision() const { return decision_; }

 private:
  bool take(PruneDecision decision) {
    if (decision.keeps()) return true;
    decision_ = std::move(decision);
    return false;
  }
  std::vector<std::unique_ptr<TrialPruner>> pruners_;
  std::optional<PruneDecision> decision_;
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
// records it with the trial's outcome, one transaction instead of two. An
// exception from the runner's hook (the storage failed, the lease was lost) is
// not the trial's: it is kept, training stops at the next batch, and
// run_trial rethrows it.
// Values a rung inside an epoch judged, by epoch: they join that epoch's record.
using RungNotes = std::map<int, std::map<std::string, double>>;

reports::EpochRecord noted_record(const engine::EpochLog& log, const RungNotes& notes) {
  reports::EpochRecord record = to_record(log);
  if (const auto found = notes.find(log.epoch); found != notes.end())
    for (const auto& [key, value] : found->second) record.metrics[key] = value;
  return record;
}

class RunnerHook : public engine::Callback {
 public:
  // `hooks` is read at each call: the trial's current ones.
  RunnerHook(const TrialHooks& hooks, std::optional<reports::EpochRecord>& last,
             const RungNotes& notes)
      : hooks_(hooks), last_(last), notes_(notes) {}
  void on_epoch_begin(int) override {
    if (!last_ || fatal_) return;
    const reports::EpochRecord record = std::move(*last_);
    last_.reset();
    try {
      if (hooks_.on_epoch) hooks_.on_epoch(record);
    } catch (...) {
      fatal_ = std::current_exception();
    }
  }
  bool on_batch_end(int, int, double) override {
    if (fatal_) return false;
    if (hooks_.should_stop && hooks_.should_stop()) {
      interrupted_ = true;
      return false;
    }
    return true;
  }
  bool on_epoch_end(const engine::EpochLog& log) override {
    last_ = noted_record(log, notes_);
    return true;
  }
  std::string stop_reason() const override { return "interrupted"; }
  bool interrupted() const { return interrupted_; }
  const std::exception_ptr& fatal() const { return fatal_; }

 private:
  const TrialHooks& hooks_;
  std::optional<reports::EpochRecord>& last_;
  const RungNotes& notes_;
  bool interrupted_ = false;
  std::exception_ptr fatal_;
};

// The test set's confusion counts, as test metrics "confusion[T][P]" (T the
// label, P the prediction: argmax, or one unit's output >= threshold: 0.5, or
// 0 for logits), for the reports' per-class metrics and matrix; left out
// above kMaxConfusionClasses classes, whose matrix no one reads.
constexpr std::size_t kMaxConfusionClasses = 20;
// Counts test rows by (true class, predicted class) as evaluate() hands over
// each batch's output, so the confusion matrix costs no second pass.
class ConfusionCounter {
 public:
  ConfusionCounter(std::size_t classes, float threshold)
      : classes_(std::max<std::size_t>(2, classes)),
        threshold_(threshold),
        counts_(classes_ * classes_, 0.0) {}

  void add(const engine::Matrix& output, std::span<const std::int32_t> labels) {
    for (std::size_t r = 0; r < labels.size(); ++r) {
      const auto row = static_cast<Eigen::Index>(r);
      std::size_t predicted = 0;
      if (output.cols() == 1) {
        predicted = output(row, 0) >= threshold_ ? 1 : 0;
      } else {
        Eigen::Index best = 0;
        output.row(row).maxCoeff(&best);
        predicted = static_cast<std::size_t>(best);
      }
      const auto label = static_cast<std::size_t>(labels[r]);
      if (label < classes_ && predicted < classes_) counts_[label * classes_ + predicted] += 1.0;
    }
  }

  void write(std::map<std::string, double>& metrics) const {
    for (std::size_t t = 0; t < classes_; ++t)
      for (std::size_t p = 0; p < classes_; ++p)
        metrics[fmt::format("confusion[{}][{}]", t, p)] = counts_[t * classes_ + p];
  }

 private:
  std::size_t classes_;
  float threshold_;
  std::vector<double> counts_;
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

std::vector<float> class_weights(const json& class_weight, const engine::Dataset& data) {
  if (class_weight.is_null()) return {};
  const std::size_t classes = std::max<std::size_t>(2, data.classes);
  std::vector<float> weights(classes, 1.0f);
  if (class_weight.is_string()) {  // "balanced"
    std::vector<std::size_t> counts(classes, 0);
    const auto labels = data.train.labels();
    for (const std::int32_t label : labels)
      if (label >= 0 && static_cast<std::size_t>(label) < classes)
        ++counts[static_cast<std::size_t>(label)];
    const auto present = static_cast<double>(
        std::count_if(counts.begin(), counts.end(), [](std::size_t c) { return c > 0; }));
    for (std::size_t c = 0; c < classes; ++c)
      if (counts[c] > 0)
        weights[c] = static_cast<float>(static_cast<double>(labels.size()) /
                                        (present * static_cast<double>(counts[c])));
    return weights;
  }
  for (const auto& [key, weight] : class_weight.items()) {
    std::optional<std::size_t> index;
    const auto named = std::find(data.class_names.begin(), data.class_names.end(), key);
    if (named != data.class_names.end()) {
      index = static_cast<std::size_t>(named - data.class_names.begin());
    } else if (!key.empty() && key.size() < 10 &&
               std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      index = std::stoul(key);
    }
    if (!index || *index >= classes) {
      std::string known = fmt::format("0..{}", classes - 1);
      if (!data.class_names.empty()) known += " or one of: " + engine::join(data.class_names);
      throw std::invalid_argument(fmt::format(
          "\"{}\" is not a class of dataset {}; expected a class index {}", key, data.name, known));
    }
    weights[*index] = weight.get<float>();
  }
  return weights;
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

// Everything a trial holds while it trains, kept across pauses at rungs.
struct TrialRun::State {
  TrialSettings settings;
  const engine::Dataset& data;
  TrialHooks hooks;  // this stretch's hooks: the worker's that runs it now
  engine::Rng rng;
  engine::Sequential model;
  std::optional<PruningCallback> pruning;
  std::optional<RunnerHook> hook;
  std::unique_ptr<engine::EarlyStopping> early_stopping;
  std::vector<engine::Callback*> callbacks;
  std::optional<engine::FitRun> fit;
  TrialResult result;
  RungNotes notes;
  int pauses = 0;  // rungs reached
  // The evaluation at the last pause when it was inside an epoch, and the
  // share of that epoch trained.
  std::optional<engine::EpochLog> point;
  double point_fraction = 0.0;
  std::exception_ptr fatal;  // the runner's, not the trial's: rethrown
  bool ended = false;        // no more training: a failure, a stop, the last epoch
  double seconds = 0.0;

  State(const TrialSettings& trial, const engine::Dataset& dataset)
      : settings(trial), data(dataset), rng(trial.seed) {}

  void build() {
    const json& config = settings.config;
    const json& training = config["training"];
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
    options.class_weights = class_weights(training.value("class_weight", json()), data);

    const engine::Split* validation = data.validation.rows() > 0 ? &data.validation : nullptr;
    TrialContext context;
    context.config = &config;
    context.dead_accuracy = settings.dead_accuracy;
    context.accuracy_key = validation != nullptr ? "val_accuracy" : "accuracy";
    std::vector<std::unique_ptr<TrialPruner>> trial_pruners;
    if (settings.pruners != nullptr)
      for (const auto& pruner : *settings.pruners) trial_pruners.push_back(pruner->start(context));
    pruning.emplace(std::move(trial_pruners));
    hook.emplace(hooks, result.outcome.final_epoch, notes);
    // The hook first: an epoch a pruner ends training after is still handed
    // to the store.
    callbacks.push_back(&*hook);
    callbacks.push_back(&*pruning);
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
    fit.emplace(model, data.train, validation, options, rng, callbacks);
  }

  void fail(std::string message) {
    result.outcome.status = TrialStatus::failed;
    result.outcome.error = std::move(message);
    ended = true;
  }

  // Runs `body`; a training problem ends the trial as failed.
  template <typename Body>
  void guarded(Body&& body) {
    const auto start = std::chrono::steady_clock::now();
    try {
      body();
    } catch (const std::exception& e) {
      fail(e.what());
    } catch (...) {
      fail("unknown error");
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

TrialRun::TrialRun(const TrialSettings& settings, const engine::Dataset& data)
    : state_(std::make_unique<State>(settings, data)) {
  State& s = *state_;
  s.guarded([&] { s.build(); });
}

TrialRun::~TrialRun() = default;

bool TrialRun::advance(double until, const TrialHooks& hooks) {
  State& s = *state_;
  if (s.ended) return false;
  s.hooks = hooks;
  s.point.reset();
  const bool inside = until > 0.0 && !at_epoch_end(until);
  s.guarded([&] {
    bool goes_on = false;
    if (inside) {
      const int epochs = s.settings.config["training"]["epochs"].get<int>();
      goes_on = s.fit->run_to_batch(rung_batches(until, s.fit->batches_per_epoch(), epochs));
    } else {
      goes_on =
          s.fit->run_to(until > 0.0 ? static_cast<int>(until) : std::numeric_limits<int>::max());
    }
    if (s.hook->fatal()) s.fatal = s.hook->fatal();
    if (!goes_on || s.hook->interrupted()) s.ended = true;
    if (inside && !s.ended) {
      // The rung's evaluation, kept for that epoch's record.
      engine::EpochLog log = s.fit->evaluate_now();
      const auto per = static_cast<long long>(s.fit->batches_per_epoch());
      const long long in_epoch =
          s.fit->batches_done() - static_cast<long long>(log.epoch - 1) * per;
      s.point_fraction = static_cast<double>(in_epoch) / static_cast<double>(per);
      auto& notes = s.notes[log.epoch];
      const std::string& objective = s.settings.objective_metric;
      for (const std::string& name : {objective, tie_metric(objective)}) {
        if (name.empty()) continue;
        const auto found = log.values.find(name);
        notes[rung_key(s.pauses, name)] =
            found == log.values.end() ? std::numeric_limits<double>::quiet_NaN() : found->second;
      }
      s.point = std::move(log);
    }
  });
  if (s.fatal) std::rethrow_exception(s.fatal);
  if (s.ended) return false;
  ++s.pauses;
  // Paused: its last epoch is committed now, not when the rung decides, so
  // a wait at a rung holds nothing that a crash would lose from the store.
  auto& last = s.result.outcome.final_epoch;
  if (last && hooks.on_epoch) {
    const reports::EpochRecord record = std::move(*last);
    last.reset();
    hooks.on_epoch(record);
  }
  return true;
}

int TrialRun::epochs_done() const {
  const State& s = *state_;
  return s.fit ? s.fit->epochs_done() : 0;
}

double TrialRun::objective() const {
  const State& s = *state_;
  const int best = s.fit ? s.fit->best_epoch() : 0;
  if (best <= 0) return std::numeric_limits<double>::quiet_NaN();
  const auto& values = s.fit->history().epochs[static_cast<std::size_t>(best - 1)].values;
  const auto found = values.find(s.settings.objective_metric);
  return found == values.end() ? std::numeric_limits<double>::quiet_NaN() : found->second;
}

RungBoard::Value TrialRun::standing() const {
  const State& s = *state_;
  const std::string& objective = s.settings.objective_metric;
  const std::string tie = tie_metric(objective);
  const auto value_of = [](const std::map<std::string, double>& values, const std::string& name) {
    const auto found = name.empty() ? values.end() : values.find(name);
    return found == values.end() ? std::numeric_limits<double>::quiet_NaN() : found->second;
  };
  RungBoard::Value value;
  value.objective = this->objective();
  if (s.point) {
    value.objective =
        best_of(value.objective, value_of(s.point->values, objective), s.settings.maximize);
    value.tie = value_of(s.point->values, tie);
  } else if (s.fit && !s.fit->history().epochs.empty()) {
    value.tie = value_of(s.fit->history().epochs.back().values, tie);
  }
  return value;
}

bool TrialRun::ended() const {
  return state_->ended;
}

TrialResult TrialRun::finish(const std::string& pruned_reason) {
  State& s = *state_;
  TrialResult& result = s.result;
  if (s.fit && (!s.ended || result.outcome.status != TrialStatus::failed)) {
    s.guarded([&] {
      const engine::History history = s.fit->finish();
      const engine::Dataset& data = s.data;
      result.epochs = static_cast<int>(history.epochs.size());
      result.outcome.best_epoch = history.best_epoch;
      if (history.best_epoch > 0) {
        const auto& values =
            history.epochs[static_cast<std::size_t>(history.best_epoch - 1)].values;
        if (const auto found = values.find(s.settings.objective_metric); found != values.end()) {
          result.outcome.objective = found->second;
        }
      }
      using Verdict = PruneDecision::Verdict;
      const auto& decision = s.pruning->decision();
      // The weights of the best epoch (the one the trial's objective and test
      // metrics come from), or the last when no epoch recorded the objective.
      const auto keep_weights = [&] {
        if (!s.settings.keep_weights) return;
        const bool best = s.model.has_best_weights();
        if (best) s.model.restore_best_weights();
        result.outcome.weights = std::make_shared<const TrialWeights>(capture_weights(
            s.model, s.settings.config["model"]["layers"], data, best ? history.best_epoch : 0));
      };
      if (decision && decision->verdict == Verdict::setup_error) {
        result.outcome.status = TrialStatus::failed;
        result.outcome.error = decision->reason;
      } else if (decision && decision->verdict == Verdict::diverged) {
        result.outcome.status = TrialStatus::diverged;
        result.outcome.divergence = decision->divergence;
        // The epoch the stop cut short, so the report draws how the loss exploded.
        if (history.partial_epoch)
          result.outcome.final_epoch = noted_record(*history.partial_epoch, s.notes);
      } else if (decision && decision->verdict == Verdict::pruned) {
        result.outcome.status = TrialStatus::pruned;
        result.outcome.error = decision->reason;
        if (history.partial_epoch)
          result.outcome.final_epoch = noted_record(*history.partial_epoch, s.notes);
        keep_weights();
        // Interrupted before a rung's cut is looked at, and again below when it
        // waited at a rung: the same outcome, two different moments.
        // NOLINTNEXTLINE(bugprone-branch-clone)
      } else if (s.hook->interrupted()) {
        result.outcome.status = TrialStatus::interrupted;
      } else if (!pruned_reason.empty()) {
        // Cut at a rung: it paused there, its last whole epoch handed on. Cut
        // inside an epoch, that epoch is kept as far as it went: the rung's
        // evaluation, and the share of the epoch trained.
        result.outcome.status = TrialStatus::pruned;
        result.outcome.error = pruned_reason;
        if (s.point) {
          reports::EpochRecord record = noted_record(*s.point, s.notes);
          record.metrics[kEpochFraction] = s.point_fraction;
          result.outcome.final_epoch = std::move(record);
          const auto found = s.point->values.find(s.settings.objective_metric);
          if (found != s.point->values.end()) {
            const double so_far =
                result.outcome.objective.value_or(std::numeric_limits<double>::quiet_NaN());
            const double best = best_of(so_far, found->second, s.settings.maximize);
            if (!std::isnan(best)) result.outcome.objective = best;
          }
        }
        keep_weights();
      } else if (!s.ended) {
        // Stopped while it waited at a rung (Ctrl-C, or the sweep failed).
        result.outcome.status = TrialStatus::interrupted;
      } else {
        result.outcome.status = TrialStatus::completed;
        if (data.test.rows() > 0) {
          if (s.model.has_best_weights()) s.model.restore_best_weights();
          const bool logits = s.settings.config["training"]["loss"].value("from_logits", false);
          // Above kMaxConfusionClasses no one reads the matrix: not counted.
          std::optional<ConfusionCounter> confusion;
          if (std::max<std::size_t>(2, data.classes) <= kMaxConfusionClasses)
            confusion.emplace(data.classes, logits ? 0.0f : 0.5f);
          engine::Sequential::BatchOutputFn count;
          if (confusion) {
            count = [&confusion](const engine::Matrix& output,
                                 std::span<const std::int32_t> labels) {
              confusion->add(output, labels);
            };
          }
          result.outcome.test_metrics = s.model.evaluate(data.test, 256, count);
          if (confusion) confusion->write(result.outcome.test_metrics);
        }
        keep_weights();
      }
    });
  }
  s.ended = true;
  result.outcome.seconds = s.seconds;
  return std::move(result);
}

TrialResult run_trial(const TrialSettings& settings, const engine::Dataset& data,
                      const TrialHooks& hooks) {
  TrialRun run(settings, data);
  run.advance(0, hooks);
  return run.finish();
}

}  // namespace sweep::runner
