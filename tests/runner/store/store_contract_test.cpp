// The storage contract: what every caller of Storage may rely on, as one
// suite every backend must pass (a template over the backends; each test works
// on fresh storage in its own scratch folder). Checks behind the API (raw SQL)
// apply to the SQLite backend.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "runner/store/storage.hpp"
#include "tests/runner/store/store_backends.hpp"
#include "tests/runner/store/store_helpers.hpp"

using sweep::reports::EpochRecord;
using sweep::runner::NewTrial;
using sweep::runner::Storage;
using sweep::runner::StorageError;
using sweep::runner::SweepStatus;
using sweep::runner::TrialOutcome;
using sweep::runner::TrialStatus;
using sweep::runner::TrialWeights;
using namespace sweep::runner::testing;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

bool is_iso8601_ms(const std::string& text) {
  // 2026-11-26T07:30:00.123Z
  if (text.size() != 24) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (i) {
      case 4:
      case 7:
        if (c != '-') return false;
        break;
      case 10:
        if (c != 'T') return false;
        break;
      case 13:
      case 16:
        if (c != ':') return false;
        break;
      case 19:
        if (c != '.') return false;
        break;
      case 23:
        if (c != 'Z') return false;
        break;
      default:
        if (c < '0' || c > '9') return false;
    }
  }
  return true;
}

TrialOutcome completed(int best_epoch, double objective) {
  TrialOutcome outcome;
  outcome.status = TrialStatus::completed;
  outcome.best_epoch = best_epoch;
  outcome.objective = objective;
  outcome.seconds = 1.25;
  return outcome;
}

// Bitwise equality, so that NaN equals NaN.
bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

}  // namespace

TEMPLATE_TEST_CASE("store: sweeps are created, found and listed", "[store]", SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  CHECK_FALSE(store.find_sweep("fashion"));

  const auto first = store.create_sweep(sample_sweep("fashion"));
  const auto second = store.create_sweep(sample_sweep("spirals"));
  CHECK(first != second);

  const auto found = store.find_sweep("fashion");
  REQUIRE(found);
  CHECK(found->id == first);
  CHECK(found->name == "fashion");
  CHECK(found->description == "optimizers against learning rates");
  CHECK(found->spec_json == R"({"name":"fashion","seed":42})");
  CHECK(found->spec_hash == "0123456789abcdef");
  CHECK(found->status == "running");
  CHECK(is_iso8601_ms(found->created_at));
  CHECK(found->finished_at.empty());
  CHECK(found->host == "testhost");
  CHECK(found->version == "0.1.0");
  CHECK(found->jobs == 2);
  CHECK(found->owner.empty());

  const auto all = store.list_sweeps();
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "fashion");
  CHECK(all[1].name == "spirals");

  CHECK_THROWS_WITH(store.create_sweep(sample_sweep("fashion")),
                    "sweep \"fashion\" already exists in " + dir.file("sweep.db"));
  CHECK_THROWS_AS(store.create_sweep(sample_sweep("fashion")), sweep::runner::SweepExists);
  CHECK(store.list_sweeps().size() == 2);
}

TEMPLATE_TEST_CASE("store: a sweep's data facts are replaced and read back with it", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  CHECK(store.find_sweep("fashion")->data_json == "{}");
  CHECK(store.read_sweep(id).data.empty());
  store.set_sweep_data(id, R"({"validation_rows":2000,"validation_classes":10})");
  store.set_sweep_data(id, R"({"validation_rows":1500,"validation_classes":10})");
  CHECK(store.find_sweep("fashion")->data_json ==
        R"({"validation_rows":1500,"validation_classes":10})");
  CHECK(store.read_sweep(id).data.at("validation_rows") == 1500);
  CHECK_THROWS_WITH(store.set_sweep_data(id + 7, "{}"),
                    "no sweep with id " + std::to_string(id + 7) + " in " + dir.file("sweep.db"));
}

