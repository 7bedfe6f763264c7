#include "runner/mpi/mpi_coordinator.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "engine/errors.hpp"
#include "runner/execution/mpi_wire.hpp"
#include "runner/hashing.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

}  // namespace

MpiCoordinator::MpiCoordinator(MpiComm& comm) : comm_(comm) {
  tally_.ranks.resize(static_cast<std::size_t>(comm_.size()));
  tally_.ranks[0].host = comm_.host();
}

int MpiCoordinator::default_jobs() const {
  return comm_.default_jobs();
}

void MpiCoordinator::prepare(const Spec& spec, int jobs_option, std::uint64_t fingerprint) {
  std::error_code ignored;
  const json body{{"spec", spec.resolved.dump()},
                  {"hash", spec.hash},
                  {"source", spec.source},
                  {"jobs", jobs_option},
                  {"cwd", std::filesystem::current_path(ignored).string()}};
  const std::vector<std::uint8_t> bytes = encode({MessageType::spec, body});
  for (int r = 1; r < comm_.size(); ++r) comm_.send(r, kControlTag, bytes);

  // Every rank answers, even with a problem, so none is left talking.
  std::vector<std::string> build_problems;
  std::vector<std::string> load_problems;
  std::vector<std::string> differing;
  for (int answered = 1; answered < comm_.size(); ++answered) {
    const MpiComm::Received received =
        comm_.receive(MpiComm::kAnySource, kHelloTag, std::chrono::microseconds(50),
                      std::chrono::milliseconds(10));
    const std::string rank = "rank " + std::to_string(received.source);
    WireMessage hello;
    try {
      hello = decode(received.bytes);
    } catch (const WireError& e) {
      build_problems.push_back(rank + " " + e.what());
      continue;
    }
    MpiTally::Rank& known = tally_.ranks[static_cast<std::size_t>(received.source)];
    known.host = hello.body.value("host", "?");
    known.jobs = hello.body.value("jobs", 0);
    known.cores = hello.body.value("cores", 0);
    const std::string where = rank + " on host " + known.host;
    const std::string version = hello.body.value("version", "");
    if (version != SWEEP_VERSION) {
      build_problems.push_back(where + " runs sweep " + version + ", rank 0 runs " + SWEEP_VERSION +
                               " (run the same sweep build on every node)");
    } else if (const std::string error = hello.body.value("error", ""); !error.empty()) {
      load_problems.push_back(where + ": " + error);
    } else if (hello.body.value("fingerprint", std::uint64_t{0}) != fingerprint) {
      differing.push_back(known.host + " (" + rank + ", fingerprint " +
                          hex64(hello.body.value("fingerprint", std::uint64_t{0})) + ")");
    }
  }
  if (!build_problems.empty()) throw std::runtime_error(join(build_problems, "; "));
  if (!load_problems.empty()) throw engine::DatasetError(join(load_problems, "; "));
  if (!differing.empty()) {
    throw engine::DatasetError("the data loaded on host " + join(differing, ", ") +
                               " differs from rank 0's on host " + comm_.host() + " (fingerprint " +
                               hex64(fingerprint) +
                               "): every node needs the same dataset files at the same path");
  }
}

std::unique_ptr<Executor> MpiCoordinator::executor(int jobs) {
  tally_.ranks[0].jobs = jobs;
  tally_.ranks[0].cores = comm_.bound_cores();
  // Trials that share a core run at its speed divided among them: say so
  // once, naming the ranks (a launcher's binding is easy to overlook).
  std::vector<std::string> crowded;
  for (std::size_t r = 0; r < tally_.ranks.size(); ++r) {
    const MpiTally::Rank& rank = tally_.ranks[r];
    if (rank.cores > 0 && rank.jobs > rank.cores)
      crowded.push_back(fmt::format("rank {} on host {} to {} core{} for {} trials at once", r,
                                    rank.host, rank.cores, rank.cores == 1 ? "" : "s", rank.jobs));
  }
  if (!crowded.empty())
    fmt::print(stderr,
               "sweep: warning: the launcher bound {}; give mpirun --bind-to none (or --map-by "
               "slot:PE=N), or srun --cpus-per-task=N\n",
               join(crowded, ", "));
  return std::make_unique<MpiExecutor>(comm_, jobs, tally_);
}

json MpiCoordinator::stats() const {
  json hosts = json::array();
  json jobs = json::array();
  json cores = json::array();
  json trials = json::array();
  json cpu = json::array();
  double wait = 0;
  std::int64_t calls = 0;
  for (std::size_t r = 0; r < tally_.ranks.size(); ++r) {
    const MpiTally::Rank& rank = tally_.ranks[r];
    hosts.push_back(rank.host);
    jobs.push_back(rank.jobs);
    cores.push_back(rank.cores);
    trials.push_back(rank.trials);
    cpu.push_back(r == 0 ? process_cpu_seconds() : rank.cpu_seconds);
    wait += rank.wait_seconds;
    calls += rank.calls;
  }
  return json{{"ranks", comm_.size()},
              {"thread_multiple", comm_.thread_multiple()},
              {"hosts", hosts},
              {"jobs", jobs},
              {"cores", cores},
              {"trials", trials},
              {"cpu_seconds", cpu},
              {"worker_calls", calls},
              {"worker_wait_seconds", wait},
              {"messages_to_rank0", tally_.messages_in},
              {"bytes_to_rank0", tally_.bytes_in},
              {"messages_from_rank0", tally_.messages_out},
              {"bytes_from_rank0", tally_.bytes_out},
              {"epoch_messages", tally_.epoch_messages},
              {"epoch_bytes", tally_.epoch_bytes},
              {"worker_epochs", tally_.worker_epochs},
              {"serve_seconds", tally_.serve_seconds},
              {"server_cpu_seconds", tally_.server_cpu_seconds},
              {"server_wall_seconds", tally_.server_wall_seconds}};
}

void MpiCoordinator::finish(int code) {
  if (finished_) return;
  finished_ = true;
  const std::vector<std::uint8_t> bye = encode({MessageType::bye, json{{"code", code}}});
  for (int r = 1; r < comm_.size(); ++r) comm_.send(r, kControlTag, bye);
}

}  // namespace sweep::runner
