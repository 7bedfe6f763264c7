// Crash safety: a sweep killed with SIGKILL mid-run, then resumed, ends with
// exactly the rows and values of an uninterrupted run.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli/db.hpp"
#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::query;
using sweep::test::query_one;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

constexpr int kTrials = 4;
constexpr int kEpochs = 12;

json slow_spec() {
  // Big enough that each trial runs for a while, so the kill lands mid-trial.
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

std::vector<std::vector<std::string>> epoch_rows(const std::string& db) {
  return query(
      db,
      "SELECT t.config_hash, t.repeat, e.epoch, e.learning_rate, e.loss, e.accuracy, e.val_loss, "
      "e.val_accuracy FROM epochs e JOIN trials t ON t.id = e.trial_id ORDER BY t.config_hash, "
      "t.repeat, "
      "e.epoch");
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

}  // namespace

TEST_CASE("a sweep killed with SIGKILL resumes to the same result as an uninterrupted run",
          "[cli][resume]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, slow_spec().dump());
  const std::string db = dir / "crash.db";

  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(SWEEP_BINARY, SWEEP_BINARY, "run", spec.c_str(), "--jobs", "2", "--db", db.c_str(),
          "--out", (dir / "r").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Poll the database until two trials are mid-way, each with a committed epoch.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  bool ready = false;
  int status = 0;
  bool exited = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (running_with_epochs(db) >= 2) {
      ready = true;
      break;
    }
    if (waitpid(child, &status, WNOHANG) == child) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(5));  // polling interval, not a wait for an outcome
  }
  if (!exited) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  REQUIRE(ready);
  REQUIRE(WIFSIGNALED(status));
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");
  const int partial = std::stoi(query_one(db, "SELECT count(*) FROM epochs"));
  CHECK(partial < kTrials * kEpochs);

  const auto resumed =
      run_sweep("resume crash --jobs 2 --db '" + db + "' --out '" + (dir / "r") + "'");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(query_one(db, "SELECT count(*) FROM epochs") == std::to_string(kTrials * kEpochs));
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status = 'completed'") ==
        std::to_string(kTrials));
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");

  const auto clean = run_sweep("run '" + spec + "' --jobs 2 --db '" + (dir / "clean.db") +
                               "' --out '" + (dir / "c") + "'");
  REQUIRE(clean.exit_code == 0);
  CHECK(epoch_rows(db) == epoch_rows(dir / "clean.db"));
}

TEST_CASE("a second process cannot run a sweep that is running elsewhere", "[cli][lease]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, slow_spec().dump());
  const std::string db = dir / "crash.db";
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(SWEEP_BINARY, SWEEP_BINARY, "run", spec.c_str(), "--jobs", "1", "--db", db.c_str(),
          "--out", (dir / "r").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (running_with_epochs(db) < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval
  }
  const auto second = run_sweep("resume crash --db '" + db + "'");
  const auto show = run_sweep("show crash --db '" + db + "'");
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(second.exit_code == 1);
  CHECK(second.err.rfind("sweep: sweep \"crash\" is running elsewhere (owner ", 0) == 0);
  // Reading while it writes works.
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("crash: 4 trials") != std::string::npos);
}

TEST_CASE("Ctrl-C stops the sweep, marks running trials interrupted and exits 130",
          "[cli][interrupt]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, slow_spec().dump());
  const std::string db = dir / "crash.db";
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(SWEEP_BINARY, SWEEP_BINARY, "run", spec.c_str(), "--jobs", "2", "--db", db.c_str(),
          "--out", (dir / "r").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (running_with_epochs(db) < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval
  }
  kill(child, SIGINT);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status = 'interrupted'") == "2");
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status = 'running'") == "0");
  CHECK(query_one(db, "SELECT status FROM sweeps") == "interrupted");
  const auto resumed = run_sweep("resume crash --db '" + db + "' --out '" + (dir / "r") + "'");
  CHECK(resumed.exit_code == 0);
  CHECK(query_one(db, "SELECT count(*) FROM epochs") == std::to_string(kTrials * kEpochs));
}