TEMPLATE_TEST_CASE("store: leaving running sets finished_at and the duration", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.set_sweep_status(id, SweepStatus::interrupted, 3);
  auto info = store.find_sweep("fashion");
  REQUIRE(info);
  CHECK(info->status == "interrupted");
  CHECK(info->jobs == 3);
  CHECK(is_iso8601_ms(info->finished_at));
  CHECK(info->duration_seconds >= 0.0);
  const double first_duration = info->duration_seconds;

  store.set_sweep_status(id, SweepStatus::running, 2);  // a resume
  info = store.find_sweep("fashion");
  CHECK(info->status == "running");
  CHECK(info->finished_at.empty());
  store.set_sweep_status(id, SweepStatus::completed, 2);
  info = store.find_sweep("fashion");
  CHECK(info->status == "completed");
  CHECK(info->duration_seconds >= first_duration);

  // A finished sweep only goes back to running.
  CHECK_THROWS_WITH(store.set_sweep_status(id, SweepStatus::failed, 2),
                    "sweep " + std::to_string(id) + " cannot go from completed to failed");
  store.set_sweep_status(id, SweepStatus::running, 2);
  store.set_sweep_status(id, SweepStatus::failed, 2);
  CHECK(store.find_sweep("fashion")->status == "failed");
}

TEMPLATE_TEST_CASE("store: adding the same trials twice keeps one of each", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  auto trials = sample_trials(3);
  store.add_trials(id, trials);
  store.add_trials(id, trials);
  // A re-run that adds a repeat and a new config keeps the old rows as they are.
  NewTrial repeat = trials[1];
  repeat.repeat = 1;
  repeat.seed = 7;
  trials.push_back(repeat);
  trials[0].cost = 99;  // ignored: the trial exists
  store.add_trials(id, trials);

  const auto rows = store.trials(id);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].config_hash == "hash-0");
  CHECK(rows[0].cost == 1.5);
  CHECK(rows[1].config_hash == "hash-1");
  CHECK(rows[1].repeat == 0);
  CHECK(rows[2].config_hash == "hash-1");  // ordered by index, then repeat
  CHECK(rows[2].repeat == 1);
  CHECK(rows[2].seed == 7);
  CHECK(rows[3].config_hash == "hash-2");
  for (const auto& row : rows) {
    CHECK(row.sweep_id == id);
    CHECK(row.status == TrialStatus::pending);
    CHECK(row.epochs_done == 0);
    CHECK(row.started_at.empty());
  }
  // Seeds above INT64_MAX survive SQLite's signed integers exactly.
  CHECK(rows[0].seed == 0xFFFFFFFFFFFFFFF0ULL);
  CHECK(rows[3].seed == 0xFFFFFFFFFFFFFFF2ULL);
  // The same JSON value, written compactly with sorted keys (a resolved
  // config is canonical already, so its text comes back as it went in).
  CHECK(store.read_sweep(id).trials.at(3).config.resolved().dump() ==
        R"({"learning_rate":3,"optimizer":"adam"})");
  CHECK(rows[3].params_json == R"({"learning_rate":3})");
  CHECK(rows[3].cost == 4.5);
  CHECK(rows[3].index == 2);
}

TEMPLATE_TEST_CASE("store: trials of one sweep are invisible to another", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto a = store.create_sweep(sample_sweep("a"));
  const auto b = store.create_sweep(sample_sweep("b"));
  store.add_trials(a, sample_trials(2));
  store.add_trials(b, sample_trials(3));  // same hashes: another sweep, other trials
  CHECK(store.trials(a).size() == 2);
  CHECK(store.trials(b).size() == 3);
}

TEMPLATE_TEST_CASE("store: an epoch round-trips every field", "[store]", SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(1));
  const auto trial = store.trials(id).at(0).id;
  store.start_trial(trial);

  EpochRecord first = sample_epoch(1);
  EpochRecord second = sample_epoch(2);
  second.metrics.erase("val_loss");  // absent stays absent
  second.metrics["loss"] = kNan;     // and NaN stays NaN
  second.metrics["precision"] = -kInf;
  second.learning_rate = kInf;
  second.loss_trace = {1.0, kNan, kInf, -kInf, 5e-324};
  EpochRecord third = sample_epoch(3);
  third.loss_trace.clear();
  third.metrics = {{"loss", 0.5}};
  for (const auto& epoch : {first, second, third}) store.record_epoch(trial, epoch);

  const auto back = store.epochs(trial);
  REQUIRE(back.size() == 3);
  const EpochRecord* expected[] = {&first, &second, &third};
  for (std::size_t i = 0; i < back.size(); ++i) {
    INFO("epoch " << i + 1);
    CHECK(back[i].epoch == expected[i]->epoch);
    CHECK(same(back[i].learning_rate, expected[i]->learning_rate));
    CHECK(back[i].seconds == expected[i]->seconds);
    REQUIRE(back[i].metrics.size() == expected[i]->metrics.size());
    for (const auto& [name, value] : expected[i]->metrics) {
      INFO(name);
      REQUIRE(back[i].metrics.count(name) == 1);
      CHECK(same(back[i].metrics.at(name), value));
    }
    REQUIRE(back[i].loss_trace.size() == expected[i]->loss_trace.size());
    for (std::size_t p = 0; p < back[i].loss_trace.size(); ++p) {
      CHECK(same(back[i].loss_trace[p], expected[i]->loss_trace[p]));
    }
  }
  CHECK(store.trials(id).at(0).epochs_done == 3);
  // Column metrics live in epochs, the rest in metrics.
  CHECK(raw_query(dir.file("sweep.db"), "SELECT count(*) FROM metrics") == "5");
  CHECK(raw_query(dir.file("sweep.db"), "SELECT typeof(loss) FROM epochs WHERE epoch = 2") ==
        "text");
}

