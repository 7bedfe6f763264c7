// Reduce the rate when a monitored metric stops improving, as Keras's
// ReduceLROnPlateau: after every epoch, a value better than the best by more
// than min_delta resets the wait; otherwise, outside a cooldown, the wait
// grows, and once it reaches patience the rate becomes
// max(rate * factor, min_lr) (if above min_lr), the wait restarts and a
// cooldown begins: as in Keras, which counts the cooldown down before testing
// it, a cooldown of c keeps the wait at 0 for the next c - 1 epochs.
// mode "auto" maximises monitors naming accuracy, precision, recall, f1 or
// auc, and minimises the rest (Keras checks "acc" only). A monitor missing
// from the logs is a TrainingError: Keras only warns, which hides a spec that
// asks for val_loss without a validation split.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "engine/schedules/schedule.hpp"

namespace sweep::engine {

struct ReduceOnPlateauOptions {
  std::string monitor = "val_loss";
  std::string mode = "auto";  // auto, min, max
  double factor = 0.1;
  long long patience = 10;
  double min_delta = 1e-4;
  long long cooldown = 0;
  double min_lr = 0.0;
};

class ReduceOnPlateau : public Schedule {
 public:
  ReduceOnPlateau(double base_learning_rate, ReduceOnPlateauOptions options);
  double learning_rate(long long step, int epoch) const override;
  void on_epoch_end(int epoch, const std::map<std::string, double>& logs) override;
  const ReduceOnPlateauOptions& options() const { return options_; }
  bool maximizes() const { return maximize_; }

  static ComponentSpec spec();
  static std::unique_ptr<Schedule> create(const ParamReader& reader, double base_learning_rate,
                                          long long steps_per_epoch);

 private:
  bool improved(double value) const;

  ReduceOnPlateauOptions options_;
  bool maximize_;
  double rate_;
  double best_;
  long long wait_ = 0;
  long long cooldown_left_ = 0;
};

}  // namespace sweep::engine
