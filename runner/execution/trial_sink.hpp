// A TrialSink receives every trial's events — started, each epoch, finished —
// and is the only writer of results. Locally it writes the storage and moves
// the progress bar (StoreSink); under MPI a worker rank's sink forwards the
// events to rank 0, whose sink writes its storage.
//
// Contract: called from any worker thread at once (implementations are
// thread-safe); for one trial, in order: started (or the `next` of a
// finished), its epochs, finished. epoch() returns once the epoch is durable,
// before the trial's next epoch starts. An exception a sink throws (the
// storage failed, the lease was lost) is fatal to the sweep, never a trial's
// outcome: the executor stops claiming trials and rethrows it.
#pragma once

#include <cstdint>

#include "reports/records.hpp"
#include "runner/trial_runner.hpp"

namespace sweep::runner {

struct TrialPlan;

// One trial to run: its id in the storage and its plan.
struct TrialTask {
  std::int64_t trial_id = 0;
  const TrialPlan* plan = nullptr;
};

class TrialSink {
 public:
  virtual ~TrialSink() = default;
  // A worker's first trial starts (later ones start with finished()'s `next`).
  virtual void started(const TrialTask& task) = 0;
  virtual void epoch(const TrialTask& task, const reports::EpochRecord& epoch) = 0;
  // The trial ended with `result`; when `next` is given, that trial starts in
  // the same commit (a worker moving on writes once, not twice).
  virtual void finished(const TrialTask& task, const TrialResult& result,
                        const TrialTask* next) = 0;
};

}  // namespace sweep::runner
