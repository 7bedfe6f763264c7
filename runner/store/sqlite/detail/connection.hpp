// An owning handle on one sqlite3 connection (closed in the destructor) and
// its cache of prepared statements. Not thread-safe: Store serialises every
// use behind its mutex.
//
// Why a cache: preparing a statement (parsing, planning, and for an INSERT
// the foreign-key checks) costs about as much as running it, and the runner
// runs the same few statements once per epoch for every trial.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "runner/store/sqlite/detail/statement.hpp"

namespace sweep::runner::detail {

// One use of a cached statement. The destructor resets it and clears its
// bindings, so a SELECT left mid-way never holds a read snapshot (which
// would hide other processes' commits and block WAL checkpoints) and the
// next use starts from clean bindings.
class CachedStatement {
 public:
  CachedStatement(Statement& statement, bool& busy) : statement_(&statement), busy_(&busy) {
    *busy_ = true;
  }
  ~CachedStatement() {
    statement_->reset();
    *busy_ = false;
  }
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  Statement& operator*() const { return *statement_; }
  Statement* operator->() const { return statement_; }

 private:
  Statement* statement_;
  bool* busy_;
};

class Connection {
 public:
  // flags as for sqlite3_open_v2 (SQLITE_OPEN_READONLY, SQLITE_OPEN_READWRITE
  // | SQLITE_OPEN_CREATE). Throws SqliteFailure.
  Connection(const std::string& path, int flags);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL that binds no values (DDL, PRAGMA, BEGIN/COMMIT). Throws SqliteFailure.
  void exec(const char* sql);
  // A PRAGMA or query whose single result is an integer.
  long long query_int(const char* sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int changes() const;
  long long last_insert_rowid() const;
  bool read_only() const;
  // Throws SqliteFailure carrying the connection's last error.
  [[noreturn]] void fail(int code) const;

  // The statement for sql, prepared once (SQLITE_PREPARE_PERSISTENT) and
  // kept until the connection closes. sql must bind every value (no values
  // pasted into it), or the cache would grow without bound. Throws
  // SqliteFailure when it does not prepare, std::logic_error when the same
  // statement is already in use (a caller bug: one use would reset the other).
  CachedStatement cached(std::string_view sql);

  sqlite3* handle() const { return db_; }

 private:
  struct Entry {
    Entry(Connection& connection, const char* sql) : statement(connection, sql, true) {}
    Statement statement;
    bool busy = false;
  };
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };

  sqlite3* db_ = nullptr;
  // Finalised in the destructor before sqlite3_close.
  std::unordered_map<std::string, std::unique_ptr<Entry>, SqlHash, std::equal_to<>> cache_;
};

}  // namespace sweep::runner::detail