TEMPLATE_TEST_CASE("store: starting a trial again deletes its partial rows", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(2));
  const auto trials = store.trials(id);
  const auto trial = trials[0].id;
  const auto other = trials[1].id;

  store.start_trial(other);
  store.record_epoch(other, sample_epoch(1));
  store.start_trial(trial);
  store.record_epoch(trial, sample_epoch(1));
  store.record_epoch(trial, sample_epoch(2));
  // The crash: the trial is left running with two epochs, and is recovered.
  CHECK(store.recover_interrupted(id) == 2);
  CHECK(store.trials(id)[0].status == TrialStatus::interrupted);
  CHECK(store.trials(id)[0].epochs_done == 2);

  store.start_trial(trial);
  CHECK(store.trials(id)[0].status == TrialStatus::running);
  CHECK(store.epochs(trial).empty());
  store.record_epoch(trial, sample_epoch(1));
  store.record_epoch(trial, sample_epoch(2));
  store.record_epoch(trial, sample_epoch(3));
  CHECK(store.epochs(trial).size() == 3);
  CHECK(raw_query(path, "SELECT count(*) FROM epochs WHERE trial_id = " + std::to_string(trial)) ==
        "3");
  CHECK(raw_query(path, "SELECT count(*) FROM metrics WHERE trial_id = " + std::to_string(trial)) ==
        "6");
  CHECK(raw_query(path, "SELECT count(*) FROM loss_traces WHERE trial_id = " +
                            std::to_string(trial)) == "3");
  // The other trial's rows are untouched.
  CHECK(store.epochs(other).size() == 1);
}

TEMPLATE_TEST_CASE("store: an epoch is recorded only for a running trial, once", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(1));
  const auto trial = store.trials(id)[0].id;
  CHECK_THROWS_WITH(
      store.record_epoch(trial, sample_epoch(1)),
      "cannot record epoch 1 of trial " + std::to_string(trial) + ": it is pending, not running");
  store.start_trial(trial);
  store.record_epoch(trial, sample_epoch(1));
  try {
    store.record_epoch(trial, sample_epoch(1));
    FAIL("a second epoch 1 was accepted");
  } catch (const StorageError& e) {
    CHECK(std::string(e.what()) == "cannot record epoch 1 of trial " + std::to_string(trial) +
                                       " in " + path +
                                       ": UNIQUE constraint failed: epochs.trial_id, epochs.epoch");
    CHECK(e.code() != 0);
  }
  // The failed call rolled back as a whole: one epoch, its metrics, its trace.
  CHECK(store.epochs(trial).size() == 1);
  CHECK(raw_query(path, "SELECT count(*) FROM metrics") == "2");
}

