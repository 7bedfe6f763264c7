#include "tests/cli/db.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <stdexcept>

namespace sweep::test {

std::vector<std::vector<std::string>> query(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + db_path + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("bad query " + sql + ": " + message);
  }
  std::vector<std::vector<std::string>> rows;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      switch (sqlite3_column_type(statement, i)) {
        case SQLITE_NULL:
          row.emplace_back("NULL");
          break;
        case SQLITE_FLOAT: {
          char text[40];
          std::snprintf(text, sizeof text, "%.17g", sqlite3_column_double(statement, i));
          row.emplace_back(text);
          break;
        }
        default:
          row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, i)));
      }
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  if (rc != SQLITE_DONE) throw std::runtime_error("query failed: " + sql);
  return rows;
}

std::string query_one(const std::string& db_path, const std::string& sql) {
  const auto rows = query(db_path, sql);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("no rows: " + sql);
  return rows[0][0];
}

std::vector<std::vector<std::string>> epoch_rows(const std::string& db_path) {
  return query(
      db_path,
      "SELECT t.config_hash, t.repeat, e.epoch, e.learning_rate, e.loss, e.accuracy, e.val_loss, "
      "e.val_accuracy FROM epochs e JOIN trials t ON t.id = e.trial_id ORDER BY t.config_hash, "
      "t.repeat, e.epoch");
}

std::vector<std::vector<std::string>> objective_mismatches(const std::string& db_path) {
  const std::string metric =
      query_one(db_path, "SELECT json_extract(spec_json, '$.objective.metric') FROM sweeps");
  const std::string direction =
      query_one(db_path, "SELECT json_extract(spec_json, '$.objective.direction') FROM sweeps");
  if (metric != "loss" && metric != "accuracy" && metric != "val_loss" && metric != "val_accuracy")
    throw std::runtime_error("objective_mismatches: objective " + metric +
                             " is not an epochs column");
  const std::string finite = " <= 1.7976931348623157e308";
  return query(db_path,
               "SELECT t.id, t.objective, b.best FROM trials t LEFT JOIN (SELECT trial_id, " +
                   std::string(direction == "max" ? "max" : "min") + "(" + metric +
                   ") AS best FROM epochs WHERE typeof(" + metric + ") = 'real' AND abs(" + metric +
                   ")" + finite +
                   " GROUP BY trial_id) b ON b.trial_id = t.id WHERE t.status IN "
                   "('completed', 'pruned') AND typeof(t.objective) = 'real' AND "
                   "abs(t.objective)" +
                   finite + " AND t.objective IS NOT b.best ORDER BY t.id");
}

void execute(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + db_path + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const std::string all = "BEGIN IMMEDIATE; " + sql + "; COMMIT;";
  if (sqlite3_exec(db, all.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    sqlite3_close(db);
    throw std::runtime_error("cannot run " + sql + ": " + message);
  }
  sqlite3_close(db);
}

WriteLock::WriteLock(const std::string& db_path) {
  if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK ||
      sqlite3_busy_timeout(db_, 5000) != SQLITE_OK ||
      sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot lock " + db_path + ": " + message);
  }
}

WriteLock::~WriteLock() {
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db_);
}

bool write_lock_free(const std::string& db_path) {
  ::sqlite3* db = nullptr;
  bool free = sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
              sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  if (free) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return free;
}

}  // namespace sweep::test
