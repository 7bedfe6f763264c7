// Successive halving end to end: the same export whatever --jobs, the same
// export after kill -9 and resume, the rungs in report.json and `sweep
// plan`, and bad pruning settings refused with one line.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/db.hpp"
#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::objective_mismatches;
using sweep::test::query_one;
using sweep::test::read_file;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

// The kill tests' problem: epochs of ~0.1 s, so that each kill lands mid-way
// (a twelfth of the work under the sanitizers, which train ~20x slower).
constexpr int kSlowSamples = SWEEP_SANITIZED ? 10000 : 30000;
constexpr int kSlowUnits = SWEEP_SANITIZED ? 128 : 256;

// 12 trials, 9 epochs: rungs at epochs 1 (12 trials, 4 go on) and 3 (4, 3).
// `samples` and `units` set how long an epoch takes.
json halving_spec(int samples = 1500, int units = 48) {
  json spec = json::parse(R"({
    "name": "halving",
    "seed": 3,
    "dataset": {"name": "spirals", "noise": 0.2, "validation_split": 0.2},
    "model": {"layers": [{"type": "dense", "units": 48, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 9, "batch_size": 16, "metrics": ["accuracy"]},
    "search": {"parameters": {"optimizer": ["sgd", "adam"],
                              "learning_rate": {"logspace": [1e-4, 10, 6]}}},
    "pruning": {"method": "successive_halving", "min_epochs": 1, "reduction_factor": 3}
  })");
  spec["dataset"]["samples"] = samples;
  spec["model"]["layers"][0]["units"] = units;
  if (units > 48)  // a second hidden layer: epochs of ~0.1 s, so each kill lands mid-way
    spec["model"]["layers"].insert(
        spec["model"]["layers"].begin(),
        json{{"type", "dense"}, {"units", units}, {"activation", "relu"}});
  return spec;
}

std::string args_for(const TempDir& dir, const std::string& db) {
  return " --db '" + (dir / db) + "' --out '" + (dir / ("r-" + db)) + "'";
}

// `sweep export --csv` without the wall-time column: every value, bit for bit.
std::string export_without_seconds(const std::string& db) {
  const auto result = run_sweep("export halving --csv --db '" + db + "'");
  REQUIRE(result.exit_code == 0);
  std::istringstream lines(result.out);
  std::string line;
  std::string out;
  int seconds = -1;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    if (seconds < 0) {
      for (std::size_t i = 0; i < cells.size(); ++i)
        if (cells[i] == "seconds") seconds = static_cast<int>(i);
      REQUIRE(seconds >= 0);
    }
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (static_cast<int>(i) != seconds) out += cells[i] + ",";
    out += "\n";
  }
  return out;
}

int count(const std::string& db, const std::string& sql) {
  try {
    return std::stoi(query_one(db, sql));
  } catch (const std::exception&) {
    return 0;  // the database or its tables do not exist yet
  }
}

// `sweep ARGS` in a child process, killed with SIGKILL once `ready` holds.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    pid_ = fork();
    if (pid_ == 0) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(SWEEP_BINARY));
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(SWEEP_BINARY, argv.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !done_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
    }
  }
  // Polls (2 ms) until `ready` returns true, then kills; false when the
  // child ended first or 3 minutes passed.
  template <typename Ready>
  bool kill_when(Ready ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status_, 0);
        done_ = true;
        return WIFSIGNALED(status_);
      }
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        done_ = true;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling interval only
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool done_ = false;
};

// Runs `spec` with --jobs 1 into DIR/one.db and --jobs 2 into DIR/two.db and
// checks that both export the same rows; returns one.db's path.
std::string check_jobs_1_and_2_agree(const TempDir& dir, const std::string& spec) {
  const auto one = run_sweep("run '" + spec + "' --jobs 1" + args_for(dir, "one.db"));
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  const auto two = run_sweep("run '" + spec + "' --jobs 2" + args_for(dir, "two.db"));
  REQUIRE(two.exit_code == 0);
  CHECK(export_without_seconds(dir / "one.db") == export_without_seconds(dir / "two.db"));
  return dir / "one.db";
}

}  // namespace

