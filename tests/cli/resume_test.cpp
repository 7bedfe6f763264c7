// Crash safety: a sweep killed with SIGKILL mid-run, then resumed, ends with
// exactly the rows and values of an uninterrupted run; Ctrl-C; the lease.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/db.hpp"
#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::epoch_rows;
using sweep::test::execute;
using sweep::test::query;
using sweep::test::query_one;
using sweep::test::read_file;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;
using sweep::test::write_lock_free;

namespace {

constexpr int kTrials = 4;
constexpr int kEpochs = 12;

json slow_spec() {
  // Big enough that each trial runs for a while, so the signal lands mid-trial.
  return json::parse(R"({
    "name": "crash",
    "seed": 11,
    "dataset": {"name": "spirals", "samples": 12000, "noise": 0.2, "validation_split": 0.2},
    "model": {"layers": [{"type": "dense", "units": 64, "activation": "relu"},
                         {"type": "dense", "units": 64, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 12, "batch_size": 16, "metrics": ["accuracy"]},
    "search": {"parameters": {"optimizer": ["sgd", "adam"], "learning_rate": [0.001, 0.01]}}
  })");
}

// Trials that are running and have at least one committed epoch; 0 while the
// database does not exist yet.
int running_with_epochs(const std::string& db) {
  try {
    return std::stoi(query_one(db,
                               "SELECT count(*) FROM trials t WHERE t.status = 'running' AND "
                               "EXISTS (SELECT 1 FROM epochs e WHERE e.trial_id = t.id)"));
  } catch (const std::exception&) {
    return 0;
  }
}

// `sweep run` of the slow spec in a child process, writing to dir/crash.db.
// Starts `sweep ARGS` in a child process, its stdout to /dev/null and its
// stderr to the file `err`; returns its pid.
pid_t spawn_sweep(std::vector<const char*> args, const std::string& err) {
  args.insert(args.begin(), SWEEP_BINARY);
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // dup2, not freopen: freopen would flush the parent's buffered output twice.
    const int null = open("/dev/null", O_WRONLY);
    const int errors = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(null, STDOUT_FILENO);
    dup2(errors, STDERR_FILENO);
    execv(SWEEP_BINARY, const_cast<char* const*>(args.data()));
    _exit(127);
  }
  return pid;
}

struct RunningSweep {
  TempDir dir;
  std::string spec = dir / "spec.json";
  std::string db = dir / "crash.db";
  pid_t pid = -1;
  int status = 0;
  bool exited = false;

  std::string err = dir / "stderr.txt";  // what the child printed on stderr

  explicit RunningSweep(const char* jobs) {
    write_file(spec, slow_spec().dump());
    start({"run", spec.c_str(), "--jobs", jobs});
  }
  // Starts `sweep ARGS --db DB --out DIR/r` in a child process.
  void start(std::vector<const char*> args) {
    exited = false;
    const std::string out = dir / "r";
    for (const char* more : {"--db", db.c_str(), "--out", out.c_str()}) args.push_back(more);
    pid = spawn_sweep(std::move(args), err);
  }
  // Polls until at least `epochs` epoch rows are committed; false if the
  // process ended first or 3 minutes passed.
  bool wait_for_epochs(int epochs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (std::stoi(query_one(db, "SELECT count(*) FROM epochs")) >= epochs) return true;
      } catch (const std::exception&) {
      }
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling interval only
    }
    return false;
  }
  ~RunningSweep() {
    if (pid > 0 && !exited) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
  }
  // Polls the database until `trials` trials are mid-way, each with a
  // committed epoch; false if the process ended first or 3 minutes passed.
  bool wait_for_running(int trials) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (std::chrono::steady_clock::now() < deadline) {
      if (running_with_epochs(db) >= trials) return true;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval only
    }
    return false;
  }
  void signal_and_wait(int signal) {
    kill(pid, signal);
    waitpid(pid, &status, 0);
    exited = true;
  }
  // Waits for the child to exit by itself; false after 3 minutes.
  bool wait_for_exit() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval only
    }
    return false;
  }
};

// What the database holds: a stale writer must leave it exactly so.
struct DbState {
  std::vector<std::vector<std::string>> epochs;
  std::string trials;
  std::string sweep;
  bool operator==(const DbState&) const = default;
};

