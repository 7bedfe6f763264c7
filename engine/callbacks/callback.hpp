// Training callbacks: hooks the trainer calls after every batch and every
// epoch; returning false stops training at once (the runner's divergence
// check, pruning, early stopping and terminate-on-NaN use them).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/params.hpp"

namespace sweep::engine {

struct EpochLog;

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin() {}
  // Before every epoch's first batch, `epoch` 1-based (Keras's on_epoch_begin).
  virtual void on_epoch_begin(int /*epoch*/) {}
  // After every batch: `epoch` 1-based, `batch` 0-based, `loss` that batch's
  // training loss, computed before its update. Return false to stop.
  virtual bool on_batch_end(int /*epoch*/, int /*batch*/, double /*loss*/) { return true; }
  // After every epoch, with its logs (val_* included). Return false to stop.
  virtual bool on_epoch_end(const EpochLog& /*log*/) { return true; }
  // Why it stopped training, when it did.
  virtual std::string stop_reason() const { return {}; }
  // Early stopping's "restore best weights": asks the trainer to restore them.
  virtual bool wants_best_weights_restored() const { return false; }
};

// The registry: early_stopping (monitor, patience, min_delta, mode,
// restore_best_weights) and terminate_on_nan.
const std::vector<ComponentSpec>& callback_specs();
std::vector<std::string> callback_names();
std::unique_ptr<Callback> make_callback(const Component& component);  // throws ConfigError

}  // namespace sweep::engine
