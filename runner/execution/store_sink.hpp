// The local TrialSink: writes every event to the sweep's storage (the only
// writer of results) and moves the progress bar. Before each write it checks
// that the lease keeper has not lost the lease; the storage, guarded with
// guard_writes, refuses the write itself if the lease was taken meanwhile.
// A finished trial's weights are written with its outcome when the retention
// keeps them (all of them without one), and the weights it drops are deleted
// right after. Under storage.weights `best` the kept weights are held in
// memory instead, and write_held() writes those still kept when the sweep
// ends: a best-so-far trial that a better one displaces is never written
// (each is a blob of the model's size). A process killed before then loses
// them; the runner trains the winners whose weights are missing again
// (WeightsRetention::missing).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "runner/execution/trial_sink.hpp"
#include "runner/execution/weights_retention.hpp"
#include "runner/progress.hpp"
#include "runner/store/lease_keeper.hpp"
#include "runner/store/storage.hpp"

namespace sweep::runner {

class StoreSink final : public TrialSink {
 public:
  StoreSink(Storage& storage, Progress& progress, const LeaseKeeper& keeper,
            WeightsRetention* retention = nullptr)
      : storage_(storage), progress_(progress), keeper_(keeper), retention_(retention) {}
  void started(const TrialTask& task) override;
  void epoch(const TrialTask& task, const reports::EpochRecord& epoch) override;
  void finished(const TrialTask& task, const TrialResult& result, const TrialTask* next) override;

  // Writes the held weights (by trial id) and lets them go.
  void write_held();

 private:
  void check_lease() const;
  Storage& storage_;
  Progress& progress_;
  const LeaseKeeper& keeper_;
  WeightsRetention* retention_;
  // Holds a finish's retention decision and its writes together, so that
  // the decisions follow the order of the writes.
  std::mutex finish_mutex_;
  // Kept weights not written yet (`best`), under finish_mutex_.
  std::map<std::int64_t, std::shared_ptr<const TrialWeights>> held_;
};

}  // namespace sweep::runner
