#include "runner/mpi/mpi_executor.hpp"

#include <fmt/core.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "runner/execution/mpi_wire.hpp"
#include "runner/execution/tbb_executor.hpp"
#include "runner/interrupt.hpp"
#include "runner/search/sampler.hpp"

namespace sweep::runner {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

// The trials not yet handed out, the most expensive first; rank 0's own
// workers and the communication thread take from it.
class TaskQueue {
 public:
  explicit TaskQueue(const std::vector<TrialTask>& tasks) : tasks_(tasks) {}
  // Null when every trial was handed out.
  const TrialTask* next() {
    std::lock_guard lock(mutex_);
    if (next_ >= tasks_.size()) return nullptr;
    return &tasks_[next_++];
  }

 private:
  std::mutex mutex_;
  const std::vector<TrialTask>& tasks_;
  std::size_t next_ = 0;
};

// The communication thread: answers every other rank's requests, one at a
// time, until each has said it is done.
class Server {
 public:
  Server(MpiComm& comm, MpiTally& tally, TaskQueue& queue, TrialSink& sink,
         const std::function<bool()>& stop, std::atomic<bool>& halted)
      : comm_(comm), tally_(tally), queue_(queue), sink_(sink), stop_(stop), halted_(halted) {}

  void serve() {
    const auto start = Clock::now();
    const double cpu_start = thread_cpu_seconds();
    int done = 0;
    while (done < comm_.size() - 1) {
      // 2 µs doubling to 500 µs: a reply within tens of µs while epochs
      // stream in; while every rank trains, 2,000 wake-ups a second (a
      // sleep and wake-up costs ~15 µs of CPU in a VM: 3 % of a core).
      // A longer cap would add its half to every worker's epoch.
      MpiComm::Received received =
          comm_.receive(MpiComm::kAnySource, kRequestTag, std::chrono::microseconds(2),
                        std::chrono::microseconds(500));
      const auto served = Clock::now();
      ++tally_.messages_in;
      tally_.bytes_in += static_cast<std::int64_t>(received.bytes.size());
      WireMessage request;
      try {
        request = decode(received.bytes);
      } catch (const WireError& e) {
        fmt::print(stderr, "sweep: rank {} {}\n", received.source, e.what());
        comm_.abort(1);
      }
      if (request.type == MessageType::done) {
        if (request.body.value("i", false)) request_interrupt();
        record_done(received.source, request.body);
        ++done;
        continue;
      }
      if (request.type == MessageType::epoch) {
        ++tally_.epoch_messages;
        tally_.epoch_bytes += static_cast<std::int64_t>(received.bytes.size());
      }
      const json reply = answer(received.source, request);
      const std::vector<std::uint8_t> bytes = encode({MessageType::reply, reply});
      comm_.send(received.source, request.body.at("r").get<int>(), bytes);
      ++tally_.messages_out;
      tally_.bytes_out += static_cast<std::int64_t>(bytes.size());
      tally_.serve_seconds += seconds_since(served);
    }
    tally_.server_cpu_seconds = thread_cpu_seconds() - cpu_start;
    tally_.server_wall_seconds = seconds_since(start);
  }

  std::exception_ptr fatal() const { return fatal_; }
  // What a worker rank reported when it ended with an error of its own.
  const std::optional<std::string>& worker_error() const { return worker_error_; }

 private:
  json answer(int source, const WireMessage& request) {
    if (request.body.value("i", false)) request_interrupt();
    json reply{{"ok", true}};
    try {
      switch (request.type) {
        case MessageType::next:
          if (!halted_.load() && !stop_()) {
            if (const TrialTask* task = queue_.next()) {
              owner_[task->trial_id] = {source, task};
              ++tally_.ranks[static_cast<std::size_t>(source)].trials;
              reply["task"] = {{"id", task->trial_id},
                               {"hash", task->plan->config_hash},
                               {"repeat", task->plan->repeat}};
            }
          }
          break;
        case MessageType::started:
          refuse_when_halted();
          sink_.started(task_of(source, request.body.at("trial")));
          break;
        case MessageType::epoch:
          refuse_when_halted();
          sink_.epoch(task_of(source, request.body.at("trial")),
                      epoch_from_wire(request.body.at("epoch")));
          ++tally_.worker_epochs;
          break;
        case MessageType::finished: {
          refuse_when_halted();
          const TrialTask task = task_of(source, request.body.at("trial"));
          const json& next_id = request.body.at("next");
          std::optional<TrialTask> next;
          if (!next_id.is_null()) next = task_of(source, next_id);
          const TrialResult result = result_from_wire(request.body.at("result"));
          sink_.finished(task, result, next ? &*next : nullptr);
          if (result.outcome.final_epoch) ++tally_.worker_epochs;
          break;
        }
        default:
          throw WireError("sent a " + std::string{to_string(request.type)} +
                          " message where a request was due");
      }
    } catch (...) {
      if (!fatal_) fatal_ = std::current_exception();
      halted_.store(true);
      reply = {{"ok", false}, {"error", message_of(fatal_)}};
    }
    reply["stop"] = halted_.load() || stop_();
    return reply;
  }

