#include "engine/callbacks/best_epoch.hpp"

#include <limits>
#include <utility>

#include "engine/epoch_log.hpp"

namespace sweep::engine {

BestEpoch::BestEpoch(std::string monitor, bool maximize)
    : monitor_(std::move(monitor)), maximize_(maximize) {
  on_train_begin();
}

void BestEpoch::on_train_begin() {
  best_ = maximize_ ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  best_epoch_ = 0;
}

bool BestEpoch::on_epoch_end(const EpochLog& log) {
  const auto found = log.values.find(monitor_);
  if (found == log.values.end()) return true;
  const double value = found->second;
  if (maximize_ ? value > best_ : value < best_) {
    best_ = value;
    best_epoch_ = log.epoch;
  }
  return true;
}

}  // namespace sweep::engine
