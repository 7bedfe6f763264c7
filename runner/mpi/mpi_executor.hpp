// Rank 0's executor in an MPI job: one queue of trials (the most expensive
// first, as the runner orders them) that rank 0's own oneTBB arena and every
// other rank claim from, one trial at a time, as they become free. A
// communication thread serves the other ranks' requests against rank 0's
// sink: "the next trial", "started", "epoch", "finished", each answered
// once it is committed, so an epoch is durable before the worker's next one
// starts, as locally.
//
// The executor contract holds across the job: no claim once `stop` is true
// (every reply carries it, and the workers' running trials stop at their
// next batch); a sink's exception is fatal (every rank's next request is
// refused and nothing more is written), rethrown once every rank reported
// done. An interrupted worker rank interrupts the sweep (request_interrupt):
// rank 0 then marks it interrupted, not completed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/execution/executor.hpp"
#include "runner/mpi/mpi_comm.hpp"

namespace sweep::runner {

// Message tags on MPI_COMM_WORLD; replies to a worker's request go to the
// tag the request names (kReplyTags + the worker thread's slot).
inline constexpr int kControlTag = 1;  // rank 0 -> worker: spec, go, bye
inline constexpr int kHelloTag = 2;    // worker -> rank 0: hello
inline constexpr int kRequestTag = 3;  // worker -> rank 0: next, started, epoch, finished, done
inline constexpr int kReplyTags = 100;

// Every other rank as rank 0 knows it, and what the job cost; filled by the
// coordinator (hello) and the executor (done), read for --stats.
struct MpiTally {
  struct Rank {
    std::string host;
    int jobs = 0;
    int cores = 0;            // the cores its CPU binding lets it use
    double cpu_seconds = 0;   // the process's user + system time (done)
    std::int64_t calls = 0;   // requests it made
    double wait_seconds = 0;  // its threads' time from request sent to reply read
    std::int64_t trials = 0;  // trials it ran
  };
  std::vector<Rank> ranks;  // by rank; [0] is rank 0
  std::int64_t messages_in = 0;
  std::int64_t bytes_in = 0;
  std::int64_t messages_out = 0;
  std::int64_t bytes_out = 0;
  std::int64_t epoch_messages = 0;  // "epoch" messages received
  std::int64_t epoch_bytes = 0;     // their bytes
  std::int64_t worker_epochs = 0;   // epochs committed for other ranks, last ones included
  double serve_seconds = 0;         // request received to reply sent, summed
  double server_cpu_seconds = 0;    // the communication thread's CPU time
  double server_wall_seconds = 0;   // its lifetime
};

class MpiExecutor final : public Executor {
 public:
  // `local_jobs` trials at once on rank 0 (0: it only coordinates); the
  // other ranks' jobs are in `tally`.
  MpiExecutor(MpiComm& comm, int local_jobs, MpiTally& tally);
  void run(const std::vector<TrialTask>& tasks, const TrainFn& train, TrialSink& sink,
           const std::function<bool()>& stop) override;
  int jobs() const override;

 private:
  MpiComm& comm_;
  int local_jobs_;
  MpiTally& tally_;
};

}  // namespace sweep::runner
