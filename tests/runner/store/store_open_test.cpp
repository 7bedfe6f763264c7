// Opening a database: creation, migration from every older schema, and every
// kind of file that is not a usable sweep database, with its exact message.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "runner/store/sqlite/detail/schema.hpp"
#include "runner/store/sqlite/sqlite_storage.hpp"
#include "tests/runner/store/store_helpers.hpp"

using sweep::runner::SqliteStorage;
using sweep::runner::Storage;
using sweep::runner::StorageError;
using sweep::runner::TrialStatus;
using namespace sweep::runner::testing;

namespace {

// A database exactly as a sweep with schema version 1 left it: the v1 step's
// own DDL, then a sweep with one trial, one epoch and one metric.
void build_version_1(const std::string& path) {
  const auto steps = sweep::runner::detail::migrations();
  REQUIRE(steps[0].version == 1);
  raw_exec(path, std::string("BEGIN;") + steps[0].sql + "PRAGMA user_version = 1; COMMIT;");
  raw_exec(path, R"sql(
    INSERT INTO sweeps (id, name, spec_json, spec_hash, status, created_at, jobs)
      VALUES (1, 'old', '{"name":"old"}', 'abcd', 'completed', '2025-01-02T03:04:05.006Z', 2);
    INSERT INTO trials (id, sweep_id, idx, config_json, params_json, config_hash, repeat, seed,
                        status, seconds)
      VALUES (10, 1, 0, '{"learning_rate":0.1}', '{"learning_rate":0.1}', 'h0', 0, -1,
              'completed', 2.5);
    INSERT INTO epochs (trial_id, epoch, learning_rate, loss, accuracy, seconds)
      VALUES (10, 1, 0.1, 0.75, 0.6, 1.0);
    INSERT INTO metrics (trial_id, epoch, name, value) VALUES (10, 1, 'f1_score', 0.55);
  )sql");
}

void check_refused(const std::string& path, Storage::Mode mode, const std::string& message) {
  try {
    SqliteStorage store(path, mode);
    FAIL("opened " << path);
  } catch (const StorageError& e) {
    CHECK(std::string(e.what()) == message);
  }
}

bool exists(const std::string& path) {
  return std::filesystem::exists(path);
}

// A trial's config large enough that one whose learning rate alone differs
// shares its base (its patch is under a quarter of it).
nlohmann::json spirals_config(const std::string& dataset, int rate) {
  return nlohmann::json{
      {"dataset",
       {{"name", dataset},
        {"samples", 300},
        {"noise", 0.2},
        {"classes", 3},
        {"description", "three interleaved spiral arms, with noise on each point"}}},
      {"metrics", {"accuracy", "precision", "recall", "f1_score", "auc"}},
      {"model", {{"layers", {{{"type", "dense"}, {"units", 8}, {"activation", "relu"}}}}}},
      {"training", {{"epochs", 2}, {"optimizer", {{"name", "adam"}, {"learning_rate", rate}}}}}};
}

}  // namespace

TEST_CASE("store open: a new file gets the latest schema, in WAL mode", "[store]") {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  {
    SqliteStorage store(path, Storage::Mode::read_write);
    CHECK(store.path() == path);
  }
  CHECK(SqliteStorage::kSchemaVersion == sweep::runner::detail::latest_schema_version());
  CHECK(raw_query(path, "PRAGMA user_version") == "6");
  CHECK(raw_query(path, "PRAGMA application_id") == std::to_string(0x53574550));
  CHECK(raw_query(path, "PRAGMA journal_mode") == "wal");
  CHECK(raw_query(path,
                  "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema "
                  "WHERE type = 'table' ORDER BY name)") ==
        "configs,epochs,loss_traces,metrics,sweeps,trials,weights");
  // Reopening migrates nothing and keeps the data.
  {
    SqliteStorage store(path, Storage::Mode::read_write);
    store.create_sweep(sample_sweep("fashion"));
  }
  SqliteStorage reader(path, Storage::Mode::read_only);
  CHECK(reader.list_sweeps().size() == 1);
  CHECK(raw_query(path, "PRAGMA integrity_check") == "ok");
}