DbState db_state(const std::string& db) {
  return {epoch_rows(db), query_one(db, "SELECT group_concat(id || status, ',') FROM trials"),
          query_one(db, "SELECT status || ' ' || ifnull(owner, '-') FROM sweeps")};
}

// The sweep that lost its lease exits 1 with the one line saying so, and the
// database is as it was when the lease was taken.
void check_stopped_by_lost_lease(RunningSweep& sweep, const DbState& then) {
  REQUIRE(sweep.wait_for_exit());
  REQUIRE(WIFEXITED(sweep.status));
  CHECK(WEXITSTATUS(sweep.status) == 1);
  const std::string err = read_file(sweep.err);
  INFO(err);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  CHECK(err.rfind("sweep: lost the lease of ", 0) == 0);
  CHECK(err.find("stopped without writing") != std::string::npos);
  CHECK(db_state(sweep.db) == then);
  CHECK(query_one(sweep.db, "PRAGMA integrity_check") == "ok");
}

}  // namespace

TEST_CASE("a sweep killed with SIGKILL resumes to the same result as an uninterrupted run",
          "[cli][resume]") {
  RunningSweep sweep("2");
  REQUIRE(sweep.pid > 0);
  REQUIRE(sweep.wait_for_running(2));
  sweep.signal_and_wait(SIGKILL);
  REQUIRE(WIFSIGNALED(sweep.status));
  const std::string& db = sweep.db;
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");
  CHECK(std::stoi(query_one(db, "SELECT count(*) FROM epochs")) < kTrials * kEpochs);

  const auto resumed =
      run_sweep("resume crash --jobs 2 --db '" + db + "' --out '" + (sweep.dir / "r") + "'");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(query_one(db, "SELECT count(*) FROM epochs") == std::to_string(kTrials * kEpochs));
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status = 'completed'") ==
        std::to_string(kTrials));
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");

  const auto clean = run_sweep("run '" + sweep.spec + "' --jobs 2 --db '" +
                               (sweep.dir / "clean.db") + "' --out '" + (sweep.dir / "c") + "'");
  REQUIRE(clean.exit_code == 0);
  CHECK(epoch_rows(db) == epoch_rows(sweep.dir / "clean.db"));
  // The winner's weights too, although the killed process held them unwritten.
  const std::string weights =
      "SELECT trial_id || ' ' || epoch || ' ' || hex(data) FROM weights ORDER BY trial_id";
  CHECK(query(db, weights) == query(sweep.dir / "clean.db", weights));
  CHECK_FALSE(query(db, weights).empty());
}

TEST_CASE("a second process cannot run a sweep that is running elsewhere", "[cli][lease]") {
  RunningSweep sweep("1");
  REQUIRE(sweep.pid > 0);
  REQUIRE(sweep.wait_for_running(1));
  const auto second = run_sweep("resume crash --db '" + sweep.db + "'");
  const auto show = run_sweep("show crash --db '" + sweep.db + "'");
  sweep.signal_and_wait(SIGKILL);
  CHECK(second.exit_code == 1);
  CHECK(second.err.rfind("sweep: sweep \"crash\" is running elsewhere (owner ", 0) == 0);
  // Reading while it writes works.
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("crash: 4 trials") != std::string::npos);
}

TEST_CASE("two runs racing on a fresh database: one runs, the other names it", "[cli][lease]") {
  // Started in the same instant, ten times over: the one that loses the race
  // for the new database says who runs the sweep, never "database is locked".
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, slow_spec().dump());
  for (int round = 0; round < 10; ++round) {
    const std::string db = dir / ("race" + std::to_string(round) + ".db");
    std::vector<pid_t> pids;
    std::vector<std::string> errs;
    for (int i = 0; i < 2; ++i) {
      errs.push_back(dir / ("err" + std::to_string(round) + "-" + std::to_string(i)));
      const std::string out = dir / "r";
      pids.push_back(spawn_sweep({"run", spec.c_str(), "--db", db.c_str(), "--out", out.c_str()},
                                 errs.back()));
    }
    // The loser ends on its own; the winner is still training.
    int status = 0;
    const pid_t first = waitpid(-1, &status, 0);
    const int loser = first == pids[0] ? 0 : 1;
    kill(pids[1 - loser], SIGKILL);
    int winner_status = 0;
    waitpid(pids[1 - loser], &winner_status, 0);
    const std::string err = read_file(errs[loser]);
    INFO("round " << round << ": " << err);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(err.rfind("sweep: sweep \"crash\" is running elsewhere (owner ", 0) == 0);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK(WIFSIGNALED(winner_status));
  }
}

