#include "runner/store/sqlite/detail/statement.hpp"

#include <cmath>

#include "runner/store/sqlite/detail/connection.hpp"
#include "runner/store/sqlite/detail/sqlite_failure.hpp"

namespace sweep::runner::detail {
namespace {

constexpr std::string_view kNanText = "nan";

}  // namespace

Statement::Statement(Connection& connection, const char* sql, bool persistent)
    : db_(connection.handle()) {
  const int rc = sqlite3_prepare_v3(db_, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                                    &statement_, nullptr);
  if (rc != SQLITE_OK) connection.fail(rc);
}

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

void Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(statement_, index, value);
  if (rc != SQLITE_OK) throw SqliteFailure(sqlite3_errmsg(db_), rc);
}

void Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8);
  if (rc != SQLITE_OK) throw SqliteFailure(sqlite3_errmsg(db_), rc);
}

void Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(statement_, index);
  if (rc != SQLITE_OK) throw SqliteFailure(sqlite3_errmsg(db_), rc);
}

void Statement::bind_real(int index, double value) {
  if (std::isnan(value)) {
    bind(index, kNanText);
    return;
  }
  const int rc = sqlite3_bind_double(statement_, index, value);
  if (rc != SQLITE_OK) throw SqliteFailure(sqlite3_errmsg(db_), rc);
}

void Statement::bind_real(int index, const std::optional<double>& value) {
  if (value) {
    bind_real(index, *value);
  } else {
    bind_null(index);
  }
}

void Statement::bind_blob(int index, std::span<const std::byte> bytes) {
  // A zero-length blob with a null pointer would bind NULL; keep it a blob.
  static const std::byte kEmpty{};
  const void* data = bytes.empty() ? &kEmpty : bytes.data();
  const int rc = sqlite3_bind_blob64(statement_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw SqliteFailure(sqlite3_errmsg(db_), rc);
}

void Statement::bind_text_or_null(int index, std::string_view text) {
  if (text.empty()) {
    bind_null(index);
  } else {
    bind(index, text);
  }
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(statement_);
  throw SqliteFailure(message, rc);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() noexcept {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::string Statement::column_text(int column) const {
  return std::string(column_text_view(column));
}

std::string_view Statement::column_text_view(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(statement_, column);
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

std::optional<double> Statement::column_real(int column) const {
  switch (sqlite3_column_type(statement_, column)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_TEXT:
      if (column_text(column) == kNanText) return std::nan("");
      break;
    default:
      break;
  }
  return sqlite3_column_double(statement_, column);
}

double Statement::column_real_or(int column, double fallback) const {
  return column_real(column).value_or(fallback);
}

std::span<const std::byte> Statement::column_blob(int column) const {
  const void* data = sqlite3_column_blob(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const std::byte*>(data), static_cast<std::size_t>(size)};
}

}  // namespace sweep::runner::detail
