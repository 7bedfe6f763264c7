// Cosine decay with linear warm-up (Loshchilov & Hutter 2017, "SGDR"; Goyal
// et al. 2017 for the warm-up). The rate rises linearly from 0 at step 0 to
// the base rate at step warmup_steps, then follows half a cosine down to
// alpha * base over decay_steps, and stays there:
//   step < W:           lr = base * step / W
//   W <= step:          s = min(step - W, D)
//                       lr = base * ((1 - alpha) * 0.5 * (1 + cos(pi s / D)) + alpha)
// This is Keras 3's CosineDecay with initial_learning_rate 0 and
// warmup_target = base (and, with warmup_steps 0, plain CosineDecay from
// base): the swept learning_rate is the peak, which keeps it comparable
// across schedules. decay_steps 0 (the default) means decay_epochs epochs.
#pragma once

#include <memory>

#include "engine/schedules/schedule.hpp"

namespace sweep::engine {

struct CosineDecayOptions {
  long long decay_steps = 1;
  double alpha = 0.0;
  long long warmup_steps = 0;
};

class CosineDecay : public Schedule {
 public:
  CosineDecay(double base_learning_rate, CosineDecayOptions options);
  double learning_rate(long long step, int epoch) const override;
  const CosineDecayOptions& options() const { return options_; }

  static ComponentSpec spec();
  static std::unique_ptr<Schedule> create(const ParamReader& reader, double base_learning_rate,
                                          long long steps_per_epoch);

 private:
  double base_;
  CosineDecayOptions options_;
};

}  // namespace sweep::engine