TEST_CASE("Ctrl-C, SIGTERM or SIGHUP stops the sweep, marks running trials interrupted, exits 130",
          "[cli][interrupt][hardening]") {
  const int signal = GENERATE(SIGINT, SIGTERM, SIGHUP);
  INFO("signal " << signal);
  RunningSweep sweep("2");
  REQUIRE(sweep.pid > 0);
  REQUIRE(sweep.wait_for_running(2));
  sweep.signal_and_wait(signal);
  REQUIRE(WIFEXITED(sweep.status));
  CHECK(WEXITSTATUS(sweep.status) == 130);
  const std::string& db = sweep.db;
  // Both were mid-way at the check; one may have finished in the instant before the signal.
  const int interrupted =
      std::stoi(query_one(db, "SELECT count(*) FROM trials WHERE status = 'interrupted'"));
  CHECK(interrupted >= 1);
  CHECK(interrupted <= 2);
  CHECK(query_one(db,
                  "SELECT count(*) FROM trials WHERE status IN ('pending', 'interrupted', "
                  "'completed')") == "4");
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status = 'running'") == "0");
  CHECK(query_one(db, "SELECT status FROM sweeps") == "interrupted");
  const auto resumed =
      run_sweep("resume crash --db '" + db + "' --out '" + (sweep.dir / "r") + "'");
  CHECK(resumed.exit_code == 0);
  CHECK(query_one(db, "SELECT count(*) FROM epochs") == std::to_string(kTrials * kEpochs));
}

TEST_CASE("a second Ctrl-C exits at once, says the database is consistent, and resume finishes",
          "[cli][interrupt][hardening]") {
  RunningSweep sweep("2");
  REQUIRE(sweep.pid > 0);
  REQUIRE(sweep.wait_for_running(2));
  kill(sweep.pid, SIGINT);
  // The second only once the first was handled (two pending SIGINTs are one).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (read_file(sweep.err).find("sweep: stopping:") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling interval only
  sweep.signal_and_wait(SIGINT);
  const std::string err = read_file(sweep.err);
  INFO(err);
  REQUIRE(err.find("sweep: stopping:") != std::string::npos);
  REQUIRE(WIFEXITED(sweep.status));
  CHECK(WEXITSTATUS(sweep.status) == 130);
  // Unless the first had already stopped the sweep and the process was on its
  // way out, the second ended it: then it said so.
  const bool second_seen = err.find(
                               "sweep: second interrupt: exiting now; the database is "
                               "consistent") != std::string::npos;
  CHECK((second_seen || query_one(sweep.db, "SELECT status FROM sweeps") == "interrupted"));
  CHECK(query_one(sweep.db, "PRAGMA integrity_check") == "ok");
  const auto resumed =
      run_sweep("resume crash --jobs 2 --db '" + sweep.db + "' --out '" + (sweep.dir / "r") + "'");
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(query_one(sweep.db, "SELECT count(*) FROM epochs") == std::to_string(kTrials * kEpochs));
  CHECK(query_one(sweep.db, "SELECT status FROM sweeps") == "completed");
}

TEST_CASE("a sweep whose lease is taken mid-run stops with exit 1 and writes nothing after",
          "[cli][lease]") {
  RunningSweep sweep("2");
  REQUIRE(sweep.pid > 0);
  REQUIRE(sweep.wait_for_running(2));
  // Another process takes the sweep over (as `sweep resume` elsewhere would
  // after this one was stopped longer than its lease).
  execute(sweep.db, "UPDATE sweeps SET owner = 'thief:1', lease_expires = 1e12");
  // Nothing after the take-over: no epoch, no trial status, no sweep status.
  const DbState then = db_state(sweep.db);
  CHECK(then.sweep == "running thief:1");
  check_stopped_by_lost_lease(sweep, then);
}

