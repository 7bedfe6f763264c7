#include "runner/execution/executor.hpp"

#include "engine/registry.hpp"
#include "runner/execution/tbb_executor.hpp"

namespace sweep::runner {
namespace {

using ExecutorRegistry = engine::Registry<std::unique_ptr<Executor>, int>;

// One line per executor: its name, its help and its factory, given the trials
// to run at once.
const ExecutorRegistry& registry() {
  static const ExecutorRegistry executors{
      "executor",
      {
          {{"tbb", {}, "trials on this machine's cores, in one oneTBB arena"},
           [](const engine::ParamReader&, int jobs) {
             return std::make_unique<TbbExecutor>(jobs);
           }},
      }};
  return executors;
}

}  // namespace

const std::vector<std::string>& executor_names() {
  return registry().names();
}

std::unique_ptr<Executor> make_executor(const std::string& name, int jobs) {
  return registry().make(engine::Component{name, {}}, jobs);
}

}  // namespace sweep::runner