  void refuse_when_halted() const {
    if (halted_.load() && fatal_) std::rethrow_exception(fatal_);
    if (halted_.load()) throw std::runtime_error("the sweep stopped on rank 0");
  }

  // The task a worker names by its id; only trials handed to that rank.
  TrialTask task_of(int source, const json& id) {
    const auto found = owner_.find(id.get<std::int64_t>());
    if (found == owner_.end() || found->second.rank != source)
      throw WireError("rank " + std::to_string(source) + " reported trial " + id.dump() +
                      ", which rank 0 did not hand to it");
    return *found->second.task;
  }

  void record_done(int source, const json& body) {
    MpiTally::Rank& rank = tally_.ranks[static_cast<std::size_t>(source)];
    rank.cpu_seconds = body.value("cpu_seconds", 0.0);
    rank.calls = body.value("calls", std::int64_t{0});
    rank.wait_seconds = body.value("wait_seconds", 0.0);
    const std::string error = body.value("error", "");
    if (!error.empty() && !worker_error_)
      worker_error_ = "rank " + std::to_string(source) + " on host " + rank.host + ": " + error;
  }

  struct Owner {
    int rank = 0;
    const TrialTask* task = nullptr;
  };
  MpiComm& comm_;
  MpiTally& tally_;
  TaskQueue& queue_;
  TrialSink& sink_;
  const std::function<bool()>& stop_;
  std::atomic<bool>& halted_;
  std::map<std::int64_t, Owner> owner_;
  std::exception_ptr fatal_;
  std::optional<std::string> worker_error_;
};

}  // namespace

MpiExecutor::MpiExecutor(MpiComm& comm, int local_jobs, MpiTally& tally)
    : comm_(comm), local_jobs_(local_jobs < 0 ? 0 : local_jobs), tally_(tally) {}

int MpiExecutor::jobs() const {
  int jobs = local_jobs_;
  for (std::size_t r = 1; r < tally_.ranks.size(); ++r) jobs += tally_.ranks[r].jobs;
  return jobs;
}

void MpiExecutor::run(const std::vector<TrialTask>& tasks, const TrainFn& train, TrialSink& sink,
                      const std::function<bool()>& stop) {
  TaskQueue queue(tasks);
  std::atomic<bool> halted{false};
  const std::vector<std::uint8_t> go = encode({MessageType::go, json::object()});
  for (int r = 1; r < comm_.size(); ++r) comm_.send(r, kControlTag, go);
  Server server(comm_, tally_, queue, sink, stop, halted);
  std::thread thread([&] {
    try {
      server.serve();
    } catch (const std::exception& e) {
      // MPI itself failed: no rank can be trusted to answer any more.
      fmt::print(stderr, "sweep: {}\n", e.what());
      comm_.abort(1);
    }
  });
  std::exception_ptr local_fatal;
  std::atomic<std::int64_t> local_trials{0};
  if (local_jobs_ > 0) {
    try {
      TbbExecutor(local_jobs_)
          .run_from(
              [&]() -> std::optional<TrialTask> {
                const TrialTask* task = halted.load() ? nullptr : queue.next();
                if (task == nullptr) return std::nullopt;
                ++local_trials;
                return *task;
              },
              train, sink, [&] { return halted.load() || stop(); });
    } catch (...) {
      local_fatal = std::current_exception();
      halted.store(true);
    }
  }
  thread.join();
  tally_.ranks[0].trials = local_trials.load();
  if (local_fatal) std::rethrow_exception(local_fatal);
  if (server.fatal()) std::rethrow_exception(server.fatal());
  if (server.worker_error()) throw std::runtime_error(*server.worker_error());
}

}  // namespace sweep::runner
