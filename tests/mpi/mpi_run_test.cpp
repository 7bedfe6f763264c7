// `mpirun -n 3 sweep run` on this machine: the same epochs, bit for bit, as
// `sweep run --jobs 1`; a worker rank killed mid-sweep fails the job and
// leaves a database that `sweep resume` (without mpirun) completes to the
// same values; `sweep show` reads the database while the ranks write; SIGINT
// to mpirun marks the running trials interrupted, and `mpirun ... sweep
// resume` finishes them; a rank whose data differs is refused before the
// database is touched, naming its host; ranks bound to fewer cores than
// their --jobs are named in a warning.
//
// Open MPI on a single machine, possibly as root and in a container:
// --allow-run-as-root (as root), --oversubscribe (more ranks than cores),
// shared memory only (--mca btl self,vader), the loopback interface for the
// launcher's own traffic, and no hwloc OpenGL probe (HWLOC_COMPONENTS=-gl).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/db.hpp"
#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::epoch_rows;
using sweep::test::query;
using sweep::test::query_one;
using sweep::test::read_file;
using sweep::test::run_command;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

// The launcher's command line for `ranks` ranks of the sweep binary.
std::string mpirun(int ranks, const std::string& placement = "--oversubscribe") {
  std::string command = "env HWLOC_COMPONENTS=-gl " + quoted(SWEEP_MPIRUN);
  if (geteuid() == 0) command += " --allow-run-as-root";
  command += " " + placement + " --mca btl self,vader --mca oob_tcp_if_include lo -n " +
             std::to_string(ranks) + " " + quoted(SWEEP_BINARY);
  return command;
}

// Small and quick: 24 trials (2 repeats) of 30 short epochs, diverged ones
// included (NaN losses travel too).
json small_spec() {
  return json::parse(R"({
    "name": "mpi-small",
    "seed": 7,
    "dataset": {"name": "spirals", "samples": 1500, "classes": 3, "noise": 0.2,
                "validation_split": 0.2},
    "model": {"layers": [{"type": "dense", "units": 64, "activation": "relu"},
                         {"type": "dense", "units": 64, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 30, "batch_size": 32, "metrics": ["accuracy", "f1_score"]},
    "search": {"parameters": {"optimizer": ["sgd", "adam"],
                              "learning_rate": {"logspace": [1e-4, 10, 6]}},
               "repeats": 2}
  })");
}

// Slow enough that every rank is mid-trial when the test strikes: 9 trials
// of `epochs` epochs of 600 batches.
json slow_spec(int epochs) {
  json spec = json::parse(R"({
    "name": "mpi-slow",
    "seed": 11,
    "dataset": {"name": "spirals", "samples": 12000, "noise": 0.2, "validation_split": 0.2},
    "model": {"layers": [{"type": "dense", "units": 64, "activation": "relu"},
                         {"type": "dense", "units": 64, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"batch_size": 16, "metrics": ["accuracy"]},
    "search": {"parameters": {"optimizer": ["sgd", "adam", "rmsprop"],
                              "learning_rate": [0.001, 0.01, 0.1]}}
  })");
  spec["training"]["epochs"] = epochs;
  return spec;
}
constexpr int kSlowTrials = 9;

// `sweep export NAME --csv` without the seconds column (wall time differs
// between runs; every other value must not).
std::string export_without_seconds(const std::string& name, const std::string& db) {
  const auto exported = run_sweep("export " + name + " --csv --db " + quoted(db));
  REQUIRE(exported.exit_code == 0);
  std::istringstream lines(exported.out);
  std::string line;
  std::getline(lines, line);
  const auto columns = [](const std::string& row) {
    std::vector<std::string> fields;
    std::stringstream stream(row);
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    return fields;
  };
  const std::vector<std::string> header = columns(line);
  std::size_t seconds = header.size();
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == "seconds") seconds = i;
  REQUIRE(seconds < header.size());
  std::string out;
  for (std::istringstream all(exported.out); std::getline(all, line);) {
    const auto fields = columns(line);
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (i != seconds) out += fields[i] + ",";
    out += "\n";
  }
  return out;
}

// Every trial's outcome at full precision, in a stable order.
std::vector<std::vector<std::string>> outcomes(const std::string& db) {
  return query(db,
               "SELECT config_hash, repeat, status, best_epoch, objective, test_metrics_json, "
               "div_epoch, div_batch, div_loss FROM trials ORDER BY config_hash, repeat");
}

std::vector<std::vector<std::string>> traces(const std::string& db) {
  return query(db,
               "SELECT t.config_hash, t.repeat, l.epoch, hex(l.points) FROM loss_traces l JOIN "
               "trials t ON t.id = l.trial_id ORDER BY t.config_hash, t.repeat, l.epoch");
}

int count(const std::string& db, const std::string& sql) {
  try {
    return std::stoi(query_one(db, sql));
  } catch (const std::exception&) {
    return 0;  // no database yet
  }
}

// The direct child of `parent` that is MPI rank `rank`, or -1.
pid_t rank_pid(pid_t parent, int rank) {
  // Appended, not "..." + std::to_string(rank): GCC 12 warns of an
  // out-of-bounds memcpy in that sum (a false positive, -Warray-bounds).
  std::string wanted = "OMPI_COMM_WORLD_RANK=";
  wanted += std::to_string(rank);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::istringstream stat(read_file(entry.path() / "stat"));
    std::string pid, command, state;
    pid_t ppid = 0;
    stat >> pid >> command >> state >> ppid;
    if (ppid != parent) continue;
    std::string environ = read_file(entry.path() / "environ");
    std::istringstream variables(environ);
    for (std::string variable; std::getline(variables, variable, '\0');)
      if (variable == wanted) return std::stoi(name);
  }
  return -1;
}

