// An owning handle on one sqlite3 connection (closed in the destructor).
// Not thread-safe: Store serialises every use behind its mutex.
#pragma once

#include <string>

#include <sqlite3.h>

namespace sweep::runner::detail {

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

  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace sweep::runner::detail