TEMPLATE_TEST_CASE("store: finish_trial follows the transition table", "[store]", SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(3));
  const auto rows = store.trials(id);
  const auto done = rows[0].id;
  const auto broken = rows[1].id;
  const auto waiting = rows[2].id;
  const std::string done_text = std::to_string(done);

  CHECK_THROWS_AS(store.finish_trial(waiting, completed(1, 0.5)), std::logic_error);
  CHECK_THROWS_WITH(store.finish_trial(waiting, completed(1, 0.5)),
                    "trial " + std::to_string(waiting) + " cannot go from pending to completed");

  store.start_trial(done);
  CHECK_THROWS_WITH(store.start_trial(done),
                    "trial " + done_text + " cannot go from running to running");
  store.finish_trial(done, completed(1, 0.5));
  CHECK(store.trials(id)[0].status == TrialStatus::completed);
  CHECK(is_iso8601_ms(store.trials(id)[0].finished_at));
  CHECK(store.trials(id)[0].seconds == 1.25);
  // A finished trial never changes.
  CHECK_THROWS_WITH(store.start_trial(done),
                    "trial " + done_text + " cannot go from completed to running");
  TrialOutcome failure;
  failure.status = TrialStatus::failed;
  CHECK_THROWS_WITH(store.finish_trial(done, failure),
                    "trial " + done_text + " cannot go from completed to failed");
  CHECK(store.trials(id)[0].status == TrialStatus::completed);
  // Only a finished status finishes a trial.
  TrialOutcome unfinished;
  unfinished.status = TrialStatus::running;
  CHECK_THROWS_WITH(store.finish_trial(waiting, unfinished),
                    "trial " + std::to_string(waiting) + " cannot finish as running");
  CHECK(store.trials(id)[2].status == TrialStatus::pending);

  // failed -> running is allowed: the trial runs again, its error cleared.
  store.start_trial(broken);
  failure.error = "shapes do not match";
  store.finish_trial(broken, failure);
  CHECK(store.trials(id)[1].status == TrialStatus::failed);
  CHECK(store.trials(id)[1].error == "shapes do not match");
  store.start_trial(broken);
  CHECK(store.trials(id)[1].status == TrialStatus::running);
  CHECK(store.trials(id)[1].error.empty());
  CHECK(store.trials(id)[1].finished_at.empty());
}

TEMPLATE_TEST_CASE("store: a trial's last epoch is recorded with its outcome, or not at all",
                   "[store]", SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(2));
  const auto rows = store.trials(id);
  const auto trial = rows[0].id;
  const auto waiting = rows[1].id;

  store.start_trial(trial);
  store.record_epoch(trial, sample_epoch(1));
  TrialOutcome outcome = completed(2, 0.5);
  outcome.final_epoch = sample_epoch(2);
  store.finish_trial(trial, outcome);
  CHECK(store.trials(id)[0].status == TrialStatus::completed);
  const auto epochs = store.epochs(trial);
  REQUIRE(epochs.size() == 2);
  CHECK(epochs[1].epoch == 2);
  CHECK(epochs[1].metrics == sample_epoch(2).metrics);
  CHECK(epochs[1].loss_trace == sample_epoch(2).loss_trace);

  // A trial that is not running gets neither its epoch nor its outcome.
  outcome.final_epoch = sample_epoch(1);
  CHECK_THROWS_WITH(
      store.finish_trial(waiting, outcome),
      "cannot record epoch 1 of trial " + std::to_string(waiting) + ": it is pending, not running");
  CHECK(store.trials(id)[1].status == TrialStatus::pending);
  CHECK(store.epochs(waiting).empty());
}

TEMPLATE_TEST_CASE("store: finish_and_start moves a worker on in one transaction", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(3));
  const auto rows = store.trials(id);
  const auto first = rows[0].id;
  const auto second = rows[1].id;
  const auto third = rows[2].id;

  store.start_trial(first);
  TrialOutcome outcome = completed(1, 0.5);
  outcome.final_epoch = sample_epoch(1);
  store.finish_and_start(first, outcome, second);
  CHECK(store.trials(id)[0].status == TrialStatus::completed);
  CHECK(store.epochs(first).size() == 1);
  CHECK(store.trials(id)[1].status == TrialStatus::running);
  CHECK(is_iso8601_ms(store.trials(id)[1].started_at));

  // When the next trial cannot start (it is finished), the finish is rolled
  // back too, epoch included.
  CHECK_THROWS_WITH(store.finish_and_start(second, outcome, first),
                    "trial " + std::to_string(first) + " cannot go from completed to running");
  CHECK(store.trials(id)[1].status == TrialStatus::running);
  CHECK(store.epochs(second).empty());
  store.finish_and_start(second, outcome, third);
  CHECK(store.trials(id)[1].status == TrialStatus::completed);
  CHECK(store.epochs(second).size() == 1);
  CHECK(store.trials(id)[2].status == TrialStatus::running);
}

