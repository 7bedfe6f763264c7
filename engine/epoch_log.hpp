// What the trainer logs for one epoch, as Keras's History records it; what
// callbacks and schedules read after every epoch.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sweep::engine {

using Logs = std::map<std::string, double>;

struct EpochLog {
  int epoch = 0;  // 1-based
  double learning_rate = 0.0;
  double seconds = 0.0;
  Logs values;  // "loss", metrics, "val_loss", "val_<metric>"
  std::vector<double> loss_trace;
};

}  // namespace sweep::engine
