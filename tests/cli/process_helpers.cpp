#include "tests/cli/process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sweep::test {

ProcessResult run_command(const std::string& command) {
  TempDir dir;
  const std::string out_path = dir / "stdout";
  const std::string err_path = dir / "stderr";
  const std::string full =
      "( " + command + " ) </dev/null >'" + out_path + "' 2>'" + err_path + "'";
  const int status = std::system(full.c_str());
  ProcessResult result;
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

ProcessResult run_sweep(const std::string& args) {
  return run_command(std::string{"'"} + SWEEP_BINARY + "' " + args);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sweep-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary folder");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace sweep::test
