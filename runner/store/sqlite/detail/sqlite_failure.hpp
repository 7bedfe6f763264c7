// What the RAII wrappers throw when SQLite reports an error: SQLite's own
// message and result code, without context. Store turns it into a
// StorageError that says what it was doing and on which file.
#pragma once

#include <stdexcept>
#include <string>

namespace sweep::runner::detail {

class SqliteFailure : public std::runtime_error {
 public:
  SqliteFailure(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  ~SqliteFailure() override;
  int code() const { return code_; }

 private:
  int code_;
};

}  // namespace sweep::runner::detail