TEST_CASE("store open: a version 1 database is migrated with its data", "[store]") {
  TempDir dir;
  const std::string path = dir.file("old.db");
  build_version_1(path);
  REQUIRE(raw_query(path, "PRAGMA user_version") == "1");
  // A reader cannot migrate, and says how to.
  check_refused(path, Storage::Mode::read_only,
                path +
                    " has schema version 1, older than this sweep's (6); run or resume a sweep "
                    "on it to upgrade it");
  REQUIRE(raw_query(path, "PRAGMA user_version") == "1");

  SqliteStorage store(path, Storage::Mode::read_write);
  CHECK(raw_query(path, "PRAGMA user_version") == "6");
  CHECK(raw_query(path, "PRAGMA integrity_check") == "ok");
  const auto sweep = store.find_sweep("old");
  REQUIRE(sweep);
  CHECK(sweep->status == "completed");
  CHECK(sweep->created_at == "2025-01-02T03:04:05.006Z");
  const auto trials = store.trials(sweep->id);
  REQUIRE(trials.size() == 1);
  CHECK(trials[0].seed == 0xFFFFFFFFFFFFFFFFULL);  // stored as -1
  CHECK(trials[0].cost == 0.0);                    // the v2 column's default
  CHECK(sweep->data_json == "{}");                 // the v3 column's default
  CHECK(trials[0].status == TrialStatus::completed);
  CHECK(trials[0].epochs_done == 1);
  CHECK(store.read_sweep(sweep->id).trials.at(0).config.resolved().dump() ==
        R"({"learning_rate":0.1})");  // moved by step 5
  const auto epochs = store.epochs(10);
  REQUIRE(epochs.size() == 1);
  CHECK(epochs[0].metrics.at("loss") == 0.75);
  CHECK(epochs[0].metrics.at("f1_score") == 0.55);
  CHECK(epochs[0].loss_trace.empty());
  // The new table works on the migrated file.
  store.add_trials(sweep->id, sample_trials(1));
  const auto rows = store.trials(sweep->id);
  REQUIRE(rows.size() == 2);
  const auto fresh = rows[0].config_hash == "hash-0" ? rows[0] : rows[1];
  REQUIRE(fresh.config_hash == "hash-0");
  store.start_trial(fresh.id);
  store.record_epoch(fresh.id, sample_epoch(1));
  CHECK(store.epochs(fresh.id).at(0).loss_trace == sample_epoch(1).loss_trace);
  // And the weights table (version 4).
  sweep::runner::TrialOutcome outcome;
  outcome.weights = std::make_shared<const sweep::runner::TrialWeights>(sample_weights(1.0f));
  store.finish_trial(fresh.id, outcome);
  CHECK(same_bits(*store.read_weights(fresh.id), sample_weights(1.0f)));
  CHECK_FALSE(store.read_weights(10));
}

