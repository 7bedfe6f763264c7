// store_bench: epoch rows written per second through the runner's SQLite storage, with
// the durability settings it ships (WAL, synchronous=NORMAL, one transaction
// per record_epoch), on a fresh database in a temporary folder.
//   store_bench [--trials 100] [--epochs 20] [--folder DIR]
// Each trial is started, gets its epoch rows (the four Keras logs, the
// learning rate, the seconds and a 20-point loss trace, as a real trial
// writes them) and is finished; only record_epoch is timed. Prints one JSON
// line.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "reports/records.hpp"
#include "runner/store/sqlite/sqlite_storage.hpp"

namespace {

using namespace sweep;
using Clock = std::chrono::steady_clock;

int run(int trial_count, int epoch_count, const std::filesystem::path& folder) {
  const std::filesystem::path path = folder / "store_bench.db";
  double seconds = 0;
  double store_seconds = 0;
  {
    runner::SqliteStorage store(path.string(), runner::Storage::Mode::read_write);
    runner::SweepInfo info;
    info.name = "store-bench";
    info.spec_json = "{}";
    info.spec_hash = "0";
    info.host = "bench";
    info.version = "bench";
    info.jobs = 1;
    const std::int64_t sweep_id = store.create_sweep(info);
    std::vector<runner::NewTrial> trials;
    for (int i = 0; i < trial_count; ++i) {
      const std::string config = "{\"learning_rate\": " + std::to_string(i) + "}";
      runner::NewTrial trial;
      trial.index = i;
      trial.config_json = trial.params_json = config;
      trial.config_hash = std::to_string(i);
      trial.seed = static_cast<std::uint64_t>(i);
      trial.cost = 1.0;
      trials.push_back(trial);
    }
    store.add_trials(sweep_id, trials);
    for (const runner::TrialRow& trial : store.trials(sweep_id)) {
      store.start_trial(trial.id);
      for (int e = 1; e <= epoch_count; ++e) {
        reports::EpochRecord epoch;
        epoch.epoch = e;
        epoch.learning_rate = 1e-3;
        epoch.seconds = 0.25;
        epoch.metrics = {{"loss", 0.5 / e},
                         {"accuracy", 0.8 + 0.001 * e},
                         {"val_loss", 0.55 / e},
                         {"val_accuracy", 0.79 + 0.001 * e}};
        for (int w = 0; w < 20; ++w) epoch.loss_trace.push_back(0.5 / e + 0.001 * w);
        const auto start = Clock::now();
        store.record_epoch(trial.id, epoch);
        seconds += std::chrono::duration<double>(Clock::now() - start).count();
      }
      runner::TrialOutcome outcome;
      outcome.best_epoch = epoch_count;
      outcome.objective = 0.8;
      outcome.seconds = 1.0;
      store.finish_trial(trial.id, outcome);
    }
    store_seconds = store.seconds_in_store();
  }
  std::filesystem::remove_all(folder);
  const double rows = static_cast<double>(trial_count) * epoch_count;
  std::printf(
      "{\"tool\": \"sweep\", \"mode\": \"store\", \"rows\": %.0f, \"seconds\": %.6f, "
      "\"rows_per_s\": %.1f, \"microseconds_per_row\": %.2f, \"store_seconds_all_calls\": %.6f, "
      "\"note\": \"record_epoch of %d trials x %d epochs (4 metrics + 20-point loss trace per "
      "row), one transaction per row, WAL with synchronous=NORMAL, fresh database\"}\n",
      rows, seconds, rows / seconds, seconds / rows * 1e6, store_seconds, trial_count, epoch_count);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options{{"trials", "100"}, {"epochs", "20"}, {"folder", ""}};
  for (int i = 1; i < argc; i += 2) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc || !options.contains(key.substr(2))) {
      std::fprintf(stderr, "store_bench: unknown or incomplete option \"%s\"\n", key.c_str());
      return 2;
    }
    options[key.substr(2)] = argv[i + 1];
  }
  try {
    std::filesystem::path folder = options["folder"];
    if (folder.empty()) {
      std::string pattern =
          (std::filesystem::temp_directory_path() / "store_bench-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) {
        std::perror("store_bench: cannot create a temporary folder");
        return 1;
      }
      folder = pattern;
    } else {
      std::filesystem::create_directories(folder);
    }
    return run(std::stoi(options["trials"]), std::stoi(options["epochs"]), folder);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "store_bench: %s\n", error.what());
    return 1;
  }
}