TEMPLATE_TEST_CASE("store: recover_interrupted marks only this sweep's running trials", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto a = store.create_sweep(sample_sweep("a"));
  const auto b = store.create_sweep(sample_sweep("b"));
  store.add_trials(a, sample_trials(3));
  store.add_trials(b, sample_trials(1));
  const auto rows = store.trials(a);
  store.start_trial(rows[0].id);
  store.start_trial(rows[1].id);
  store.finish_trial(rows[1].id, completed(1, 0.9));
  store.start_trial(store.trials(b)[0].id);

  CHECK(store.recover_interrupted(a) == 1);
  CHECK(store.recover_interrupted(a) == 0);
  const auto after = store.trials(a);
  CHECK(after[0].status == TrialStatus::interrupted);
  CHECK(after[1].status == TrialStatus::completed);
  CHECK(after[2].status == TrialStatus::pending);
  CHECK(store.trials(b)[0].status == TrialStatus::running);
}

TEMPLATE_TEST_CASE("store: read_sweep returns what the reports need", "[store]", SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.create_sweep(sample_sweep("other"));
  store.add_trials(id, sample_trials(4));
  const auto rows = store.trials(id);

  store.start_trial(rows[0].id);
  store.record_epoch(rows[0].id, sample_epoch(1));
  store.record_epoch(rows[0].id, sample_epoch(2));
  TrialOutcome good = completed(2, 0.51);
  good.test_metrics = {{"loss", 0.7}, {"accuracy", 0.8}, {"weird", kNan}, {"huge", kInf}};
  store.finish_trial(rows[0].id, good);

  store.start_trial(rows[1].id);
  store.record_epoch(rows[1].id, sample_epoch(1));
  TrialOutcome diverged;
  diverged.status = TrialStatus::diverged;
  diverged.divergence = sweep::reports::Divergence{2, 17, kNan};
  store.finish_trial(rows[1].id, diverged);

  store.start_trial(rows[2].id);
  TrialOutcome failed;
  failed.status = TrialStatus::failed;
  failed.error = "dataset file is corrupt";
  store.finish_trial(rows[2].id, failed);

  const auto record = store.read_sweep(id);
  CHECK(record.id == id);
  CHECK(record.name == "fashion");
  CHECK(record.description == "optimizers against learning rates");
  CHECK(record.status == "running");
  CHECK(record.spec == nlohmann::json{{"name", "fashion"}, {"seed", 42}});
  CHECK(record.spec_hash == "0123456789abcdef");
  CHECK(is_iso8601_ms(record.started_at));
  CHECK(record.finished_at.empty());
  CHECK(record.jobs == 2);
  CHECK(record.version == "0.1.0");
  CHECK(record.host == "testhost");
  REQUIRE(record.trials.size() == 4);

  const auto& best = record.trials[0];
  CHECK(best.id == rows[0].id);
  CHECK(best.status == "completed");
  CHECK(best.params == nlohmann::json{{"learning_rate", 1}});
  CHECK(best.config == nlohmann::json{{"optimizer", "adam"}, {"learning_rate", 1}});
  CHECK(best.config_hash == "hash-0");
  CHECK(best.seed == 0xFFFFFFFFFFFFFFF0ULL);
  REQUIRE(best.epochs.size() == 2);
  CHECK(best.epochs[1].metrics.at("val_f1_score") == sample_epoch(2).metrics.at("val_f1_score"));
  CHECK(best.epochs[1].loss_trace == sample_epoch(2).loss_trace);
  REQUIRE(best.test_metrics.size() == 4);
  CHECK(best.test_metrics.at("accuracy") == 0.8);
  CHECK(std::isnan(best.test_metrics.at("weird")));
  CHECK(best.test_metrics.at("huge") == kInf);
  CHECK_FALSE(best.divergence);
  CHECK(is_iso8601_ms(best.started_at));
  CHECK(is_iso8601_ms(best.finished_at));
  CHECK(best.seconds == 1.25);

  const auto& blown = record.trials[1];
  CHECK(blown.status == "diverged");
  REQUIRE(blown.divergence);
  CHECK(blown.divergence->epoch == 2);
  CHECK(blown.divergence->batch == 17);
  CHECK(std::isnan(blown.divergence->loss));
  CHECK(blown.epochs.size() == 1);
  CHECK(blown.test_metrics.empty());

  CHECK(record.trials[2].status == "failed");
  CHECK(record.trials[2].error == "dataset file is corrupt");
  CHECK(record.trials[2].epochs.empty());
  CHECK(record.trials[3].status == "pending");
  CHECK(record.trials[3].started_at.empty());

  CHECK_THROWS_WITH(store.read_sweep(9999), "no sweep with id 9999 in " + dir.file("sweep.db"));
}

