#include "runner/errors.hpp"

namespace sweep::runner {
namespace {

std::string first_line(const std::string& source, const std::vector<SpecProblem>& problems) {
  if (problems.empty()) return source + ": invalid spec";
  const auto& p = problems.front();
  return source + ": " + (p.path.empty() ? "" : p.path + ": ") + p.message;
}

}  // namespace

SpecError::SpecError(std::string source, std::vector<SpecProblem> problems)
    : std::runtime_error(first_line(source, problems)),
      source_(std::move(source)),
      problems_(std::move(problems)) {}

SpecError::~SpecError() = default;

std::vector<std::string> SpecError::lines() const {
  std::vector<std::string> out;
  for (const auto& p : problems_) {
    out.push_back(source_ + ": " + (p.path.empty() ? "" : p.path + ": ") + p.message);
  }
  return out;
}

UsageError::~UsageError() = default;

}  // namespace sweep::runner
