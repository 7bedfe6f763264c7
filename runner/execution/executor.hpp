// An Executor runs a sweep's trials: it claims them in order, trains each
// with the function it is given, and reports every event to the TrialSink.
// It knows nothing of SQLite or of where results go. The oneTBB arena is the
// local executor (TbbExecutor); the MPI executor hands trials to ranks.
//
// Contract: run() claims the tasks in the vector's order, at most its jobs
// at a time, and claims nothing once `stop` returns true; a running trial is
// asked to stop through TrialHooks::should_stop (then it ends interrupted).
// Each claimed trial is started, trained and finished through the sink
// exactly once. An exception from `train` or the sink is fatal: nothing more
// is claimed, running trials are asked to stop, and the first exception is
// rethrown after they returned. Which worker runs which trial never changes a
// trial's numbers: every trial owns its RNG, seeded from its plan.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runner/execution/trial_sink.hpp"

namespace sweep::runner {

// Trains one trial: the runner's run_trial with the task's settings.
using TrainFn = std::function<TrialResult(const TrialTask& task, const TrialHooks& hooks)>;

class Executor {
 public:
  virtual ~Executor() = default;
  virtual void run(const std::vector<TrialTask>& tasks, const TrainFn& train, TrialSink& sink,
                   const std::function<bool()>& stop) = 0;
  // How many trials it runs at once.
  virtual int jobs() const = 0;
};

// The registered executors' names ("tbb").
const std::vector<std::string>& executor_names();
// The executor registered as `name`, running `jobs` trials at once; throws
// engine::ConfigError naming the known ones.
std::unique_ptr<Executor> make_executor(const std::string& name, int jobs);

}  // namespace sweep::runner