// Waits up to 10 s for process `pid` to be gone (after mpirun returned, the
// ranks it killed may take a moment to be reaped); false if it is still there.
bool gone(pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling interval only
  }
  return false;
}

// mpirun in a child process, its output in files.
struct RunningJob {
  TempDir dir;
  pid_t pid = -1;
  int status = 0;
  bool exited = false;
  std::string out = dir / "stdout.txt";
  std::string err = dir / "stderr.txt";

  explicit RunningJob(const std::string& command) {
    pid = fork();
    if (pid == 0) {
      const int output = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int errors = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int null = open("/dev/null", O_RDONLY);
      dup2(null, STDIN_FILENO);
      dup2(output, STDOUT_FILENO);
      dup2(errors, STDERR_FILENO);
      const std::string exec = "exec " + command;
      execl("/bin/sh", "sh", "-c", exec.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~RunningJob() {
    if (pid > 0 && !exited) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
  }
  // Polls `db` until `trials` trials are running with a committed epoch
  // each; false when the job ended first or 3 minutes passed.
  bool wait_for_running(const std::string& db, int trials) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (std::chrono::steady_clock::now() < deadline) {
      if (count(db,
                "SELECT count(*) FROM trials t WHERE t.status = 'running' AND EXISTS (SELECT 1 "
                "FROM epochs e WHERE e.trial_id = t.id)") >= trials)
        return true;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval only
    }
    return false;
  }
  void wait() {
    waitpid(pid, &status, 0);
    exited = true;
  }
};

}  // namespace

TEST_CASE("mpirun -n 3 gives the epochs of --jobs 1, bit for bit", "[mpi]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, small_spec().dump());
  const std::string local_db = dir / "local.db";
  const std::string mpi_db = dir / "mpi.db";
  const auto local = run_sweep("run " + quoted(spec) + " --jobs 1 --db " + quoted(local_db) +
                               " --out " + quoted(dir / "local"));
  REQUIRE(local.exit_code == 0);
  const auto job =
      run_command(mpirun(3) + " run " + quoted(spec) + " --jobs 1 --db " + quoted(mpi_db) +
                  " --out " + quoted(dir / "mpi") + " --stats " + quoted(dir / "stats.json"));
  INFO(job.err);
  REQUIRE(job.exit_code == 0);
  // Rank 0 alone reports: one summary.
  CHECK(job.out.find("best: ") != std::string::npos);
  CHECK(job.out.find("best: ") == job.out.rfind("best: "));

  CHECK(export_without_seconds("mpi-small", mpi_db) ==
        export_without_seconds("mpi-small", local_db));
  CHECK(epoch_rows(mpi_db) == epoch_rows(local_db));
  CHECK(outcomes(mpi_db) == outcomes(local_db));
  CHECK(traces(mpi_db) == traces(local_db));
  CHECK(query_one(mpi_db, "SELECT status || ' ' || jobs FROM sweeps") == "completed 3");
  CHECK(query_one(mpi_db, "PRAGMA integrity_check") == "ok");

  const json stats = json::parse(read_file(dir / "stats.json"));
  const json& cluster = stats.at("cluster");
  CHECK(cluster.at("ranks") == 3);
  CHECK(cluster.at("jobs") == json::array({1, 1, 1}));
  int trials = 0;
  for (const auto& n : cluster.at("trials")) trials += n.get<int>();
  CHECK(trials == 24);
  CHECK(cluster.at("trials")[0].get<int>() < 24);  // the workers ran some
  CHECK(cluster.at("epoch_messages").get<int>() > 0);

  // Commands that need no MPI answer once under mpirun.
  const auto show = run_command(mpirun(3) + " show mpi-small --db " + quoted(mpi_db));
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("mpi-small: 24 trials") != std::string::npos);
  CHECK(show.out.find("mpi-small: 24 trials") == show.out.rfind("mpi-small: 24 trials"));
}

