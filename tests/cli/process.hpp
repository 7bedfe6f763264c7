// Runs the real `sweep` binary (or any shell command) and captures what it
// printed, for the command-line tests.
#pragma once

#include <string>

namespace sweep::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` through /bin/sh with stdin from /dev/null.
ProcessResult run_command(const std::string& command);

// Runs the sweep binary built with the tests, with `args` appended verbatim.
ProcessResult run_sweep(const std::string& args);

// A fresh, empty directory under the system's temporary folder, removed by
// the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

}  // namespace sweep::test