TEST_CASE("store open: a version 4 database's configs move into shared bases and patches",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("v4.db");
  const auto steps = sweep::runner::detail::migrations();
  std::string ddl = "BEGIN;";
  for (int i = 0; i < 4; ++i) ddl += steps[i].sql;
  raw_exec(path, ddl + "PRAGMA user_version = 4; COMMIT;");
  // Two sweeps; in the first, nine trials over three optimizers whose
  // configs differ from their optimizer's first by the learning rate only.
  const auto config = [](const std::string& optimizer, int i) {
    const std::string extra = optimizer == "sgd" ? R"("momentum":0,"nesterov":false)"
                              : optimizer == "adam"
                                  ? R"("amsgrad":false,"beta_1":0.9,"beta_2":0.999)"
                                  : R"("centered":false,"rho":0.9)";
    return R"({"dataset":{"name":"spirals","samples":300,"validation_split":0.2},"model":)"
           R"({"layers":[{"activation":"relu","type":"dense","units":8},{"activation":)"
           R"("softmax","type":"dense","units":3}]},"training":{"batch_size":32,"epochs":2,)"
           R"("optimizer":{)" +
           extra + R"(,"learning_rate":)" + std::to_string(i) + R"(,"name":")" + optimizer +
           R"("}}})";
  };
  std::string rows = R"sql(
    INSERT INTO sweeps (id, name, spec_json, spec_hash, status, created_at)
      VALUES (1, 'a', '{}', 'a', 'completed', '2025-01-02T03:04:05.006Z'),
             (2, 'b', '{}', 'b', 'completed', '2025-01-02T03:04:05.006Z');
  )sql";
  std::vector<std::string> originals;
  const char* optimizers[] = {"sgd", "adam", "rmsprop"};
  for (int i = 0; i < 10; ++i) {
    const std::string optimizer = i < 9 ? optimizers[i % 3] : "adam";
    originals.push_back(nlohmann::json::parse(config(optimizer, i)).dump());
    rows += fmt::format(
        "INSERT INTO trials (id, sweep_id, idx, config_json, params_json, config_hash, repeat, "
        "seed) VALUES ({}, {}, {}, '{}', '{{\"optimizer\":\"{}\"}}', 'h{}', 0, {});",
        100 + i, i < 9 ? 1 : 2, i, config(optimizer, i), optimizer, i, i);
  }
  raw_exec(path, rows);

  SqliteStorage store(path, Storage::Mode::read_write);
  CHECK(raw_query(path, "PRAGMA user_version") == "6");
  CHECK(raw_query(path, "PRAGMA integrity_check") == "ok");
  CHECK(raw_query(path, "PRAGMA foreign_key_check") == "");
  // One base per optimizer and sweep; the trials keep only their rate.
  CHECK(raw_query(path, "SELECT count(*) FROM configs WHERE sweep_id = 1") == "3");
  CHECK(raw_query(path, "SELECT count(*) FROM configs WHERE sweep_id = 2") == "1");
  CHECK(raw_query(path, "SELECT config_patch FROM trials WHERE id = 104") ==
        R"([{"op":"replace","path":"/training/optimizer/learning_rate","value":4}])");
  CHECK(raw_query(path,
                  "SELECT count(*) FROM pragma_table_info('trials') WHERE name = "
                  "'config_json'") == "0");
  for (const char* name : {"a", "b"}) {
    const auto sweep = store.find_sweep(name);
    REQUIRE(sweep);
    for (const auto& trial : store.read_sweep(sweep->id).trials) {
      CHECK(trial.config.resolved().dump() ==
            originals.at(static_cast<std::size_t>(trial.id - 100)));
    }
  }
}

TEST_CASE("store open: a trial's config patch that does not fit its base is refused", "[store]") {
  TempDir dir;
  const std::string path = dir.file("sweeps.db");
  SqliteStorage store(path, Storage::Mode::read_write);
  const auto sweep = store.create_sweep(sample_sweep("alpha"));
  auto trials = sample_trials(3);
  const auto config = [](int rate) { return spirals_config("spirals", rate); };
  for (int i = 0; i < 3; ++i) trials[i].config_json = config(i + 1).dump();
  store.add_trials(sweep, trials);
  // The trials share one base (a patch is under a quarter of a config);
  // each keeps its rate as a patch.
  CHECK(raw_query(path, "SELECT count(*) FROM configs") == "1");
  const auto read = store.read_sweep(sweep);
  REQUIRE(read.trials.size() == 3);
  CHECK(read.trials[2].config == config(3));
  CHECK(&read.trials[0].config.base() == &read.trials[2].config.base());
  CHECK(read.trials[2].config.find("/training/optimizer/learning_rate") == 3);
  CHECK(read.trials[2].config.find("/training/optimizer") ==
        nlohmann::json{{"name", "adam"}, {"learning_rate", 3}});
  CHECK(read.trials[2].config.find("/dataset/samples") == 300);
  CHECK(read.trials[2].config.find("/training/momentum").is_null());

  raw_exec(path,
           R"(UPDATE trials SET config_patch = '[{"op":"replace","path":"/nope","value":1}]' )"
           "WHERE idx = 2");
  CHECK_THROWS_WITH(store.read_sweep(sweep),
                    fmt::format("cannot read sweep {} in {}: a trial's config patch does not "
                                "apply: no /nope in its base",
                                sweep, path));
  raw_exec(path, R"(UPDATE trials SET config_patch = '{"op":"add"}' WHERE idx = 2)");
  CHECK_THROWS_WITH(store.read_sweep(sweep),
                    fmt::format("cannot read sweep {} in {}: a trial's config patch does not "
                                "apply: it is not an array",
                                sweep, path));
}

