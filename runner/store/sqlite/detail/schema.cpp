#include "runner/store/sqlite/detail/schema.hpp"

#include <array>

#include <fmt/format.h>
#include <sqlite3.h>

#include "runner/store/sqlite/detail/connection.hpp"
#include "runner/store/sqlite/detail/statement.hpp"
#include "runner/store/sqlite/detail/transaction.hpp"
#include "runner/store/sqlite/detail/trial_configs.hpp"
#include "runner/store/storage_error.hpp"

namespace sweep::runner::detail {
namespace {

// Version 1: sweeps, trials, per-epoch rows and every other metric by name.
constexpr const char* kVersion1 = R"sql(
PRAGMA application_id = 1398228304;
CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  spec_json TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
  created_at TEXT NOT NULL,
  finished_at TEXT,
  duration_seconds REAL NOT NULL DEFAULT 0,
  active_since REAL,
  host TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  jobs INTEGER NOT NULL DEFAULT 1,
  owner TEXT,
  lease_expires REAL
);
CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  params_json TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed',
      'diverged', 'pruned', 'failed', 'interrupted')),
  error TEXT NOT NULL DEFAULT '',
  started_at TEXT,
  finished_at TEXT,
  seconds REAL NOT NULL DEFAULT 0,
  best_epoch INTEGER NOT NULL DEFAULT 0,
  objective REAL,
  test_metrics_json TEXT,
  div_epoch INTEGER,
  div_batch INTEGER,
  div_loss REAL,
  UNIQUE (sweep_id, config_hash, repeat)
);
CREATE INDEX trials_by_order ON trials (sweep_id, idx, repeat);
CREATE TABLE epochs (
  trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  learning_rate REAL,
  loss REAL,
  accuracy REAL,
  val_loss REAL,
  val_accuracy REAL,
  seconds REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (trial_id, epoch)
) WITHOUT ROWID;
CREATE TABLE metrics (
  trial_id INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (trial_id, epoch, name),
  FOREIGN KEY (trial_id, epoch) REFERENCES epochs (trial_id, epoch) ON DELETE CASCADE
) WITHOUT ROWID;
)sql";

// Version 2: the within-epoch loss trace, and each trial's expected cost (the
// scheduler starts the most expensive first; rows from version 1 get 0).
constexpr const char* kVersion2 = R"sql(
ALTER TABLE trials ADD COLUMN cost REAL NOT NULL DEFAULT 0;
CREATE TABLE loss_traces (
  trial_id INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  points BLOB NOT NULL,
  PRIMARY KEY (trial_id, epoch),
  FOREIGN KEY (trial_id, epoch) REFERENCES epochs (trial_id, epoch) ON DELETE CASCADE
) WITHOUT ROWID;
)sql";

// Version 3: what the runner learnt of the sweep's data when it loaded it
// (JSON: validation rows and classes present), which the reports' margins and
// warnings need and the spec alone cannot tell.
constexpr const char* kVersion3 = R"sql(
ALTER TABLE sweeps ADD COLUMN data_json TEXT NOT NULL DEFAULT '{}';
)sql";

// Version 4: the weights of trained models (storage.weights), one row per
// trial, in a table of their own: the blobs never sit in the pages that
// listings and reports read (trials, epochs). `tensors_json` names and shapes
// the float32 values of `data` (little-endian, concatenated in order);
// `preprocessing_json` and `preprocessing` (offset then scale, float32) say
// what the dataset did to the inputs.
constexpr const char* kVersion4 = R"sql(
CREATE TABLE weights (
  trial_id INTEGER PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  tensors_json TEXT NOT NULL,
  data BLOB NOT NULL,
  preprocessing_json TEXT NOT NULL,
  preprocessing BLOB NOT NULL
);
)sql";

