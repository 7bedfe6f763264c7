#include "runner/mpi/mpi_worker.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "runner/errors.hpp"
#include "runner/execution/mpi_wire.hpp"
#include "runner/execution/tbb_executor.hpp"
#include "runner/interrupt.hpp"
#include "runner/mpi/mpi_executor.hpp"
#include "runner/pruning/pruner.hpp"
#include "runner/search/sampler.hpp"
#include "runner/spec/spec.hpp"
#include "runner/sweep_data.hpp"

namespace sweep::runner {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Rank 0's next control message (spec, go or bye), waited for without
// spinning: a worker may wait minutes while rank 0 opens a big database.
WireMessage next_control(MpiComm& comm) {
  const MpiComm::Received received =
      comm.receive(0, kControlTag, std::chrono::microseconds(50), std::chrono::milliseconds(20));
  return decode(received.bytes);
}

// This rank's line to rank 0: a request and its reply, from any thread;
// each thread gets its own reply tag, so replies never cross.
class RankLink {
 public:
  explicit RankLink(MpiComm& comm) : comm_(comm) {}

  // Throws std::runtime_error with rank 0's message when it refused.
  json call(MessageType type, json body) {
    thread_local const int slot = next_slot_++;
    const int tag = kReplyTags + slot;
    body["r"] = tag;
    body["i"] = interrupt_requested();
    const auto start = Clock::now();
    comm_.send(0, kRequestTag, encode({type, std::move(body)}));
    // 2 µs doubling to 200 µs: rank 0 answers within tens of µs (one
    // commit); this thread has nothing else to do meanwhile.
    const MpiComm::Received received =
        comm_.receive(0, tag, std::chrono::microseconds(2), std::chrono::microseconds(200));
    const double waited = std::chrono::duration<double>(Clock::now() - start).count();
    {
      std::lock_guard lock(mutex_);
      wait_seconds_ += waited;
      ++calls_;
    }
    WireMessage reply = decode(received.bytes);
    if (reply.body.value("stop", false)) stop_.store(true);
    if (!reply.body.value("ok", false))
      throw std::runtime_error("rank 0 refused: " + reply.body.value("error", std::string{}));
    return std::move(reply.body);
  }

  bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }
  double wait_seconds() const {
    std::lock_guard lock(mutex_);
    return wait_seconds_;
  }
  std::int64_t calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  MpiComm& comm_;
  std::atomic<int> next_slot_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  double wait_seconds_ = 0;
  std::int64_t calls_ = 0;
};

// Every event goes to rank 0, which commits it before it replies.
class RemoteSink final : public TrialSink {
 public:
  explicit RemoteSink(RankLink& link) : link_(link) {}
  void started(const TrialTask& task) override {
    link_.call(MessageType::started, {{"trial", task.trial_id}});
  }
  void epoch(const TrialTask& task, const reports::EpochRecord& epoch) override {
    link_.call(MessageType::epoch, {{"trial", task.trial_id}, {"epoch", epoch_to_wire(epoch)}});
  }
  void finished(const TrialTask& task, const TrialResult& result, const TrialTask* next) override {
    link_.call(MessageType::finished, {{"trial", task.trial_id},
                                       {"result", result_to_wire(result)},
                                       {"next", next ? json(next->trial_id) : json()}});
  }

 private:
  RankLink& link_;
};

// What a worker needs to run the sweep's trials, built from rank 0's spec.
struct Prepared {
  Spec spec;
  std::vector<TrialPlan> plans;
  SweepData data;
};

int jobs_for(int jobs_option, const MpiComm& comm) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (jobs_option > 0) return std::min(jobs_option, cores);
  return comm.default_jobs();
}

