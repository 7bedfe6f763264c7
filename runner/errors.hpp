// The runner's exceptions. Each message is one line, lower-case: what failed,
// the offending value and what would be accepted.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sweep::runner {

// One problem in a sweep spec, at a JSON path ("training.batch_size").
struct SpecProblem {
  std::string path;
  std::string message;
};

// A spec that cannot run; carries every problem found, not just the first.
class SpecError : public std::runtime_error {
 public:
  SpecError(std::string source, std::vector<SpecProblem> problems);
  ~SpecError() override;
  const std::string& source() const { return source_; }
  const std::vector<SpecProblem>& problems() const { return problems_; }
  // One line per problem: "SOURCE: PATH: MESSAGE".
  std::vector<std::string> lines() const;

 private:
  std::string source_;
  std::vector<SpecProblem> problems_;
};

// Bad command-line usage that CLI11 cannot see (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~UsageError() override;
};

}  // namespace sweep::runner