// Version 5: a trial's resolved config stored once per sweep. `configs` holds
// a few base configs per sweep; each trial keeps which base (config_id) and
// its difference from it as an RFC 6902 JSON Patch (config_patch), usually
// just its swept values, instead of a whole config per trial (75 % of a
// random search's database). split_stored_configs moves the version 4 rows;
// config_json goes after.
constexpr const char* kVersion5 = R"sql(
CREATE TABLE configs (
  id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  config_json TEXT NOT NULL
);
CREATE INDEX configs_by_sweep ON configs (sweep_id);
ALTER TABLE trials ADD COLUMN config_id INTEGER REFERENCES configs (id);
ALTER TABLE trials ADD COLUMN config_patch TEXT NOT NULL DEFAULT '[]';
)sql";

constexpr const char* kVersion5After = R"sql(
ALTER TABLE trials DROP COLUMN config_json;
)sql";

// Version 6: no new table or column. A trial's test metrics may hold a
// matrix of cells "base[r][c]" (the confusion counts) as one member, an array
// of rows (encoding.hpp): a version 5 reader would take that for a corrupt
// file, so the version says the format changed. Rows written before read as
// they were.
constexpr const char* kVersion6 = "";

constexpr std::array<Migration, 6> kMigrations{{
    {1, "sweeps, trials, epochs, metrics", kVersion1},
    {2, "loss traces, trial cost", kVersion2},
    {3, "facts about the sweep's data", kVersion3},
    {4, "weights of trained models", kVersion4},
    {5, "trial configs stored once per sweep", kVersion5, split_stored_configs, kVersion5After},
    {6, "test metrics' matrices as arrays of rows", kVersion6},
}};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return kMigrations.back().version;
}

SchemaState inspect_schema(Connection& connection) {
  // One read transaction: another process creating the database commits its
  // tables, application id and version at once, and the three reads below
  // must all see the file before or all after (read apart, a racing run took
  // a half-read new database for another application's).
  connection.exec("BEGIN");
  struct EndRead {
    Connection& connection;
    ~EndRead() { sqlite3_exec(connection.handle(), "COMMIT", nullptr, nullptr, nullptr); }
  } end_read{connection};
  SchemaState state;
  state.application_id = static_cast<std::int32_t>(connection.query_int("PRAGMA application_id"));
  state.user_version = static_cast<int>(connection.query_int("PRAGMA user_version"));
  Statement tables(
      connection,
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
      "ORDER BY name");
  while (tables.step()) state.tables.push_back(tables.column_text(0));
  return state;
}

void check_schema(const SchemaState& state, const std::string& path, bool read_only) {
  const int latest = latest_schema_version();
  const bool fresh = state.application_id == 0 && state.user_version == 0 && state.tables.empty();
  if (fresh) {
    if (read_only)
      throw StorageError(fmt::format("{} is not a sweep database (it is empty)", path));
    return;
  }
  if (state.application_id != kApplicationId) {
    throw StorageError(
        fmt::format("{} is not a sweep database (it belongs to another application)", path));
  }
  if (state.user_version > latest) {
    throw StorageError(fmt::format(
        "{} has schema version {}, newer than this sweep understands ({}); upgrade sweep", path,
        state.user_version, latest));
  }
  if (state.user_version < latest && read_only) {
    throw StorageError(
        fmt::format("{} has schema version {}, older than this sweep's ({}); run or resume a sweep "
                    "on it to upgrade it",
                    path, state.user_version, latest));
  }
}

int migrate(Connection& connection) {
  if (connection.query_int("PRAGMA user_version") >= latest_schema_version()) return 0;
  Transaction transaction(connection);
  // Another process may have applied steps while we waited for the lock.
  const long long current = connection.query_int("PRAGMA user_version");
  int applied = 0;
  for (const Migration& step : kMigrations) {
    if (current >= step.version) continue;
    connection.exec(step.sql);
    if (step.data != nullptr) step.data(connection);
    if (step.sql_after != nullptr) connection.exec(step.sql_after);
    // PRAGMA takes no bound parameters; the version is our own constant.
    connection.exec(fmt::format("PRAGMA user_version = {}", step.version).c_str());
    ++applied;
  }
  transaction.commit();
  return applied;
}

}  // namespace sweep::runner::detail
