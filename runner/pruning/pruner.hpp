// Pruners decide, while a trial trains, whether it goes on. A Pruner is one
// per sweep, chosen by name through the registry below; for each trial it
// starts a TrialPruner that is asked after every batch and every epoch with
// the trial's history so far (its own state), and answers keep, pruned or
// diverged. Divergence is one pruner; successive halving will be another.
//
// Contract: Pruner::start may be called from any worker thread at once (a
// Pruner is immutable while trials run, or guards its shared state); a
// TrialPruner belongs to its trial's thread and is called in order: every
// batch of an epoch, then that epoch. A verdict other than keep stops the
// trial at once; the runner maps it to TrialStatus::pruned, diverged or (a
// setup error found before any update) failed. Decisions depend only on the
// trial's own values and the sweep's settings, never on timing or arrival
// order, so results stay bit-identical whatever --jobs is.
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model.hpp"
#include "reports/records.hpp"

namespace sweep::runner {

struct Spec;
struct HalvingOptions;

// What a pruner may know of a trial when it starts.
struct TrialContext {
  const nlohmann::json* config = nullptr;  // the trial's resolved config
  // The accuracy of a model that learnt nothing on the data the trial is
  // scored on (runner::dead_accuracy); NaN when unknown.
  double dead_accuracy = std::numeric_limits<double>::quiet_NaN();
  // The epoch log key of that accuracy ("val_accuracy", "accuracy"); empty
  // when the trial computes none.
  std::string accuracy_key;
};

struct PruneDecision {
  enum class Verdict { keep, pruned, diverged, setup_error };
  Verdict verdict = Verdict::keep;
  std::string reason;              // pruned and setup_error: why, in words
  reports::Divergence divergence;  // diverged and setup_error: where, and the loss

  bool keeps() const { return verdict == Verdict::keep; }
};

class TrialPruner {
 public:
  virtual ~TrialPruner() = default;
  // `loss` is the batch's training loss, computed before its update.
  virtual PruneDecision after_batch(int /*epoch*/, int /*batch*/, double /*loss*/) { return {}; }
  virtual PruneDecision after_epoch(const engine::EpochLog& /*log*/) { return {}; }
};

class Pruner {
 public:
  virtual ~Pruner() = default;
  virtual std::unique_ptr<TrialPruner> start(const TrialContext& trial) const = 0;
  // A pruner that decides on whole rungs gives them here; null for one that
  // judges each trial alone.
  virtual const HalvingOptions* rungs() const { return nullptr; }
};

// The registered pruners' names, in order.
const std::vector<std::string>& pruner_names();
// The pruner registered as `name`, configured from the spec's pruning
// section; throws engine::ConfigError naming the known ones.
std::unique_ptr<Pruner> make_pruner(const std::string& name, const Spec& spec);
// The pruners a sweep's trials run with: divergence always (its finite rule
// only where pruning.divergence is on), and pruning.method's unless none.
std::vector<std::unique_ptr<Pruner>> sweep_pruners(const Spec& spec);

}  // namespace sweep::runner
