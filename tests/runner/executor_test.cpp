// The executor contract on the oneTBB executor: every claimed trial goes
// through the sink once, in order for itself; claims follow the task order;
// stop() ends the claims; a sink's exception is fatal and rethrown; run_from
// claims from any task source.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runner/execution/executor.hpp"
#include "runner/execution/tbb_executor.hpp"

using sweep::runner::TrialHooks;
using sweep::runner::TrialResult;
using sweep::runner::TrialSink;
using sweep::runner::TrialTask;

namespace {

// Records every event per trial, thread-safely; throws on the epoch it is told to.
class RecordingSink : public TrialSink {
 public:
  std::int64_t fail_on_epoch_of = -1;
  void started(const TrialTask& task) override { add(task.trial_id, "start"); }
  void epoch(const TrialTask& task, const sweep::reports::EpochRecord& e) override {
    if (task.trial_id == fail_on_epoch_of) throw std::runtime_error("disk full");
    add(task.trial_id, "epoch" + std::to_string(e.epoch));
  }
  void finished(const TrialTask& task, const TrialResult&, const TrialTask* next) override {
    add(task.trial_id, "finish");
    if (next != nullptr) add(next->trial_id, "start");
  }
  std::map<std::int64_t, std::vector<std::string>> events;

 private:
  void add(std::int64_t id, const std::string& what) {
    std::lock_guard lock(mutex_);
    events[id].push_back(what);
  }
  std::mutex mutex_;
};

std::vector<TrialTask> tasks(int n) {
  std::vector<TrialTask> out;
  for (int i = 1; i <= n; ++i) out.push_back({i, nullptr});
  return out;
}

TrialResult two_epochs(const TrialTask&, const TrialHooks& hooks) {
  for (int e = 1; e <= 2; ++e) {
    sweep::reports::EpochRecord record;
    record.epoch = e;
    hooks.on_epoch(record);
  }
  return {};
}

}  // namespace

TEST_CASE("executor: every trial is started, fed its epochs and finished exactly once",
          "[executor]") {
  for (int jobs : {1, 2}) {
    RecordingSink sink;
    const auto executor = sweep::runner::make_executor("tbb", jobs);
    CHECK(executor->jobs() == jobs);
    executor->run(tasks(7), two_epochs, sink, [] { return false; });
    REQUIRE(sink.events.size() == 7);
    for (const auto& [id, events] : sink.events)
      CHECK(events == std::vector<std::string>{"start", "epoch1", "epoch2", "finish"});
  }
  CHECK_THROWS_WITH(sweep::runner::make_executor("slurm", 2),
                    "unknown executor \"slurm\"; known: tbb");
}

TEST_CASE("executor: stop() ends the claims: running trials are asked to stop", "[executor]") {
  RecordingSink sink;
  std::atomic<int> claimed{0};
  std::vector<bool> asked_to_stop;
  auto train = [&](const TrialTask&, const TrialHooks& hooks) {
    ++claimed;
    asked_to_stop.push_back(hooks.should_stop());  // one job: no race
    return TrialResult{};
  };
  const auto executor = sweep::runner::make_executor("tbb", 1);
  executor->run(tasks(10), train, sink, [&] { return claimed.load() >= 3; });
  CHECK(asked_to_stop == std::vector<bool>{false, false, true});
  CHECK(claimed == 3);
  CHECK(sink.events.size() == 3);
  CHECK(sink.events.count(1) == 1);  // claims follow the task order
  CHECK(sink.events.count(3) == 1);
}

TEST_CASE("executor: a sink's exception is fatal: no claim after it, rethrown", "[executor]") {
  RecordingSink sink;
  sink.fail_on_epoch_of = 2;
  const auto executor = sweep::runner::make_executor("tbb", 1);
  CHECK_THROWS_WITH(executor->run(tasks(5), two_epochs, sink, [] { return false; }), "disk full");
  CHECK(sink.events.count(3) == 0);
  CHECK(sink.events.at(1) == std::vector<std::string>{"start", "epoch1", "epoch2", "finish"});
  CHECK(sink.events.at(2) == std::vector<std::string>{"start"});
}

TEST_CASE("executor: run_from claims from a task source until it runs dry", "[executor]") {
  for (int jobs : {1, 2}) {
    RecordingSink sink;
    std::mutex mutex;
    std::int64_t handed = 0;
    // Tasks made on demand, as rank 0 of an MPI job hands them out.
    auto next = [&]() -> std::optional<TrialTask> {
      std::lock_guard lock(mutex);
      if (handed == 5) return std::nullopt;
      return TrialTask{++handed, nullptr};
    };
    sweep::runner::TbbExecutor(jobs).run_from(next, two_epochs, sink, [] { return false; });
    REQUIRE(sink.events.size() == 5);
    for (const auto& [id, events] : sink.events)
      CHECK(events == std::vector<std::string>{"start", "epoch1", "epoch2", "finish"});
  }
}