TEST_CASE(
    "a sweep stopped (SIGSTOP) past its lease and resumed elsewhere exits 1 on SIGCONT "
    "and writes nothing",
    "[cli][lease][hardening]") {
  RunningSweep sweep("2");
  REQUIRE(sweep.pid > 0);
  REQUIRE(sweep.wait_for_running(2));
  // Ctrl-Z at a moment it holds no write transaction (as a stop mid-commit
  // would make the other process wait on SQLite's lock instead): stop it, and
  // let it run on and stop it again while its commit is in flight.
  bool stopped_outside_commit = false;
  for (int attempt = 0; attempt < 1000 && !stopped_outside_commit; ++attempt) {
    kill(sweep.pid, SIGSTOP);
    int status = 0;
    REQUIRE(waitpid(sweep.pid, &status, WUNTRACED) == sweep.pid);
    REQUIRE(WIFSTOPPED(status));
    stopped_outside_commit = write_lock_free(sweep.db);
    if (!stopped_outside_commit) kill(sweep.pid, SIGCONT);
  }
  REQUIRE(stopped_outside_commit);
  // Stopped for longer than its 30 s lease: the lease's expiry is moved to
  // the past, as the clock would.
  execute(sweep.db, "UPDATE sweeps SET lease_expires = 0");
  const auto resumed =
      run_sweep("resume crash --jobs 2 --db '" + sweep.db + "' --out '" + (sweep.dir / "r2") + "'");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  const DbState then = db_state(sweep.db);
  CHECK(then.epochs.size() == static_cast<std::size_t>(kTrials * kEpochs));

  // fg: the stale process finds it no longer owns the sweep.
  kill(sweep.pid, SIGCONT);
  check_stopped_by_lost_lease(sweep, then);
}

TEST_CASE("a storage failure stops the sweep: exit 1, status failed, no trial blamed",
          "[cli][hardening]") {
  RunningSweep sweep("2");
  REQUIRE(sweep.pid > 0);
  REQUIRE(sweep.wait_for_running(2));
  {
    // Another process holds the write lock for 7 s, past the store's 5 s busy
    // timeout: the sweep's next write fails with "database is locked".
    sweep::test::WriteLock lock(sweep.db);
    std::this_thread::sleep_for(std::chrono::seconds(7));  // the lock's duration, not a race
  }
  REQUIRE(sweep.wait_for_exit());
  REQUIRE(WIFEXITED(sweep.status));
  CHECK(WEXITSTATUS(sweep.status) == 1);
  const std::string err = read_file(sweep.err);
  INFO(err);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  CHECK(err.rfind("sweep: cannot ", 0) == 0);
  CHECK(err.find(sweep.db + ": database is locked") != std::string::npos);
  CHECK(query_one(sweep.db, "SELECT count(*) FROM trials WHERE status = 'failed'") == "0");
  CHECK(query_one(sweep.db, "SELECT status FROM sweeps") == "failed");
  CHECK(query_one(sweep.db, "PRAGMA integrity_check") == "ok");
  // `sweep resume` finishes the sweep.
  const auto resumed =
      run_sweep("resume crash --db '" + sweep.db + "' --out '" + (sweep.dir / "r") + "'");
  CHECK(resumed.exit_code == 0);
  CHECK(query_one(sweep.db, "SELECT count(*) FROM epochs") == std::to_string(kTrials * kEpochs));
}

