// Plain records of one sweep, as the runner reads them back from its store.
// reports/ turns these into report.json and report.html; it knows nothing of
// SQLite, oneTBB or the engine, so everything it needs is spelled out here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sweep::reports {

// One finished epoch of one trial. Epochs are numbered from 1.
struct EpochRecord {
  int epoch = 0;
  double learning_rate = 0.0;  // the rate used during this epoch
  double seconds = 0.0;
  // "loss", "accuracy", "val_loss", "val_accuracy" and every other metric by
  // its Keras name ("f1_score", "val_f1_score", ...). Absent when not computed.
  std::map<std::string, double> metrics;
  // The mean training loss over each of ~20 consecutive windows of batches of
  // this epoch, in order; shows oscillation inside short runs.
  std::vector<double> loss_trace;
};

// Where a diverged trial stopped: the batch whose loss was not finite, or the
// last of the batches in a row whose loss stayed above divergence_factor x the
// first batch's loss. The epoch it cut short is the trial's last EpochRecord
// (partial: no val_* values).
struct Divergence {
  int epoch = 0;  // 1-based
  int batch = 0;  // 0-based within the epoch
  double loss = 0.0;
};

// json::diff(source, target): the same operations in the same order, without
// its cost where the two agree (json::diff builds each member's path and a
// patch array of its own before finding it equal, and a trial's config
// agrees with its base in all but a member or two).
nlohmann::json json_diff(const nlohmann::json& source, const nlohmann::json& target);

// A trial's whole resolved configuration (dataset, model, training, ...),
// held as the store keeps it: a base config that many trials share and the
// trial's RFC 6902 JSON Patch to it (json::diff's, so add, remove and replace
// operations). Reading a sweep back then copies no config, and the report
// patches trials against each other by comparing only the patched values.
class TrialConfig {
 public:
  TrialConfig() = default;  // the empty object
  // A whole config with no base of its own.
  TrialConfig(nlohmann::json resolved);  // NOLINT(google-explicit-constructor)
  // As nlohmann::json reads braces: {{"training", {...}}} is an object.
  TrialConfig(nlohmann::json::initializer_list_t init)  // NOLINT(google-explicit-constructor)
      : TrialConfig(nlohmann::json(init)) {}
  // `patch` applied to `base` (shared with other trials).
  TrialConfig(std::shared_ptr<const nlohmann::json> base, nlohmann::json patch);

  // The whole config, built on each call. Throws std::runtime_error when the
  // patch does not apply to the base.
  nlohmann::json resolved() const;
  // The value at the JSON pointer `pointer` ("/training/loss"), null when
  // there is none, without building the whole config.
  nlohmann::json find(const std::string& pointer) const;
  const nlohmann::json& base() const;
  const nlohmann::json& patch() const { return patch_; }

  // Equal when the whole configs are.
  bool operator==(const TrialConfig& other) const { return resolved() == other.resolved(); }

 private:
  std::shared_ptr<const nlohmann::json> base_;  // null: the empty object
  nlohmann::json patch_ = nlohmann::json::array();
};

struct TrialRecord {
  std::int64_t id = 0;
  // The swept values of this trial as a flat object keyed by the spec's names:
  // always "optimizer" (name) and "learning_rate" (number), plus every other
  // swept key ("batch_size", "momentum", "model.layers[0].units", ...).
  nlohmann::json params = nlohmann::json::object();
  // The trial's whole resolved configuration (dataset, model, training, ...).
  TrialConfig config;
  std::string config_hash;  // 16 hex digits; equal for repeats of one config
  int repeat = 0;           // 0-based
  std::uint64_t seed = 0;
  // One of: pending, running, completed, diverged, pruned, failed, interrupted.
  std::string status = "pending";
  std::string error;  // failed trials: the message; empty otherwise
  std::optional<Divergence> divergence;
  std::vector<EpochRecord> epochs;  // in order; may be partial
  // Test-set metrics of the best validation epoch's weights ("loss",
  // "accuracy", ...), empty when the dataset has no test set or the trial did
  // not finish. Never used for selection.
  std::map<std::string, double> test_metrics;
  std::string started_at;   // ISO 8601 UTC, empty if never started
  std::string finished_at;  // ISO 8601 UTC, empty if not finished
  double seconds = 0.0;     // training wall time
};

struct SweepRecord {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  std::string status;                              // running, completed, interrupted, failed
  nlohmann::json spec = nlohmann::json::object();  // the resolved spec
  std::string spec_hash;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;  // ISO 8601 UTC, empty while running
  double duration_seconds = 0.0;
  int jobs = 1;
  std::string version;  // sweep's version that ran it
  std::string host;
  // The objective, e.g. "val_accuracy" maximised or "val_loss" minimised.
  std::string objective_metric = "val_accuracy";
  bool maximize = true;
  int classes = 0;  // number of classes; chance-level loss is ln(classes)
  // Facts the runner recorded when it loaded the data: "validation_rows"
  // (smallest over the sweep's datasets), "validation_classes" (classes
  // present in the validation part), "class_names" (class i's name),
  // "class_weight" and "class_weights" (as given, and per class), "warnings"
  // and "notes" (the loaders'); empty when unknown.
  nlohmann::json data = nlohmann::json::object();
  // Names of the swept parameters in spec order ("optimizer", "learning_rate", ...).
  std::vector<std::string> swept;
  std::vector<TrialRecord> trials;
  // Pruning for compute (successive halving, Hyperband): {method,
  // min_epochs, reduction_factor, brackets, rungs: [{bracket, rung, epoch,
  // trials, kept, cut}], epochs_run, epochs_planned, epochs_full}; null when
  // off. The runner derives it from the trials' stored epochs.
  nlohmann::json pruning;
};

}  // namespace sweep::reports
