#include "runner/execution/rung_executor.hpp"

#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sweep::runner {
namespace {

struct Live {
  TrialTask task;
  std::unique_ptr<TrialRun> run;
  std::optional<std::string> cut;  // the rung cut it: why
};

// One unit of work: write a cut, or train a trial up to its next rung (a new
// one when `fresh`).
struct Work {
  enum class Kind { cut, train } kind = Kind::train;
  std::int64_t id = 0;
  bool fresh = false;
};

}  // namespace

void RungExecutor::run(const std::vector<TrialTask>& tasks, const StartRunFn& start,
                       RungBoard& board, TrialSink& sink, const std::function<bool()>& stop) {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::int64_t, Live> live;  // started and not finished; node addresses are stable
  std::deque<std::int64_t> cuts;
  std::deque<std::int64_t> promoted;
  std::size_t next_new = 0;
  int busy = 0;
  std::atomic<bool> failed{false};
  std::exception_ptr fatal;

  // Under the lock: the board's decisions become work. Trials that are done
  // already (replayed from the store) are in the decisions too: skipped.
  const auto apply = [&](const std::vector<RungBoard::Decision>& decisions) {
    for (const auto& decision : decisions) {
      for (const std::int64_t id : decision.go_on)
        if (live.count(id) != 0) promoted.push_back(id);
      for (const auto& cut : decision.cuts) {
        const auto found = live.find(cut.id);
        if (found == live.end()) continue;
        found->second.cut = cut.reason;
        cuts.push_back(cut.id);
      }
    }
    if (!decisions.empty()) changed.notify_all();
  };

  // Under the lock: the next work, or none when this worker should end.
  const auto claim = [&](std::unique_lock<std::mutex>& lock) -> std::optional<Work> {
    for (;;) {
      if (failed || stop()) return std::nullopt;
      if (!cuts.empty()) {
        Work work{Work::Kind::cut, cuts.front(), false};
        cuts.pop_front();
        return work;
      }
      if (!promoted.empty()) {
        Work work{Work::Kind::train, promoted.front(), false};
        promoted.pop_front();
        return work;
      }
      if (next_new < tasks.size()) {
        const TrialTask& task = tasks[next_new++];
        live[task.trial_id].task = task;
        return Work{Work::Kind::train, task.trial_id, true};
      }
      if (busy == 0) return std::nullopt;  // nothing left that could make work
      changed.wait(lock);
    }
  };

  const auto worker = [&] {
    std::unique_lock lock(mutex);
    for (;;) {
      const std::optional<Work> work = claim(lock);
      if (!work) {
        changed.notify_all();
        return;
      }
      ++busy;
      Live& trial = live.at(work->id);
      lock.unlock();
      std::vector<RungBoard::Decision> decisions;
      bool ended = false;
      try {
        if (work->kind == Work::Kind::cut) {
          sink.finished(trial.task, trial.run->finish(*trial.cut), nullptr);
          ended = true;
        } else {
          if (work->fresh) {
            sink.started(trial.task);
            trial.run = start(trial.task);
          }
          const TrialTask& task = trial.task;
          TrialHooks hooks;
          hooks.on_epoch = [&](const reports::EpochRecord& epoch) { sink.epoch(task, epoch); };
          hooks.should_stop = [&] { return failed.load(std::memory_order_relaxed) || stop(); };
          double pause = 0.0;
          {
            const std::lock_guard guard(mutex);
            pause = board.next_pause(task.trial_id);
          }
          if (trial.run->advance(pause, hooks)) {
            const RungBoard::Value value = trial.run->standing();
            const std::lock_guard guard(mutex);
            decisions = board.arrive(task.trial_id, value);
          } else {
            const TrialResult result = trial.run->finish();
            const bool interrupted = result.outcome.status == TrialStatus::interrupted;
            sink.finished(task, result, nullptr);
            ended = true;
            // An interrupted trial would have gone on: no rung may decide without it.
            if (!interrupted) {
              const std::lock_guard guard(mutex);
              decisions = board.end(task.trial_id);
            }
          }
        }
      } catch (...) {
        lock.lock();
        if (!fatal) fatal = std::current_exception();
        failed.store(true);
        --busy;
        changed.notify_all();
        return;
      }
      lock.lock();
      --busy;
      if (ended) live.erase(work->id);
      apply(decisions);
      changed.notify_all();
    }
  };

  tbb::task_arena arena(jobs_);
  arena.execute([&] {
    tbb::task_group group;
    for (int j = 0; j < jobs_; ++j) group.run(worker);
    group.wait();
  });
  if (fatal) std::rethrow_exception(fatal);
  // Stopped (Ctrl-C): the trials still paused at a rung end here, in order.
  for (auto& [id, trial] : live) {
    if (!trial.run) continue;
    sink.finished(trial.task, trial.cut ? trial.run->finish(*trial.cut) : trial.run->finish(),
                  nullptr);
  }
}

}  // namespace sweep::runner
