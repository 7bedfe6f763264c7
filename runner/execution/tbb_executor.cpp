#include "runner/execution/tbb_executor.hpp"

#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <atomic>
#include <exception>
#include <mutex>

namespace sweep::runner {

void TbbExecutor::run(const std::vector<TrialTask>& tasks, const TrainFn& train, TrialSink& sink,
                      const std::function<bool()>& stop) {
  std::atomic<std::size_t> next{0};
  run_from(
      [&]() -> std::optional<TrialTask> {
        const std::size_t i = next.fetch_add(1);
        if (i < tasks.size()) return tasks[i];
        return std::nullopt;
      },
      train, sink, stop);
}

void TbbExecutor::run_from(const NextTask& next, const TrainFn& train, TrialSink& sink,
                           const std::function<bool()>& stop) {
  std::atomic<bool> failed{false};
  std::exception_ptr fatal;
  std::mutex fatal_mutex;
  auto claim = [&]() -> std::optional<TrialTask> {
    if (failed.load() || stop()) return std::nullopt;
    return next();
  };
  auto worker = [&] {
    struct Done {
      TrialTask task;
      TrialResult result;
    };
    std::optional<Done> done;
    try {
      for (;;) {
        const std::optional<TrialTask> task = claim();
        if (done) {
          sink.finished(done->task, done->result, task ? &*task : nullptr);
        } else if (task) {
          sink.started(*task);
        }
        done.reset();
        if (!task) return;
        TrialHooks hooks;
        hooks.on_epoch = [&](const reports::EpochRecord& epoch) { sink.epoch(*task, epoch); };
        hooks.should_stop = [&] { return failed.load(std::memory_order_relaxed) || stop(); };
        done = Done{*task, train(*task, hooks)};
      }
    } catch (...) {
      std::lock_guard lock(fatal_mutex);
      if (!fatal) fatal = std::current_exception();
      failed.store(true);
    }
  };
  tbb::task_arena arena(jobs());
  arena.execute([&] {
    tbb::task_group group;
    for (int j = 0; j < jobs(); ++j) group.run(worker);
    group.wait();
  });
  if (fatal) std::rethrow_exception(fatal);
}

}  // namespace sweep::runner