TEMPLATE_TEST_CASE("store: a reader sees committed epochs while the writer keeps writing",
                   "[store]", SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto writer_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& writer = *writer_owned;
  const auto id = writer.create_sweep(sample_sweep("fashion"));
  writer.add_trials(id, sample_trials(1));
  const auto trial = writer.trials(id)[0].id;
  writer.start_trial(trial);

  const auto reader_owned = TestType::open(path, Storage::Mode::read_only);

  Storage& reader = *reader_owned;
  CHECK(reader.epochs(trial).empty());
  for (int epoch = 1; epoch <= 3; ++epoch) {
    writer.record_epoch(trial, sample_epoch(epoch));
    CHECK(reader.epochs(trial).size() == static_cast<std::size_t>(epoch));
    CHECK(reader.read_sweep(id).trials.at(0).epochs.size() == static_cast<std::size_t>(epoch));
  }
  CHECK(raw_query(path, "PRAGMA journal_mode") == "wal");
  CHECK_THROWS_WITH(
      reader.create_sweep(sample_sweep("nope")),
      "cannot create sweep \"nope\" in " + path + ": attempt to write a readonly database");
}

TEMPLATE_TEST_CASE("store: a reader is not blocked by another process's open write transaction",
                   "[store]", SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  std::int64_t sweep_id = 0;
  {
    const auto store_owned = TestType::open(path, Storage::Mode::read_write);
    Storage& store = *store_owned;
    sweep_id = store.create_sweep(sample_sweep("fashion"));
    store.add_trials(sweep_id, sample_trials(2));
    store.start_trial(store.trials(sweep_id)[1].id);
  }
  const auto reader_owned = TestType::open(path, Storage::Mode::read_only);
  Storage& reader = *reader_owned;
  const auto trial = reader.trials(sweep_id)[1].id;

  int to_child[2];
  int to_parent[2];
  REQUIRE(pipe(to_child) == 0);
  REQUIRE(pipe(to_parent) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The writer process: records an epoch through a Store, then holds a
    // write transaction open until the parent has read.
    try {
      const auto store_owned = TestType::open(path, Storage::Mode::read_write);
      Storage& store = *store_owned;
      store.record_epoch(trial, sample_epoch(1));
      RawDb raw(path);
      raw.exec("BEGIN IMMEDIATE; UPDATE trials SET status = 'failed' WHERE id = " +
               std::to_string(trial));
      char go = 'w';
      if (write(to_parent[1], &go, 1) != 1) _exit(2);
      if (read(to_child[0], &go, 1) != 1) _exit(3);
      raw.exec("COMMIT");
    } catch (...) {
      _exit(4);
    }
    _exit(0);
  }
  char signal = 0;
  REQUIRE(read(to_parent[0], &signal, 1) == 1);
  // While the child holds its write lock: the committed epoch is visible, the
  // uncommitted change is not, and nothing waits.
  CHECK(reader.epochs(trial).size() == 1);
  CHECK(reader.trials(sweep_id)[1].status == TrialStatus::running);
  CHECK(reader.read_sweep(sweep_id).trials[1].status == "running");
  REQUIRE(write(to_child[1], &signal, 1) == 1);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(reader.trials(sweep_id)[1].status == TrialStatus::failed);
  for (int fd : {to_child[0], to_child[1], to_parent[0], to_parent[1]}) close(fd);
}

TEMPLATE_TEST_CASE("store: many threads share one store", "[store]", SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(8));
  const auto rows = store.trials(id);
  std::vector<std::thread> workers;
  workers.reserve(rows.size());
  for (const auto& row : rows) {
    workers.emplace_back([&store, trial = row.id] {
      store.start_trial(trial);
      for (int epoch = 1; epoch <= 5; ++epoch) store.record_epoch(trial, sample_epoch(epoch));
      store.finish_trial(trial, completed(5, 0.6));
    });
  }
  for (auto& worker : workers) worker.join();
  for (const auto& row : store.trials(id)) {
    CHECK(row.status == TrialStatus::completed);
    CHECK(row.epochs_done == 5);
  }
  CHECK(store.seconds_in_store() > 0.0);
  CHECK(raw_query(path, "PRAGMA integrity_check") == "ok");
  CHECK(raw_query(path, "PRAGMA foreign_key_check").empty());
}

