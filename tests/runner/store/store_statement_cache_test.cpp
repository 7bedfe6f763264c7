// The store reuses prepared statements across calls (one cache per
// connection). These tests check what reuse could break: a reused SELECT must
// not keep a read snapshot between calls, bindings must not leak from one
// call into the next, and a call that failed must leave its statements usable.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "runner/store/sqlite/sqlite_storage.hpp"
#include "tests/runner/store/store_helpers.hpp"

using sweep::runner::SqliteStorage;
using sweep::runner::Storage;
using sweep::runner::TrialStatus;
using namespace sweep::runner::testing;

TEST_CASE("store cache: a reused select sees other connections' commits", "[store]") {
  TempDir dir;
  const std::string path = dir.file("sweeps.db");
  SqliteStorage store(path, Storage::Mode::read_write);
  store.create_sweep(sample_sweep("alpha"));
  REQUIRE(store.find_sweep("alpha")->description == sample_sweep("alpha").description);

  raw_exec(path, "UPDATE sweeps SET description = 'changed elsewhere' WHERE name = 'alpha'");
  // No read snapshot is held between calls, so a full checkpoint succeeds
  // (first column 0: not blocked by a reader) ...
  CHECK(raw_query(path, "PRAGMA wal_checkpoint(TRUNCATE)") == "0");
  // ... and the same cached statement reads the new row.
  CHECK(store.find_sweep("alpha")->description == "changed elsewhere");
  CHECK_FALSE(store.find_sweep("beta").has_value());
  CHECK(store.find_sweep("alpha")->name == "alpha");
}

TEST_CASE("store cache: bindings do not carry over from one call to the next", "[store]") {
  TempDir dir;
  SqliteStorage store(dir.file("sweeps.db"), Storage::Mode::read_write);
  const auto sweep = store.create_sweep(sample_sweep("alpha"));
  store.add_trials(sweep, sample_trials(1));
  const auto trial = store.trials(sweep).at(0).id;
  store.start_trial(trial);
  store.record_epoch(trial, sample_epoch(1));
  // Epoch 2 has no validation metrics and no trace: nothing of epoch 1's may
  // show up in its row.
  sweep::reports::EpochRecord bare;
  bare.epoch = 2;
  bare.learning_rate = 0.5;
  bare.metrics = {{"loss", 0.25}};
  store.record_epoch(trial, bare);

  const auto epochs = store.epochs(trial);
  REQUIRE(epochs.size() == 2);
  CHECK(epochs[0].metrics == sample_epoch(1).metrics);
  CHECK(epochs[1].metrics == bare.metrics);
  CHECK(epochs[1].loss_trace.empty());
  CHECK(epochs[1].learning_rate == 0.5);
}

TEST_CASE("store cache: a failed call leaves its statements usable", "[store]") {
  TempDir dir;
  const std::string path = dir.file("sweeps.db");
  SqliteStorage store(path, Storage::Mode::read_write);
  const auto sweep = store.create_sweep(sample_sweep("alpha"));
  store.add_trials(sweep, sample_trials(2));
  const auto rows = store.trials(sweep);
  const auto pending = rows.at(0).id;
  const auto running = rows.at(1).id;
  store.start_trial(running);

  CHECK_THROWS_WITH(
      store.record_epoch(pending, sample_epoch(1)),
      "cannot record epoch 1 of trial " + std::to_string(pending) + ": it is pending, not running");
  CHECK_THROWS_WITH(store.record_epoch(999, sample_epoch(1)), "no trial with id 999");
  store.record_epoch(running, sample_epoch(1));
  // A duplicate epoch violates the primary key; the transaction rolls back.
  CHECK_THROWS_AS(store.record_epoch(running, sample_epoch(1)), sweep::runner::StorageError);
  store.record_epoch(running, sample_epoch(2));
  CHECK(store.epochs(pending).empty());
  CHECK(store.epochs(running).size() == 2);
  CHECK(raw_query(path, "SELECT count(*) FROM epochs") == "2");
  CHECK(store.trials(sweep).at(1).status == TrialStatus::running);

  // Both clocks only grow; the wait is counted apart from the work.
  CHECK(store.seconds_in_store() > 0.0);
  CHECK(store.seconds_waiting() >= 0.0);
}