TEST_CASE("store open: trials added to a sweep split against the bases it has", "[store]") {
  TempDir dir;
  const std::string path = dir.file("sweeps.db");
  SqliteStorage store(path, Storage::Mode::read_write);
  const auto sweep = store.create_sweep(sample_sweep("alpha"));
  const auto config = spirals_config;
  // Far from the others: every member differs.
  const auto far = [](int rate) {
    return nlohmann::json{{"other", {{"name", "moons"}, {"rate", rate}}}};
  };
  // The configs read back, in the trials' order.
  const auto resolved = [&] {
    std::vector<std::string> out;
    for (const auto& trial : store.read_sweep(sweep).trials)
      out.push_back(trial.config.resolved().dump());
    return out;
  };

  // A new sweep: two trials share a base. The third is the first again
  // (hash and repeat) with a config no base is close to: its row stays
  // out, and so does the base it would have made.
  auto trials = sample_trials(3);
  trials[0].config_json = config("spirals", 1).dump();
  trials[1].config_json = config("spirals", 2).dump();
  trials[2].config_json = far(3).dump();
  trials[2].config_hash = trials[0].config_hash;
  store.add_trials(sweep, trials);
  CHECK(raw_query(path, "SELECT count(*) FROM trials") == "2");
  CHECK(raw_query(path, "SELECT count(*) FROM configs") == "1");
  CHECK(resolved() ==
        std::vector<std::string>{config("spirals", 1).dump(), config("spirals", 2).dump()});

  // Resumed: the trials it has keep their rows; a new one close to the stored
  // base takes it, one far from it adds a base.
  trials = sample_trials(4);
  trials[0].config_json = config("spirals", 1).dump();
  trials[1].config_json = config("spirals", 2).dump();
  trials[2].config_json = config("spirals", 3).dump();
  trials[3].config_json = far(4).dump();
  store.add_trials(sweep, trials);
  CHECK(raw_query(path, "SELECT count(*) FROM trials") == "4");
  CHECK(raw_query(path, "SELECT count(*) FROM configs") == "2");
  CHECK(raw_query(path, "SELECT config_patch FROM trials WHERE idx = 2") ==
        R"([{"op":"replace","path":"/training/optimizer/learning_rate","value":3}])");
  CHECK(raw_query(path, "SELECT config_patch FROM trials WHERE idx = 3") == "[]");
  CHECK(resolved() == std::vector<std::string>{config("spirals", 1).dump(),
                                               config("spirals", 2).dump(),
                                               config("spirals", 3).dump(), far(4).dump()});
  CHECK(raw_query(path, "PRAGMA foreign_key_check") == "");
}

TEST_CASE("store open: migration steps are numbered in order", "[store]") {
  const auto steps = sweep::runner::detail::migrations();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    CHECK(steps[i].version == static_cast<int>(i) + 1);
  }
}

TEST_CASE("store open: a file that is not SQLite is left byte for byte", "[store]") {
  TempDir dir;
  const std::string path = dir.file("notes.db");
  const std::string text = "these are my notes, not a database\n";
  write_bytes(path, text);
  const std::string message = path + " is not a sweep database (file is not a database)";
  check_refused(path, Storage::Mode::read_write, message);
  check_refused(path, Storage::Mode::read_only, message);
  CHECK(read_bytes(path) == text);
  CHECK_FALSE(exists(path + "-wal"));
  CHECK_FALSE(exists(path + "-shm"));

  // Shorter than the header, and a header that is almost right.
  write_bytes(path, "SQLite");
  check_refused(path, Storage::Mode::read_write, message);
  CHECK(read_bytes(path) == "SQLite");
  const std::string almost = std::string("SQLite format 4") + '\0' + std::string(200, 'x');
  write_bytes(path, almost);
  check_refused(path, Storage::Mode::read_write, message);
  CHECK(read_bytes(path) == almost);
}