// Expands rank 0's spec and loads the data in rank 0's working directory
// (relative dataset paths mean the same on every node); throws what a local
// run would.
void prepare(const json& body, Prepared& out) {
  const std::string cwd = body.at("cwd").get<std::string>();
  std::error_code error;
  std::filesystem::current_path(cwd, error);
  if (error)
    throw std::runtime_error("cannot enter rank 0's folder " + cwd + ": " + error.message());
  out.spec = parse_spec(json::parse(body.at("spec").get<std::string>()),
                        body.at("source").get<std::string>(), SpecOrigin::stored);
  if (out.spec.hash != body.at("hash").get<std::string>())
    throw std::runtime_error("the spec resolves to hash " + out.spec.hash + " here, " +
                             body.at("hash").get<std::string>() + " on rank 0");
  out.plans = expand(out.spec);
  out.data = load_sweep_data(out.spec, out.plans);
}

std::string error_text(const std::exception& e) {
  if (const auto* spec_error = dynamic_cast<const SpecError*>(&e)) {
    std::string text;
    for (const auto& line : spec_error->lines()) text += (text.empty() ? "" : "; ") + line;
    return text;
  }
  return e.what();
}

// Waits for rank 0's bye. A worker exits 0 whatever happened: rank 0
// reported its problems, and exits with the sweep's code (a worker's
// non-zero exit would make mpirun end rank 0 before it has finished).
int wait_for_bye(MpiComm& comm) {
  for (;;) {
    if (next_control(comm).type == MessageType::bye) return 0;
  }
}

}  // namespace

int run_worker(MpiComm& comm) {
  install_interrupt_handler();
  // From the first message to the last, a signal (mpirun passes SIGTERM on
  // to every rank) stops the trials at their next batch, to be marked
  // interrupted by rank 0, instead of ending the process.
  const InterruptScope graceful(/*announce=*/false);  // rank 0 says it for the job
  WireMessage first = next_control(comm);
  if (first.type == MessageType::bye) return 0;

  Prepared prepared;
  const int jobs = jobs_for(first.body.value("jobs", 0), comm);
  json hello{{"host", comm.host()},
             {"version", SWEEP_VERSION},
             {"jobs", jobs},
             {"cores", comm.bound_cores()}};
  try {
    prepare(first.body, prepared);
    hello["fingerprint"] = data_fingerprint(prepared.data);
  } catch (const std::exception& e) {
    hello["error"] = error_text(e);
  }
  comm.send(0, kHelloTag, encode({MessageType::hello, hello}));
  if (hello.contains("error")) return wait_for_bye(comm);
  const WireMessage go = next_control(comm);
  if (go.type == MessageType::bye) return 0;

  const std::vector<std::unique_ptr<Pruner>> pruners = sweep_pruners(prepared.spec);
  const TrainFn train = make_train_fn(prepared.spec, prepared.data, pruners);
  RankLink link(comm);
  RemoteSink sink(link);
  // A trial's identity, as in the store: (config hash, repeat).
  std::map<std::pair<std::string, int>, const TrialPlan*> plans;
  for (const TrialPlan& plan : prepared.plans) plans[{plan.config_hash, plan.repeat}] = &plan;
  auto next = [&]() -> std::optional<TrialTask> {
    const json reply = link.call(MessageType::next, json::object());
    if (!reply.contains("task")) return std::nullopt;
    const json& task = reply["task"];
    const auto found =
        plans.find({task.at("hash").get<std::string>(), task.at("repeat").get<int>()});
    if (found == plans.end())
      throw std::runtime_error("rank 0 handed out trial " + task.dump() +
                               ", which this rank's expansion of the spec does not hold");
    return TrialTask{task.at("id").get<std::int64_t>(), found->second};
  };
  json done = json::object();
  try {
    TbbExecutor(jobs).run_from(next, train, sink,
                               [&] { return interrupt_requested() || link.stop_requested(); });
  } catch (const std::exception& e) {
    done["error"] = e.what();
  }
  done["i"] = interrupt_requested();
  done["cpu_seconds"] = process_cpu_seconds();
  done["calls"] = link.calls();
  done["wait_seconds"] = link.wait_seconds();
  comm.send(0, kRequestTag, encode({MessageType::done, done}));
  return wait_for_bye(comm);
}

}  // namespace sweep::runner
