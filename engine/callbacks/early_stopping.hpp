// Keras's EarlyStopping: stop when `monitor` has not improved by more than
// min_delta for `patience` epochs (never after the first epoch of a fit).
// With restore_best_weights it keeps best weights (see Callback): on that
// stop the trainer puts back the weights of the best epoch.
#pragma once

#include <memory>
#include <string>

#include "engine/callbacks/callback.hpp"
#include "engine/params.hpp"

namespace sweep::engine {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  int patience = 0;
  double min_delta = 0.0;
  // auto: max for metrics (accuracy, f1_score, ...), min for losses.
  std::string mode = "auto";
  bool restore_best_weights = false;
};

class EarlyStopping : public Callback {
 public:
  // Throws ConfigError for a bad mode, a negative patience or min_delta, or
  // (mode auto) a monitor whose direction is unknown.
  explicit EarlyStopping(EarlyStoppingOptions options);
  // The registry's view: "early_stopping" with monitor, patience, min_delta,
  // mode, restore_best_weights (Keras's names and defaults).
  static ComponentSpec spec();
  static std::unique_ptr<Callback> create(const ParamReader& reader);  // throws ConfigError
  void on_train_begin() override;
  bool on_epoch_end(const EpochLog& log) override;
  std::string stop_reason() const override;
  bool keeps_best_weights() const override { return options_.restore_best_weights; }
  int best_epoch() const override { return best_epoch_; }
  bool wants_best_weights_restored() const override;

  const EarlyStoppingOptions& options() const { return options_; }
  bool maximize() const { return maximize_; }
  int stopped_epoch() const { return stopped_epoch_; }  // 0 = did not stop
  double best() const { return best_; }

 private:
  EarlyStoppingOptions options_;
  bool maximize_ = false;
  double best_ = 0.0;
  int best_epoch_ = 0;
  int wait_ = 0;
  int stopped_epoch_ = 0;
  int first_epoch_ = 0;  // the first epoch of this fit
};

}  // namespace sweep::engine
