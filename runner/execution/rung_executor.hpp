// The local executor for pruners that decide on whole rungs (successive
// halving, Hyperband): `jobs` workers in a oneTBB task_arena, as TbbExecutor,
// but a trial's unit of work is a stretch of epochs up to its next rung, not
// the whole trial. A trial that reaches a rung pauses there — its model,
// optimizer state and rng kept in memory (TrialRun) — and its worker moves on
// to other work: a cut to write, a promoted trial to continue, a new trial.
// When the rung's last trial is in, RungBoard decides, and the trials it
// keeps become work again. Decisions depend only on the rung's values, so
// results are bit-identical whatever `jobs` is.
//
// Contract: as Executor's, with these differences. New trials are claimed in
// the vector's order, after the cuts and promotions waiting; `board` must
// already hold the trials that are done (replayed from the store) and is used
// under the executor's lock only. A trial that ends interrupted (Ctrl-C) is
// never told to the board, so no rung decides without it; trials still
// paused when the run stops are finished as interrupted (or pruned, when
// their rung had already cut them). An exception from a trial's training or
// the sink is fatal: nothing more is claimed or written, and it is rethrown.
// Under MPI this executor does not run yet: run_sweep refuses the method.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "runner/execution/trial_sink.hpp"
#include "runner/pruning/rung_board.hpp"
#include "runner/trial_runner.hpp"

namespace sweep::runner {

// Starts a trial: builds its TrialRun (on the worker's thread).
using StartRunFn = std::function<std::unique_ptr<TrialRun>(const TrialTask& task)>;

class RungExecutor {
 public:
  explicit RungExecutor(int jobs) : jobs_(jobs < 1 ? 1 : jobs) {}
  void run(const std::vector<TrialTask>& tasks, const StartRunFn& start, RungBoard& board,
           TrialSink& sink, const std::function<bool()>& stop);
  int jobs() const { return jobs_; }

 private:
  int jobs_;
};

}  // namespace sweep::runner