TEST_CASE("successive halving gives the same export with --jobs 1 and --jobs 2", "[cli][halving]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, halving_spec().dump());
  const std::string db = check_jobs_1_and_2_agree(dir, spec);
  // 12 at rung 1, 4 go on; 4 at rung 2, 3 go on (trials that diverge take no place).
  CHECK(count(db, "SELECT count(*) FROM trials WHERE status = 'pruned'") == 9);
  CHECK(count(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == 3);
  CHECK(count(db, "SELECT count(*) FROM epochs") <= 12 * 1 + 4 * 2 + 3 * 6);
  // What `sweep best` ranks by (the stored objective) is what the reports do.
  CHECK(count(db, "SELECT count(*) FROM trials WHERE objective IS NOT NULL") == 12);
  CHECK(objective_mismatches(db).empty());
  const std::string reason = query_one(
      db, "SELECT error FROM trials WHERE status = 'pruned' ORDER BY objective DESC LIMIT 1");
  CHECK(reason.rfind("stopped at rung ", 0) == 0);
  CHECK(reason.find(": val_accuracy ") != std::string::npos);
  CHECK(reason.find(", below the cut ") != std::string::npos);

  const json report = json::parse(read_file(dir / "r-one.db/report.json"));
  const json& pruning = report.at("pruning");
  CHECK(pruning.at("method") == "successive_halving");
  REQUIRE(pruning.at("rungs").size() == 2);
  CHECK(pruning["rungs"][0]["epoch"] == 1);
  CHECK(pruning["rungs"][0]["trials"] == 12);
  CHECK(pruning["rungs"][0]["kept"] == 4);
  CHECK(pruning["rungs"][1]["epoch"] == 3);
  CHECK(pruning["rungs"][1]["kept"] == 3);
  CHECK(pruning.at("epochs_full") == 12 * 9);
  CHECK(pruning.at("epochs_run") == count(db, "SELECT count(*) FROM epochs"));
  const std::string html = read_file(dir / "r-one.db/report.html");
  CHECK(html.find("id=\"rung-table\"") != std::string::npos);
}

TEST_CASE("kill -9 while trials wait at a rung and after it cut, then resume: the same export",
          "[cli][halving][resume]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, halving_spec(kSlowSamples, kSlowUnits).dump());
  const std::string db = dir / "k.db";
  const std::string out = dir / "rk";
  const std::vector<std::string> tail = {"--jobs", "2", "--db", db, "--out", out};
  {
    // While rung 1 waits: epochs committed, nothing cut yet.
    std::vector<std::string> args = {"run", spec};
    args.insert(args.end(), tail.begin(), tail.end());
    Child child(args);
    REQUIRE(child.kill_when([&] { return count(db, "SELECT count(*) FROM epochs") >= 3; }));
    CHECK(count(db, "SELECT count(*) FROM trials WHERE status = 'pruned'") == 0);
  }
  {
    // After rung 1 cut: its decisions are in the database, promoted trials mid-way.
    std::vector<std::string> args = {"resume", "halving"};
    args.insert(args.end(), tail.begin(), tail.end());
    Child child(args);
    REQUIRE(child.kill_when(
        [&] { return count(db, "SELECT count(*) FROM trials WHERE status = 'pruned'") >= 1; }));
  }
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");
  const auto resumed = run_sweep("resume halving --jobs 2 --db '" + db + "' --out '" + out + "'");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  const auto clean = run_sweep("run '" + spec + "' --jobs 1" + args_for(dir, "clean.db"));
  REQUIRE(clean.exit_code == 0);
  CHECK(export_without_seconds(db) == export_without_seconds(dir / "clean.db"));
}

// The same 12 trials trained 2 epochs with the default min_epochs (auto):
// rungs at 2/9 and 2/3 of an epoch, inside epoch 1.
json inside_epoch_spec(int samples = 1500, int units = 48) {
  json spec = halving_spec(samples, units);
  spec["training"]["epochs"] = 2;
  spec["pruning"].erase("min_epochs");
  return spec;
}

TEST_CASE("rungs inside an epoch: the same export with --jobs 1 and 2, and after kill -9",
          "[cli][halving][resume]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, inside_epoch_spec().dump());
  const std::string db = check_jobs_1_and_2_agree(dir, spec);
  CHECK(count(db, "SELECT count(*) FROM trials WHERE status = 'pruned'") == 9);
  CHECK(count(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == 3);
  // A trial cut at rung 1 keeps epoch 1 as far as it went: 17 of 75 batches.
  CHECK(query_one(db,
                  "SELECT count(*) FROM metrics WHERE name = 'epoch_fraction' AND value = 17.0 / "
                  "75") == "8");
  CHECK(query_one(db, "SELECT count(*) FROM metrics WHERE name = 'rung1_val_loss'") == "12");
  // Cut inside epoch 1, a trial's objective is its rung's evaluation, kept
  // with that epoch: what `sweep best` ranks by is what the reports do.
  CHECK(count(db, "SELECT count(*) FROM trials WHERE objective IS NOT NULL") == 12);
  CHECK(objective_mismatches(db).empty());
  const std::string reason =
      query_one(db, "SELECT error FROM trials WHERE status = 'pruned' ORDER BY id LIMIT 1");
  CHECK(reason.rfind("stopped at rung 1 (epoch 0.222): val_accuracy ", 0) == 0);
  const json report = json::parse(read_file(dir / "r-one.db/report.json"));
  const json& pruning = report.at("pruning");
  CHECK(pruning.at("min_epochs") == 0.2222);
  REQUIRE(pruning.at("rungs").size() == 2);
  CHECK(pruning["rungs"][0]["epoch"] == 0.2222);
  CHECK(pruning["rungs"][0]["kept"] == 4);
  CHECK(pruning["rungs"][1]["epoch"] == 0.6667);
  CHECK(pruning.at("epochs_full") == 24);
  // 8 cut after 17 of 75 batches, 1 after 50, 3 trained 2 epochs.
  CHECK(pruning.at("epochs_run").get<double>() == Approx(8 * 17.0 / 75 + 50.0 / 75 + 3 * 2));

  // kill -9 once a rung has cut (trials paused inside epoch 1 are lost with
  // the process), then resume: the same export as a clean run.
  const std::string slow = dir / "slow.json";
  write_file(slow, inside_epoch_spec(kSlowSamples, kSlowUnits).dump());
  const std::string killed = dir / "k.db";
  {
    Child child({"run", slow, "--jobs", "2", "--db", killed, "--out", dir / "rk"});
    REQUIRE(child.kill_when(
        [&] { return count(killed, "SELECT count(*) FROM trials WHERE status = 'pruned'") >= 1; }));
  }
  const auto resumed =
      run_sweep("resume halving --jobs 2 --db '" + killed + "' --out '" + (dir / "rk") + "'");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  const auto clean = run_sweep("run '" + slow + "' --jobs 1" + args_for(dir, "clean.db"));
  REQUIRE(clean.exit_code == 0);
  CHECK(export_without_seconds(killed) == export_without_seconds(dir / "clean.db"));
  CHECK(objective_mismatches(killed).empty());
}

TEST_CASE("sweep plan shows the rungs and the epochs they allow", "[cli][halving]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  write_file(spec, halving_spec().dump());
  const auto plan = run_sweep("plan '" + spec + "' --db '" + (dir / "none.db") + "'");
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("pruning: successive_halving, min_epochs 1, reduction_factor 3\n"
                      "  rung 1 at epoch 1: 12 trials, 4 go on; rung 2 at epoch 3: 4 trials, 3 "
                      "go on; 3 train to epoch 9\n"
                      "epochs: at most 38 with the rungs (35 % of the full grid's 108), more "
                      "when trials tie at a rung's cut (they all go on); fewer when trials stop "
                      "early (divergence, early stopping)\n") != std::string::npos);

  write_file(spec, inside_epoch_spec().dump());
  const auto inside = run_sweep("plan '" + spec + "' --db '" + (dir / "none.db") + "'");
  REQUIRE(inside.exit_code == 0);
  CHECK(inside.out.find("pruning: successive_halving, min_epochs 0.222, reduction_factor 3\n"
                        "  rung 1 at epoch 0.222 (inside an epoch): 12 trials, 4 go on; rung 2 at "
                        "epoch 0.667 (inside an epoch): 4 trials, 3 go on; 3 train to epoch 2\n"
                        "epochs: at most 8.44 with the rungs (35 % of the full grid's 24), more "
                        "when trials tie at a rung's cut (they all go on); fewer when trials "
                        "stop early (divergence, early stopping)\n") != std::string::npos);
}

TEST_CASE("bad pruning settings are refused with one line each", "[cli][halving][validate]") {
  TempDir dir;
  const std::string spec = dir / "spec.json";
  json bad = halving_spec();
  bad["pruning"]["min_epochs"] = 9;
  bad["pruning"]["method"] = "succesive_halving";
  write_file(spec, bad.dump());
  auto result = run_sweep("validate '" + spec + "'");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: " + spec +
                          ": pruning.method: got \"succesive_halving\"; expected one of: none, "
                          "successive_halving, hyperband\n");

  bad = halving_spec();
  bad["pruning"].erase("method");
  write_file(spec, bad.dump());
  result = run_sweep("validate '" + spec + "'");
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "sweep: " + spec +
            ": pruning.min_epochs: only for pruning.method successive_halving or hyperband\n"
            "sweep: " +
            spec +
            ": pruning.reduction_factor: only for pruning.method successive_halving or "
            "hyperband\n");

  bad = halving_spec();
  bad["pruning"]["min_epochs"] = 9;
  write_file(spec, bad.dump());
  result = run_sweep("validate '" + spec + "'");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: " + spec +
                          ": pruning.min_epochs: got 9; expected fewer than training.epochs (9) "
                          "so that a rung can stop a trial\n");

  bad = halving_spec();
  bad["pruning"]["min_epochs"] = "half";
  write_file(spec, bad.dump());
  result = run_sweep("validate '" + spec + "'");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: " + spec +
                          ": pruning.min_epochs: got \"half\"; expected \"auto\" or a number of "
                          "epochs above 0 (a fraction of an epoch is a rung inside the first "
                          "epoch)\n");

  bad = halving_spec();
  bad["search"]["parameters"]["epochs"] = json::array({3, 9});
  write_file(spec, bad.dump());
  result = run_sweep("validate '" + spec + "'");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: " + spec +
                          ": pruning.method: successive_halving needs one training.epochs for "
                          "every trial; epochs is a search axis\n");
}