TEMPLATE_TEST_CASE("store: writes made at once may share a commit, and each fails alone", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(12));
  const auto rows = store.trials(id);
  // Trials 0-7 run; 8-11 are completed. Writers 0-3 record an epoch; writers
  // 4-7 finish their trial with its last epoch and start a completed one,
  // which fails after the finish was written: the finish must go too.
  for (std::size_t i = 0; i < 12; ++i) store.start_trial(rows[i].id);
  for (std::size_t i = 8; i < 12; ++i) store.finish_trial(rows[i].id, completed(0, 0.5));
  std::vector<std::string> errors(8);
  std::atomic<int> calling{0};
  {
    // Another process holds the write lock, so the writes pile up behind
    // the first one (which waits in BEGIN) and share what follows.
    RawDb other(path);
    other.exec("BEGIN IMMEDIATE");
    std::vector<std::thread> workers;
    for (std::size_t i = 0; i < 8; ++i) {
      workers.emplace_back([&, i] {
        ++calling;
        try {
          if (i < 4) {
            store.record_epoch(rows[i].id, sample_epoch(1));
          } else {
            TrialOutcome outcome = completed(1, 0.5);
            outcome.final_epoch = sample_epoch(1);
            store.finish_and_start(rows[i].id, outcome, rows[i + 4].id);
          }
        } catch (const std::logic_error& e) {
          errors[i] = e.what();
        }
      });
    }
    while (calling.load() < 8) std::this_thread::yield();
    other.exec("ROLLBACK");
    for (auto& worker : workers) worker.join();
  }
  const auto after = store.trials(id);
  for (std::size_t i = 0; i < 8; ++i) {
    INFO("writer " << i);
    CHECK(after[i].status == TrialStatus::running);
    if (i < 4) {
      CHECK(errors[i].empty());
      CHECK(after[i].epochs_done == 1);
    } else {
      CHECK(errors[i] ==
            "trial " + std::to_string(rows[i + 4].id) + " cannot go from completed to running");
      CHECK(after[i].epochs_done == 0);
      CHECK(after[i + 4].status == TrialStatus::completed);
    }
  }
  CHECK(raw_query(path, "PRAGMA integrity_check") == "ok");
  CHECK(raw_query(path, "PRAGMA foreign_key_check").empty());
}

TEMPLATE_TEST_CASE(
    "store: a trial's weights are written with its outcome and read back bit for bit",
    "[store][weights]", SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(3));
  const auto rows = store.trials(id);

  store.start_trial(rows[0].id);
  TrialOutcome outcome = completed(3, 0.75);
  outcome.final_epoch = sample_epoch(1);
  outcome.weights = std::make_shared<const TrialWeights>(sample_weights(0.5f));
  store.finish_trial(rows[0].id, outcome);
  const auto stored = store.read_weights(rows[0].id);
  REQUIRE(stored);
  CHECK(same_bits(*stored, sample_weights(0.5f)));
  CHECK(stored->tensors[0].shape == std::vector<std::int64_t>{3, 2});
  CHECK(stored->preprocessing.class_names == std::vector<std::string>{"cat", "dog"});
  // A trial finished without weights has none; so has one never run.
  store.start_trial(rows[1].id);
  store.finish_trial(rows[1].id, completed(1, 0.5));
  CHECK_FALSE(store.read_weights(rows[1].id));
  CHECK_FALSE(store.read_weights(rows[2].id));
  CHECK(store.trials_with_weights(id) == std::vector<std::int64_t>{rows[0].id});
  // A reader sees them too.
  const auto reader = TestType::open(path, Storage::Mode::read_only);
  CHECK(same_bits(*reader->read_weights(rows[0].id), sample_weights(0.5f)));
  // And the reports' read does not carry them.
  CHECK(store.read_sweep(id).trials.size() == 3);
}

