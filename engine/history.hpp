// What Sequential::fit returns: every finished epoch's log, whether and why a
// callback stopped training, and the best epoch by FitOptions::best_monitor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/epoch_log.hpp"

namespace sweep::engine {

struct History {
  std::vector<EpochLog> epochs;
  bool stopped = false;     // a callback stopped training
  std::string stop_reason;  // its reason
  // When a callback stopped training after a batch: the epoch it cut short,
  // over the batches run so far (loss, training metrics, the loss trace up to
  // the stop; no val_* values). Not part of `epochs`.
  std::optional<EpochLog> partial_epoch;
  int best_epoch = 0;  // 1-based, 0 = none (FitOptions::best_monitor)
};

}  // namespace sweep::engine
