#include "runner/store/sqlite/detail/connection.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "runner/store/sqlite/detail/sqlite_failure.hpp"
#include "runner/store/sqlite/detail/statement.hpp"

namespace sweep::runner::detail {

SqliteFailure::~SqliteFailure() = default;

Connection::Connection(const std::string& path, int flags) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 allocates a handle even on failure, to carry the message.
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteFailure(message, rc);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  // Cached statements first: sqlite3_close refuses (SQLITE_BUSY) while any
  // statement is unfinalised. Every other Statement is scoped inside a Store
  // call and already gone.
  cache_.clear();
  sqlite3_close(db_);
}

CachedStatement Connection::cached(std::string_view sql) {
  auto found = cache_.find(sql);
  if (found == cache_.end()) {
    const std::string text(sql);
    auto entry = std::make_unique<Entry>(*this, text.c_str());
    found = cache_.emplace(text, std::move(entry)).first;
  }
  Entry& entry = *found->second;
  if (entry.busy) {
    throw std::logic_error(fmt::format("statement already in use: {}", sql));
  }
  return CachedStatement(entry.statement, entry.busy);
}

void Connection::exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    const std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteFailure(message, rc);
  }
}

long long Connection::query_int(const char* sql) {
  Statement statement(*this, sql);
  if (!statement.step()) return 0;
  return statement.column_int64(0);
}

int Connection::changes() const {
  return sqlite3_changes(db_);
}

long long Connection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

bool Connection::read_only() const {
  return sqlite3_db_readonly(db_, "main") == 1;
}

void Connection::fail(int code) const {
  throw SqliteFailure(sqlite3_errmsg(db_), code);
}

}  // namespace sweep::runner::detail
