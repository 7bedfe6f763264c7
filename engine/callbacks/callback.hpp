// Training callbacks: hooks the trainer calls after every batch and every
// epoch, in the order they were given; returning false stops training at once,
// and the callbacks after it are not called (the runner's divergence check,
// pruning, early stopping and terminate-on-NaN use them).
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

  // Best weights, one mechanism for early stopping's restore_best_weights and
  // FitOptions::best_monitor: for a callback that keeps_best_weights(), the
  // trainer copies the weights after each on_epoch_end() of the epoch that
  // best_epoch() then names; when that callback stops training and
  // wants_best_weights_restored(), the trainer puts the copy back.
  virtual bool keeps_best_weights() const { return false; }
  virtual int best_epoch() const { return 0; }  // 1-based, 0 = none yet
  virtual bool wants_best_weights_restored() const { return false; }
};

// The registry: early_stopping (monitor, patience, min_delta, mode,
// restore_best_weights) and terminate_on_nan.
const std::vector<ComponentSpec>& callback_specs();
std::vector<std::string> callback_names();
std::unique_ptr<Callback> make_callback(const Component& component);  // throws ConfigError

}  // namespace sweep::engine