TEST_CASE("kill -9 at seeded points three times, then resume: the result of an uninterrupted run",
          "[cli][resume][hardening]") {
  // Each kill lands after a number of committed epochs drawn from a seeded
  // generator (not after a time), so the schedule is the same on every machine.
  // bench/kill-loop runs it again with other seeds (SWEEP_KILL_SEED).
  const char* seed = std::getenv("SWEEP_KILL_SEED");
  std::mt19937 rng(seed != nullptr ? static_cast<unsigned>(std::stoul(seed)) : 20261201u);
  RunningSweep sweep("2");
  REQUIRE(sweep.pid > 0);
  constexpr int kTotal = kTrials * kEpochs;
  int completed = 0;  // epochs of completed trials: what a resume keeps
  int kills = 0;
  for (int round = 0; round < 3; ++round) {
    const int at = completed + std::uniform_int_distribution<int>(1, 8)(rng);
    // The sweep may finish before the drawn point (a loaded machine, a late
    // poll): then there is nothing left to kill mid-way.
    if (at >= kTotal || !sweep.wait_for_epochs(at)) break;
    sweep.signal_and_wait(SIGKILL);
    if (WIFEXITED(sweep.status)) break;  // it finished in the instant before the signal
    ++kills;
    REQUIRE(WIFSIGNALED(sweep.status));
    REQUIRE(query_one(sweep.db, "PRAGMA integrity_check") == "ok");
    // Resuming restarts interrupted trials from scratch: what is committed by
    // completed trials is the floor the next kill counts from.
    completed = std::stoi(query_one(sweep.db,
                                    "SELECT count(*) FROM epochs e JOIN trials t ON t.id = "
                                    "e.trial_id WHERE t.status = 'completed'"));
    sweep.start({"resume", "crash", "--jobs", "2"});
  }
  CHECK(kills >= 1);
  // bench/kill-loop adds these up.
  if (seed != nullptr) std::printf("kill-loop: seed %s: %d kills\n", seed, kills);
  if (!sweep.exited) REQUIRE(sweep.wait_for_exit());
  REQUIRE(WIFEXITED(sweep.status));
  CHECK(WEXITSTATUS(sweep.status) == 0);
  CHECK(query_one(sweep.db, "SELECT count(*) FROM epochs") == std::to_string(kTrials * kEpochs));
  const auto clean = run_sweep("run '" + sweep.spec + "' --jobs 2 --db '" +
                               (sweep.dir / "clean.db") + "' --out '" + (sweep.dir / "c") + "'");
  REQUIRE(clean.exit_code == 0);
  CHECK(epoch_rows(sweep.db) == epoch_rows(sweep.dir / "clean.db"));
}

TEST_CASE("a user who may not write the database's folder can still read it", "[cli][hardening]") {
  TempDir dir;
  const std::string folder = dir / "shared";
  std::filesystem::create_directories(folder);
  write_file(dir / "spec.json", R"({"name": "ro", "dataset": {"name": "xor", "samples": 200},
    "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]},
    "training": {"epochs": 2}, "search": {"parameters": {"learning_rate": [0.01, 0.1]}}})");
  REQUIRE(run_sweep("run '" + (dir / "spec.json") + "' --db '" + folder + "/s.db' --out '" +
                    (dir / "r") + "'")
              .exit_code == 0);
  // Readable by everyone, the folder writable by no one but root.
  std::filesystem::permissions(
      dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                      std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                      std::filesystem::perms::others_exec);
  std::filesystem::permissions(
      folder, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                  std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                  std::filesystem::perms::others_exec);
  // As `nobody` (the tests run as root in CI; setpriv drops to another user),
  // with a copy of the binary that user can reach wherever the build lives.
  const std::string binary = dir / "sweep";
  std::filesystem::copy_file(SWEEP_BINARY, binary);
  const auto shown =
      sweep::test::run_command("setpriv --reuid=65534 --regid=65534 --clear-groups " + binary +
                               " show ro --db '" + folder + "/s.db'");
  INFO(shown.err);
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("ro: 2 trials") != std::string::npos);
  const auto listed =
      sweep::test::run_command("setpriv --reuid=65534 --regid=65534 --clear-groups " + binary +
                               " ls --db '" + folder + "/s.db'");
  CHECK(listed.exit_code == 0);
}

TEST_CASE("a closed pipe stops the sweep cleanly: no trial left running, lease released",
          "[cli][hardening]") {
  TempDir dir;
  write_file(dir / "spec.json", slow_spec().dump());
  const std::string db = dir / "pipe.db";
  // One job: the first finished trial's line reaches head, which exits; the
  // second's meets the closed pipe (SIGPIPE), and the sweep stops there.
  const auto result = sweep::test::run_command(
      "bash -c \"'" + std::string(SWEEP_BINARY) + "' run '" + (dir / "spec.json") +
      "' --jobs 1 --db '" + db + "' --out '" + (dir / "r") +
      "' | head -1 >/dev/null; echo rc=\\${PIPESTATUS[0]}\"");
  INFO(result.out << result.err);
  CHECK(result.out.find("rc=130") != std::string::npos);
  CHECK(query_one(db, "SELECT status || ',' || IFNULL(owner, '-') FROM sweeps") == "interrupted,-");
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status = 'running'") == "0");
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "2");
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");
}
