// The local executor: `jobs` workers in a oneTBB task_arena, each claiming
// the next trial from a shared counter (the most expensive first, as the
// runner orders them) until none is left.
#pragma once

#include "runner/execution/executor.hpp"

namespace sweep::runner {

class TbbExecutor final : public Executor {
 public:
  explicit TbbExecutor(int jobs) : jobs_(jobs < 1 ? 1 : jobs) {}
  void run(const std::vector<TrialTask>& tasks, const TrainFn& train, TrialSink& sink,
           const std::function<bool()>& stop) override;
  int jobs() const override { return jobs_; }

 private:
  int jobs_;
};

}  // namespace sweep::runner