TEST_CASE("a worker rank killed mid-sweep fails the job: sweep resume completes it", "[mpi]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  constexpr int kEpochs = 12;
  write_file(spec, slow_spec(kEpochs).dump());
  const std::string db = dir / "killed.db";
  RunningJob job(mpirun(3) + " run " + quoted(spec) + " --jobs 1 --db " + quoted(db) + " --out " +
                 quoted(dir / "r"));
  REQUIRE(job.pid > 0);
  REQUIRE(job.wait_for_running(db, 3));  // every rank mid-trial
  const pid_t coordinator = rank_pid(job.pid, 0);
  const pid_t worker = rank_pid(job.pid, 1);
  REQUIRE(coordinator > 0);
  REQUIRE(worker > 0);
  kill(worker, SIGKILL);
  job.wait();
  INFO(read_file(job.err));
  CHECK_FALSE((WIFEXITED(job.status) && WEXITSTATUS(job.status) == 0));
  // Rank 0 holds the lease until it is gone (mpirun ended it).
  REQUIRE(gone(coordinator));
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");
  CHECK(count(db, "SELECT count(*) FROM epochs") < kSlowTrials * kEpochs);

  // Without mpirun: exactly the trials that are not done.
  const auto resumed =
      run_sweep("resume mpi-slow --jobs 2 --db " + quoted(db) + " --out " + quoted(dir / "r"));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(count(db, "SELECT count(*) FROM epochs") == kSlowTrials * kEpochs);
  CHECK(count(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == kSlowTrials);
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");

  const std::string clean = dir / "clean.db";
  const auto reference = run_sweep("run " + quoted(spec) + " --jobs 1 --db " + quoted(clean) +
                                   " --out " + quoted(dir / "c"));
  REQUIRE(reference.exit_code == 0);
  CHECK(export_without_seconds("mpi-slow", db) == export_without_seconds("mpi-slow", clean));
  CHECK(outcomes(db) == outcomes(clean));
}

TEST_CASE("SIGINT to mpirun marks running trials interrupted: mpirun ... resume finishes them",
          "[mpi]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  // mpirun passes the signal on as SIGTERM about a second later
  // (odls_base_sigkill_timeout): the sweep must still be running then, with
  // room to spare on an idle machine (40 epochs a trial let a whole sweep end
  // within that second there; 200 take ~2 s a trial).
  constexpr int kEpochs = 200;
  write_file(spec, slow_spec(kEpochs).dump());
  const std::string db = dir / "interrupted.db";
  RunningJob job(mpirun(3) + " run " + quoted(spec) + " --jobs 1 --db " + quoted(db) + " --out " +
                 quoted(dir / "r"));
  REQUIRE(job.pid > 0);
  REQUIRE(job.wait_for_running(db, 3));
  // Rank 0's database answers while the ranks write.
  const auto show = run_sweep("show mpi-slow --db " + quoted(db));
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("mpi-slow: 9 trials") != std::string::npos);
  const pid_t coordinator = rank_pid(job.pid, 0);
  REQUIRE(coordinator > 0);
  kill(job.pid, SIGINT);
  job.wait();
  REQUIRE(gone(coordinator));
  const std::string err = read_file(job.err);
  INFO(err);
  // mpirun reports its own signal (exit 1); rank 0 marked the sweep and said
  // so once for the job (the worker ranks stop quietly).
  CHECK_FALSE((WIFEXITED(job.status) && WEXITSTATUS(job.status) == 0));
  std::size_t stopping = 0;
  for (auto at = err.find("sweep: stopping:"); at != std::string::npos;
       at = err.find("sweep: stopping:", at + 1))
    ++stopping;
  CHECK(stopping == 1);
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");
  CHECK(query_one(db, "SELECT status FROM sweeps") == "interrupted");
  CHECK(count(db, "SELECT count(*) FROM trials WHERE status = 'running'") == 0);
  CHECK(count(db, "SELECT count(*) FROM trials WHERE status = 'interrupted'") >= 1);

  // Rank 0 only coordinating this time.
  const auto resumed = run_command(mpirun(3) + " resume mpi-slow --jobs 1 --rank0-jobs 0 --db " +
                                   quoted(db) + " --out " + quoted(dir / "r"));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(query_one(db, "SELECT status FROM sweeps") == "completed");
  CHECK(count(db, "SELECT count(*) FROM epochs") == kSlowTrials * kEpochs);

  const std::string clean = dir / "clean.db";
  REQUIRE(run_sweep("run " + quoted(spec) + " --jobs 2 --db " + quoted(clean) + " --out " +
                    quoted(dir / "c"))
              .exit_code == 0);
  CHECK(export_without_seconds("mpi-slow", db) == export_without_seconds("mpi-slow", clean));
}

