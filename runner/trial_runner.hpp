// Trains one trial on the shared engine: builds the model from the trial's
// resolved config, fits it with the divergence check and the store's epoch
// hook, and evaluates the best validation epoch's weights once on the test set.
// Single-threaded; many run at once on different threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/datasets/dataset.hpp"
#include "reports/records.hpp"
#include "runner/pruning/pruner.hpp"
#include "runner/pruning/rung_board.hpp"
#include "runner/store/storage.hpp"

namespace sweep::runner {

struct TrialSettings {
  nlohmann::json config;  // resolved {dataset, model, training}
  std::uint64_t seed = 0;
  std::string objective_metric = "val_accuracy";
  bool maximize = true;
  // The sweep's pruners (divergence always); null runs without any.
  const std::vector<std::unique_ptr<Pruner>>* pruners = nullptr;
  // What a model that learnt nothing scores on this trial's data (see
  // dead_accuracy); NaN when unknown.
  double dead_accuracy = std::numeric_limits<double>::quiet_NaN();
  // Return the trained model's weights (those of its best epoch, the ones its
  // test metrics come from) with a completed or pruned trial's outcome.
  bool keep_weights = false;
};

struct TrialHooks {
  // Called with every epoch before the next starts (the store commits it). An
  // exception it throws is the runner's (storage, lease), never the trial's:
  // the trial stops and run_trial rethrows it.
  // The trial's last epoch is not passed here: it comes back in
  // TrialOutcome::final_epoch, for the store to commit with the outcome.
  std::function<void(const reports::EpochRecord&)> on_epoch;
  // Polled after every batch; true stops the trial as interrupted.
  std::function<bool()> should_stop;
};

// What the store records of a trial, and how many epochs it ran.
struct TrialResult {
  TrialOutcome outcome;
  int epochs = 0;
};

// One trial that may pause between epochs and go on later, bit for bit as
// one uninterrupted run_trial (successive halving keeps it waiting at a rung
// this way, its model and optimizer state in memory). Never throws for a
// training problem: those are outcomes (diverged, pruned, failed); advance()
// rethrows what the hooks threw. One thread at a time; the data (and the
// pruners the settings name) must outlive it.
class TrialRun {
 public:
  // Builds the model (a failure here ends the trial as failed).
  TrialRun(const TrialSettings& settings, const engine::Dataset& data);
  ~TrialRun();
  TrialRun(const TrialRun&) = delete;
  TrialRun& operator=(const TrialRun&) = delete;

  // Trains until `until` epochs are done (0: every epoch) with `hooks`, or
  // until the trial ends on its own (a pruner, early stopping, a failure,
  // Ctrl-C through hooks.should_stop). True when it paused and may go on;
  // then its last whole epoch has gone to hooks.on_epoch too. A fraction of
  // an epoch (a rung inside an epoch) pauses after rung_batches(until)
  // batches and evaluates the model there (Sequential::evaluate, nothing
  // changed): its values go into that epoch's record under rung_key when
  // the epoch ends, or into a partial record when the rung cuts the trial.
  // Each pause is the trial's next rung.
  bool advance(double until, const TrialHooks& hooks);
  int epochs_done() const;
  // Its objective as it stands: the best epoch's value so far (NaN: none).
  double objective() const;
  // Where it stands at the rung it paused at: the objective so far (with the
  // evaluation inside the epoch, when it paused inside one) and the loss
  // that breaks ties (tie_metric) at that point.
  RungBoard::Value standing() const;
  // Ended on its own: nothing more to train.
  bool ended() const;
  // Its outcome: what ended it; one that paused and is not resumed is pruned
  // with `pruned_reason` when given, else interrupted. A last epoch not yet
  // handed on comes in TrialOutcome::final_epoch. Call once.
  TrialResult finish(const std::string& pruned_reason = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A whole trial: TrialRun, advance(0), finish(). Never throws for a training
// problem: those are outcomes (diverged, pruned, failed). Rethrows what the
// hooks threw.
TrialResult run_trial(const TrialSettings& settings, const engine::Dataset& data,
                      const TrialHooks& hooks);

// The model's output width for a resolved model config (checked against the
// dataset's classes before anything runs).
std::size_t output_units(const nlohmann::json& model);

// The accuracy of a model that learnt nothing, given the labels it is scored
// on: the share of the commonest class (a constant prediction gets at most
// that), plus two binomial standard errors (at least 0.02) of noise. NaN for
// no labels.
double dead_accuracy(std::span<const std::int32_t> labels);

// training.class_weight for `data`, one weight per class (at least 2, as the
// loss sees a 1-unit binary output): "balanced" is Keras's and scikit-learn's
// n_samples / (n_classes * count) over the training part (n_classes: the
// classes present there; an absent class gets 1); an object gives a class,
// by index or by name, its weight, and every other class 1. Empty for
// null. Throws std::invalid_argument naming a class that is not the data's.
std::vector<float> class_weights(const nlohmann::json& class_weight, const engine::Dataset& data);

// Converts a resolved component object ({"name": ..., params}) to the engine's form.
engine::Component to_component(const nlohmann::json& object, const std::string& name_key = "name");

}  // namespace sweep::runner
