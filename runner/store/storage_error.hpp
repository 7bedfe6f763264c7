// The error the store throws when the database cannot be opened, read or
// written. Its message is one line naming the file; code() is SQLite's result
// code when SQLite reported the failure, 0 when sweep found it.
#pragma once

#include <stdexcept>
#include <string>

namespace sweep::runner {

class StorageError : public std::runtime_error {
 public:
  StorageError(const std::string& what, int sqlite_code = 0);
  ~StorageError() override;
  int code() const { return code_; }

 private:
  int code_;
};

// A write refused because this process no longer holds the sweep's lease
// (another process took the sweep over): nothing was written.
class LeaseLost : public StorageError {
 public:
  using StorageError::StorageError;
  ~LeaseLost() override;
};

// create_sweep's refusal of a name the database already holds (another
// process may have created it a moment before): nothing was written.
class SweepExists : public StorageError {
 public:
  using StorageError::StorageError;
  ~SweepExists() override;
};

}  // namespace sweep::runner
