#include "runner/execution/executor.hpp"

#include <stdexcept>
#include <utility>

#include "runner/execution/tbb_executor.hpp"

namespace sweep::runner {
namespace {

using Factory = std::function<std::unique_ptr<Executor>(int jobs)>;

const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> executors = {
      {"tbb", [](int jobs) { return std::make_unique<TbbExecutor>(jobs); }},
  };
  return executors;
}

}  // namespace

const std::vector<std::string>& executor_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, factory] : registry()) out.push_back(name);
    return out;
  }();
  return names;
}

std::unique_ptr<Executor> make_executor(const std::string& name, int jobs) {
  for (const auto& [known, factory] : registry())
    if (known == name) return factory(jobs);
  std::string known;
  for (const auto& n : executor_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown executor \"" + name + "\"; known: " + known);
}

}  // namespace sweep::runner