TEMPLATE_TEST_CASE("store: weights go with the outcome or not at all", "[store][weights]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(2));
  const auto rows = store.trials(id);
  TrialOutcome outcome = completed(3, 0.75);
  outcome.weights = std::make_shared<const TrialWeights>(sample_weights(1.0f));
  // A pending trial cannot finish: its weights are not written either.
  CHECK_THROWS_AS(store.finish_trial(rows[0].id, outcome), std::logic_error);
  CHECK_FALSE(store.read_weights(rows[0].id));
  // Nor when the next trial of finish_and_start cannot start.
  store.start_trial(rows[0].id);
  CHECK_THROWS_AS(store.finish_and_start(rows[0].id, outcome, rows[0].id), std::logic_error);
  CHECK(store.trials(id)[0].status == TrialStatus::running);
  CHECK_FALSE(store.read_weights(rows[0].id));
  store.finish_and_start(rows[0].id, outcome, rows[1].id);
  CHECK(same_bits(*store.read_weights(rows[0].id), sample_weights(1.0f)));
  CHECK(store.trials(id)[1].status == TrialStatus::running);
  // Weights whose values do not fill their shapes are refused, with the outcome.
  TrialWeights bad = sample_weights(2.0f);
  bad.tensors[1].values.pop_back();
  outcome.weights = std::make_shared<const TrialWeights>(bad);
  CHECK_THROWS_WITH(store.finish_trial(rows[1].id, outcome),
                    "weights of trial " + std::to_string(rows[1].id) +
                        ": tensor dense/bias has 1 values for its shape");
  CHECK(store.trials(id)[1].status == TrialStatus::running);
  CHECK_FALSE(store.read_weights(rows[1].id));
}

TEMPLATE_TEST_CASE("store: weights written after the outcome, for a completed or pruned trial only",
                   "[store][weights]", SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(4));
  const auto rows = store.trials(id);
  const std::vector<TrialStatus> ends = {TrialStatus::completed, TrialStatus::pruned,
                                         TrialStatus::diverged};
  for (std::size_t i = 0; i < ends.size(); ++i) {
    store.start_trial(rows[i].id);
    TrialOutcome outcome = completed(2, 0.5);
    outcome.status = ends[i];
    store.finish_trial(rows[i].id, outcome);
  }
  store.write_weights(rows[0].id, sample_weights(1.0f));
  store.write_weights(rows[1].id, sample_weights(2.0f));
  // Written again: replaced.
  store.write_weights(rows[0].id, sample_weights(3.0f));
  CHECK(same_bits(*store.read_weights(rows[0].id), sample_weights(3.0f)));
  CHECK(same_bits(*store.read_weights(rows[1].id), sample_weights(2.0f)));
  // A diverged trial keeps none, nor does one that has not finished.
  CHECK_THROWS_WITH(store.write_weights(rows[2].id, sample_weights(1.0f)),
                    "trial " + std::to_string(rows[2].id) +
                        " is diverged: only a completed or pruned trial keeps weights");
  CHECK_THROWS_WITH(store.write_weights(rows[3].id, sample_weights(1.0f)),
                    "trial " + std::to_string(rows[3].id) +
                        " is pending: only a completed or pruned trial keeps weights");
  CHECK(store.trials_with_weights(id) == std::vector<std::int64_t>{rows[0].id, rows[1].id});
  CHECK(raw_query(path, "SELECT count(*) FROM weights") == "2");
}

TEMPLATE_TEST_CASE("store: a trial run again loses its weights, and deleted weights are gone",
                   "[store][weights]", SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  store.add_trials(id, sample_trials(3));
  const auto rows = store.trials(id);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    store.start_trial(rows[i].id);
    TrialOutcome outcome = completed(2, 0.5);
    // The first trial fails (a failed trial runs again); the others complete.
    if (i == 0) outcome.status = TrialStatus::failed;
    outcome.weights = std::make_shared<const TrialWeights>(sample_weights(static_cast<float>(i)));
    store.finish_trial(rows[i].id, outcome);
  }
  CHECK(store.trials_with_weights(id).size() == 3);
  store.start_trial(rows[0].id);
  CHECK_FALSE(store.read_weights(rows[0].id));
  store.delete_weights({rows[1].id, rows[0].id});
  CHECK(store.trials_with_weights(id) == std::vector<std::int64_t>{rows[2].id});
  CHECK(same_bits(*store.read_weights(rows[2].id), sample_weights(2.0f)));
  CHECK(raw_query(path, "SELECT count(*) FROM weights") == "1");
  // Another sweep's trials are not listed as this one's.
  const auto other = store.create_sweep(sample_sweep("other"));
  CHECK(store.trials_with_weights(other).empty());
  CHECK(raw_query(path, "PRAGMA foreign_key_check").empty());
}
