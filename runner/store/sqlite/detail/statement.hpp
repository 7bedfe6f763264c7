// A prepared statement (finalised in the destructor). Values only ever enter
// SQL through bind(): no statement is built by pasting values into text.
//
// Doubles: SQLite turns a bound NaN into NULL, and NULL already means "absent"
// here, so bind_real() stores NaN as the text 'nan' (a REAL column keeps text
// that is not a number as text) and column_real() maps it back. Infinities
// are REAL values in SQLite and round-trip as they are.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <sqlite3.h>

namespace sweep::runner::detail {

class Connection;

class Statement {
 public:
  // persistent: the statement is kept and reused (Connection's cache), so
  // SQLite is told to place it outside its short-lived lookaside memory.
  Statement(Connection& connection, const char* sql, bool persistent = false);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  void bind(int index, std::int64_t value);
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, std::string_view text);
  void bind(int index, const char* text) { bind(index, std::string_view(text)); }
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
  void bind_null(int index);
  void bind_real(int index, double value);
  void bind_real(int index, const std::optional<double>& value);
  void bind_blob(int index, std::span<const std::byte> bytes);
  // Binds empty text as NULL (timestamps, owners not set).
  void bind_text_or_null(int index, std::string_view text);

  // Runs one step: true when a row is ready, false when done. Throws SqliteFailure.
  bool step();
  // Steps a statement that returns no rows.
  void run();
  // Ready for another run with new bindings: resets and clears every
  // binding. Never throws (the last step's error was already thrown).
  void reset() noexcept;

  bool column_is_null(int column) const;
  std::int64_t column_int64(int column) const;
  int column_int(int column) const { return static_cast<int>(column_int64(column)); }
  std::string column_text(int column) const;  // NULL reads as ""
  // The same without a copy, valid until the next step or reset.
  std::string_view column_text_view(int column) const;
  std::optional<double> column_real(int column) const;  // NULL reads as nullopt
  double column_real_or(int column, double fallback) const;
  std::span<const std::byte> column_blob(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace sweep::runner::detail