TEST_CASE("store open: a damaged SQLite file is refused", "[store]") {
  TempDir dir;
  const std::string path = dir.file("broken.db");
  // The right header, then garbage: SQLite itself finds it is no database.
  const std::string bytes = std::string("SQLite format 3") + '\0' + std::string(4080, '\x7f');
  write_bytes(path, bytes);
  check_refused(path, Storage::Mode::read_write,
                path + " is not a sweep database (file is not a database)");
  CHECK(read_bytes(path) == bytes);
}

TEST_CASE("store open: another application's SQLite database is left alone", "[store]") {
  TempDir dir;
  const std::string path = dir.file("other.db");
  raw_exec(path, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');");
  const std::string before = read_bytes(path);
  const std::string message = path + " is not a sweep database (it belongs to another application)";
  check_refused(path, Storage::Mode::read_write, message);
  check_refused(path, Storage::Mode::read_only, message);
  CHECK(read_bytes(path) == before);
  CHECK(raw_query(path, "PRAGMA journal_mode") == "delete");
}

TEST_CASE("store open: a newer schema is refused", "[store]") {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  { SqliteStorage store(path, Storage::Mode::read_write); }
  raw_exec(path, "PRAGMA user_version = 7");
  const std::string message =
      path + " has schema version 7, newer than this sweep understands (6); upgrade sweep";
  check_refused(path, Storage::Mode::read_write, message);
  check_refused(path, Storage::Mode::read_only, message);
  CHECK(raw_query(path, "PRAGMA user_version") == "7");
}

TEST_CASE("store open: a missing database", "[store]") {
  TempDir dir;
  const std::string path = dir.file("missing.db");
  check_refused(path, Storage::Mode::read_only, path + ": no such database");
  CHECK_FALSE(exists(path));
  const std::string nested = dir.file("no/such/folder/sweep.db");
  check_refused(nested, Storage::Mode::read_write,
                "cannot create " + nested + ": no such folder " + dir.file("no/such/folder"));
}

TEST_CASE("store open: an empty file becomes a database, but not for a reader", "[store]") {
  TempDir dir;
  const std::string path = dir.file("empty.db");
  write_bytes(path, "");
  check_refused(path, Storage::Mode::read_only, path + " is not a sweep database (it is empty)");
  SqliteStorage store(path, Storage::Mode::read_write);
  CHECK(raw_query(path, "PRAGMA user_version") == "6");
}

TEST_CASE("store open: a folder is not a database", "[store]") {
  TempDir dir;
  check_refused(dir.path(), Storage::Mode::read_write, dir.path() + " is a folder, not a database");
  check_refused(dir.path(), Storage::Mode::read_only, dir.path() + " is a folder, not a database");
}

TEST_CASE("store open: a read-only database is refused to a writer, opened for a reader",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  {
    SqliteStorage store(path, Storage::Mode::read_write);
    store.create_sweep(sample_sweep("fashion"));
  }
  REQUIRE(chmod(path.c_str(), 0444) == 0);
  const std::string before = read_bytes(path);
  check_refused(path, Storage::Mode::read_write,
                "cannot write to " + path + ": the file is read-only");
  CHECK(read_bytes(path) == before);
  SqliteStorage reader(path, Storage::Mode::read_only);
  CHECK(reader.find_sweep("fashion"));
}

TEST_CASE("store open: a read-only folder is refused to a writer", "[store]") {
  TempDir dir;
  const std::string folder = dir.file("locked");
  REQUIRE(std::filesystem::create_directory(folder));
  const std::string existing = folder + "/sweep.db";
  { SqliteStorage store(existing, Storage::Mode::read_write); }
  REQUIRE(chmod(folder.c_str(), 0555) == 0);
  check_refused(folder + "/new.db", Storage::Mode::read_write,
                "cannot create " + folder + "/new.db: folder " + folder + " is read-only");
  check_refused(existing, Storage::Mode::read_write,
                "cannot write to " + existing + ": its folder " + folder +
                    " is read-only (sweep keeps a journal beside it)");
  CHECK_FALSE(exists(folder + "/new.db"));
  REQUIRE(chmod(folder.c_str(), 0755) == 0);
}
