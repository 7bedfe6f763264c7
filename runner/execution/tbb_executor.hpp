// The local executor: `jobs` workers in a oneTBB task_arena, each claiming
// the next trial until none is left. run() claims from a vector (the most
// expensive first, as the runner orders them); run_from() from any source,
// e.g. the queue rank 0 of an MPI job hands out to every rank.
#pragma once

#include <optional>

#include "runner/execution/executor.hpp"

namespace sweep::runner {

// The next trial to run, or none when there is none left. Called from any
// worker thread; a worker stops claiming at its first none, and no worker
// claims once `stop` returned true or a sink threw.
using NextTask = std::function<std::optional<TrialTask>()>;

class TbbExecutor final : public Executor {
 public:
  explicit TbbExecutor(int jobs) : jobs_(jobs < 1 ? 1 : jobs) {}
  void run(const std::vector<TrialTask>& tasks, const TrainFn& train, TrialSink& sink,
           const std::function<bool()>& stop) override;
  // As run(), with the tasks claimed from `next`; the executor contract holds
  // with "the vector's order" read as "the order `next` gives".
  void run_from(const NextTask& next, const TrainFn& train, TrialSink& sink,
                const std::function<bool()>& stop);
  int jobs() const override { return jobs_; }

 private:
  int jobs_;
};

}  // namespace sweep::runner
