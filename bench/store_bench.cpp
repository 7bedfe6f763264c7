// store_bench: epoch rows written per second through the runner's SQLite storage, with
// the durability settings it ships (WAL, synchronous=NORMAL, one transaction
// per record_epoch), on a fresh database in a temporary folder.
//   store_bench [--trials 100] [--epochs 20] [--folder DIR]
// Each trial is started, gets its epoch rows (the four Keras logs, the
// learning rate, the seconds and a 20-point loss trace, as a real trial
// writes them) and is finished; only record_epoch is timed. Prints one JSON
// line.
//   store_bench --mode sweep [--trials 1000] [--epochs 2] [--jobs 2] [--work-us 250]
// The store calls of a sweep of short trials, as `sweep run --jobs N` makes
// them: N threads each take the next trial, record its epochs (the last one
// with the outcome, in the commit that starts the thread's next trial) and
// spin --work-us microseconds per epoch in between, as training would. Prints
// the wall time and the store's seconds.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "reports/records.hpp"
#include "runner/store/sqlite/sqlite_storage.hpp"

namespace {

using namespace sweep;
using Clock = std::chrono::steady_clock;

reports::EpochRecord epoch_record(int e) {
  reports::EpochRecord epoch;
  epoch.epoch = e;
  epoch.learning_rate = 1e-3;
  epoch.seconds = 0.25;
  epoch.metrics = {{"loss", 0.5 / e},
                   {"accuracy", 0.8 + 0.001 * e},
                   {"val_loss", 0.55 / e},
                   {"val_accuracy", 0.79 + 0.001 * e}};
  for (int w = 0; w < 20; ++w) epoch.loss_trace.push_back(0.5 / e + 0.001 * w);
  return epoch;
}

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
        const reports::EpochRecord epoch = epoch_record(e);
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

void spin(double microseconds) {
  const auto until = Clock::now() + std::chrono::duration<double, std::micro>(microseconds);
  while (Clock::now() < until) {
  }
}

// A resolved config of the size a real trial has (~700 bytes).
std::string real_config(int i) {
  return R"({"dataset":{"classes":3,"name":"spirals","noise":0.2,"samples":300,"validation_split":0.2,)"
         R"("validation_split_mode":"stratified"},"model":{"layers":[{"activation":"relu",)"
         R"("kernel_initializer":"glorot_uniform","l2":0,"type":"dense","units":8,"use_bias":true},)"
         R"({"activation":"softmax","kernel_initializer":"glorot_uniform","l2":0,"type":"dense",)"
         R"("units":3,"use_bias":true}]},"training":{"batch_size":32,"epochs":2,"loss":)"
         R"({"from_logits":false,"name":"categorical_crossentropy"},"metrics":[{"name":"accuracy"}],)"
         R"("optimizer":{"clipnorm":0,"clipvalue":0,"learning_rate":)" +
         std::to_string(1e-5 * (i + 1)) +
         R"(,"momentum":0,"name":"sgd","nesterov":false,"weight_decay":0},"schedule":)"
         R"({"name":"constant"},"shuffle":true}})";
}

int run_sweep_shape(int trial_count, int epoch_count, int jobs, double work_us,
                    const std::filesystem::path& folder) {
  const std::filesystem::path path = folder / "store_bench.db";
  double seconds = 0;
  double store_seconds = 0;
  double wait_seconds = 0;
  {
    runner::SqliteStorage store(path.string(), runner::Storage::Mode::read_write);
    runner::SweepInfo info;
    info.name = "store-bench";
    info.spec_json = "{}";
    info.spec_hash = "0";
    info.jobs = jobs;
    const std::int64_t sweep_id = store.create_sweep(info);
    std::vector<runner::NewTrial> trials;
    for (int i = 0; i < trial_count; ++i) {
      runner::NewTrial trial;
      trial.index = i;
      trial.config_json = real_config(i);
      trial.params_json =
          R"({"learning_rate":)" + std::to_string(1e-5 * (i + 1)) + R"(,"optimizer":"sgd"})";
      trial.config_hash = std::to_string(i);
      trial.seed = static_cast<std::uint64_t>(i);
      trial.cost = 1.0;
      trials.push_back(trial);
    }
    store.add_trials(sweep_id, trials);
    std::vector<std::int64_t> ids;
    for (const runner::TrialRow& trial : store.trials(sweep_id)) ids.push_back(trial.id);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    // Only the trials' calls count (add_trials and trials() before them not).
    const double store_before = store.seconds_in_store();
    const double wait_before = store.seconds_waiting();
    const auto start = Clock::now();
    std::vector<std::thread> workers;
    workers.reserve(static_cast<std::size_t>(jobs));
    for (int j = 0; j < jobs; ++j) {
      workers.emplace_back([&] {
        try {
          std::optional<runner::TrialOutcome> done;
          std::int64_t done_id = 0;
          for (;;) {
            const std::size_t i = next.fetch_add(1);
            const bool more = i < ids.size();
            if (done) {
              if (more) {
                store.finish_and_start(done_id, *done, ids[i]);
              } else {
                store.finish_trial(done_id, *done);
              }
            } else if (more) {
              store.start_trial(ids[i]);
            }
            if (!more) return;
            for (int e = 1; e < epoch_count; ++e) {
              spin(work_us);
              store.record_epoch(ids[i], epoch_record(e));
            }
            spin(work_us);
            runner::TrialOutcome outcome;
            outcome.best_epoch = epoch_count;
            outcome.objective = 0.8;
            outcome.seconds = 1.0;
            outcome.final_epoch = epoch_record(epoch_count);
            for (int m = 0; m < 9; ++m) outcome.test_metrics["confusion" + std::to_string(m)] = m;
            outcome.test_metrics["accuracy"] = 0.5;
            outcome.test_metrics["loss"] = 1.5;
            done = outcome;
            done_id = ids[i];
          }
        } catch (const std::exception& error) {
          std::fprintf(stderr, "store_bench: %s\n", error.what());
          failed = true;
        }
      });
    }
    for (auto& worker : workers) worker.join();
    if (failed) return 1;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
    store_seconds = store.seconds_in_store() - store_before;
    wait_seconds = store.seconds_waiting() - wait_before;
  }
  std::filesystem::remove_all(folder);
  std::printf(
      "{\"tool\": \"sweep\", \"mode\": \"sweep\", \"trials\": %d, \"epochs\": %d, \"jobs\": %d, "
      "\"work_us\": %.0f, \"seconds\": %.6f, \"store_seconds\": %.6f, \"wait_seconds\": %.6f, "
      "\"store_us_per_trial\": %.1f}\n",
      trial_count, epoch_count, jobs, work_us, seconds, store_seconds, wait_seconds,
      store_seconds / trial_count * 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options{{"trials", ""}, {"epochs", ""},
                                             {"folder", ""}, {"mode", "epochs"},
                                             {"jobs", "2"},  {"work-us", "250"}};
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
    const bool sweep_shape = options["mode"] == "sweep";
    if (!sweep_shape && options["mode"] != "epochs") {
      std::fprintf(stderr, "store_bench: unknown --mode \"%s\"; known: epochs, sweep\n",
                   options["mode"].c_str());
      return 2;
    }
    const auto number = [&](const char* key, const char* epochs_default,
                            const char* sweep_default) {
      const std::string& given = options[key];
      return std::stoi(given.empty() ? (sweep_shape ? sweep_default : epochs_default) : given);
    };
    if (sweep_shape) {
      return run_sweep_shape(number("trials", "100", "1000"), number("epochs", "20", "2"),
                             std::stoi(options["jobs"]), std::stod(options["work-us"]), folder);
    }
    return run(number("trials", "100", "1000"), number("epochs", "20", "2"), folder);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "store_bench: %s\n", error.what());
    return 1;
  }
}
