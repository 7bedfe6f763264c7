// The epoch with the best value of one log key: FitOptions::best_monitor, as
// Keras's ModelCheckpoint(save_best_only=True) keeps it, in memory. Better
// means strictly above (maximize) or below every earlier value of the fit; NaN
// is never better, and an epoch that does not log the key is skipped. It
// keeps best weights (see Callback), which Sequential makes its own best
// weights, and never stops training.
#pragma once

#include <string>

#include "engine/callbacks/callback.hpp"

namespace sweep::engine {

class BestEpoch : public Callback {
 public:
  BestEpoch(std::string monitor, bool maximize);
  void on_train_begin() override;
  bool on_epoch_end(const EpochLog& log) override;
  bool keeps_best_weights() const override { return true; }
  int best_epoch() const override { return best_epoch_; }

  const std::string& monitor() const { return monitor_; }
  double best() const { return best_; }  // -inf (maximize) or +inf before any epoch

 private:
  std::string monitor_;
  bool maximize_;
  double best_ = 0.0;
  int best_epoch_ = 0;
};

}  // namespace sweep::engine