TEST_CASE("a rank whose data differs is refused, naming its host, before the store is touched",
          "[mpi]") {
  TempDir dir;
  // Two CSV files that differ in one row; rank 2 sees the second one at the
  // first one's path, through a bind mount in a mount namespace of its own.
  std::string rows = "x1,x2,label\n";
  for (int i = 0; i < 100; ++i)
    rows += std::to_string((i % 7) * 0.25 - 0.75) + "," + std::to_string((i % 5) * 0.4 - 0.8) +
            "," + std::to_string(i % 2) + "\n";
  write_file(dir / "data.csv", rows);
  write_file(dir / "other.csv", rows + "0.5,0.5,1\n");
  const auto probe = run_command("unshare -m sh -c 'mount --bind " + quoted(dir / "other.csv") +
                                 " " + quoted(dir / "data.csv") + "'");
  if (probe.exit_code != 0) {
    WARN("skipped: cannot bind-mount in a mount namespace here (" + probe.err + ")");
    return;
  }
  json spec = json::parse(R"({
    "name": "mpi-data",
    "dataset": {"name": "csv", "label_column": "label", "validation_split": 0.2},
    "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]},
    "training": {"epochs": 1}
  })");
  spec["dataset"]["path"] = dir / "data.csv";
  write_file(dir / "spec.json", spec.dump());
  const std::string db = dir / "data.db";
  const std::string args = " run " + quoted(dir / "spec.json") + " --jobs 1 --db " + quoted(db);
  // MPMD: ranks 0 and 1 as usual, rank 2 inside its namespace.
  const std::string rank2 = "unshare -m sh -c \"mount --bind '" + dir / "other.csv" + "' '" +
                            dir / "data.csv" + "' && exec '" + SWEEP_BINARY + "'" + args + "\"";
  const auto job = run_command(mpirun(2) + args + " : -n 1 " + rank2);
  CHECK(job.exit_code == 2);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  CHECK(job.err.find("sweep: the data loaded on host " + std::string{host} + " (rank 2, ") !=
        std::string::npos);
  CHECK(job.err.find("every node needs the same dataset files at the same path") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("ranks bound to fewer cores than their trials at once are named in one warning",
          "[mpi]") {
  if (std::thread::hardware_concurrency() < 2) {
    WARN("skipped: binding 2 ranks to a core each needs 2 cores");
    return;
  }
  TempDir dir;
  const std::string spec = dir / "spec.json";
  json small = small_spec();
  small["training"]["epochs"] = 2;
  write_file(spec, small.dump());
  const auto job = run_command(mpirun(2, "--bind-to core") + " run " + quoted(spec) +
                               " --jobs 2 --db " + quoted(dir / "bound.db") + " --out " +
                               quoted(dir / "r") + " --stats " + quoted(dir / "stats.json"));
  INFO(job.err);
  REQUIRE(job.exit_code == 0);
  CHECK(job.err.find("sweep: warning: the launcher bound rank 0 on host ") != std::string::npos);
  CHECK(job.err.find(" to 1 core for 2 trials at once, rank 1 on host ") != std::string::npos);
  CHECK(job.err.find("give mpirun --bind-to none (or --map-by slot:PE=N), or srun "
                     "--cpus-per-task=N\n") != std::string::npos);
  const json stats = json::parse(read_file(dir / "stats.json"));
  CHECK(stats.at("cluster").at("cores") == json::array({1, 1}));
}

TEST_CASE("a spec with pruning.method is refused under MPI with one line, before the store",
          "[mpi][halving]") {
  TempDir dir;
  const json spec = json::parse(R"({
    "name": "mpi-halving",
    "dataset": {"name": "spirals", "samples": 300},
    "model": {"layers": [{"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 3},
    "search": {"parameters": {"learning_rate": [0.01, 0.1]}},
    "pruning": {"method": "successive_halving"}
  })");
  write_file(dir / "spec.json", spec.dump());
  const std::string db = dir / "halving.db";
  const auto job =
      run_command(mpirun(2) + " run " + quoted(dir / "spec.json") + " --jobs 1 --db " + quoted(db));
  CHECK(job.exit_code == 2);
  CHECK(
      job.err.find("sweep: pruning.method successive_halving does not run under MPI yet; run "
                   "the sweep on one machine (without mpirun), or set pruning.method to none\n") !=
      std::string::npos);
  CHECK_FALSE(std::filesystem::exists(db));
}
