#include "runner/cli/command.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "engine/registry.hpp"
#include "runner/errors.hpp"

namespace sweep::runner::cli {

SweepInfo find_or_fail(Storage& store, const std::string& name) {
  if (auto info = store.find_sweep(name)) return *info;
  std::vector<std::string> known;
  for (const auto& sweep : store.list_sweeps()) known.push_back(sweep.name);
  std::string message = "no sweep named \"" + name + "\" in " + store.path();
  message += known.empty() ? " (it holds none)" : engine::unknown_name_hint(name, known);
  throw UsageError(message);
}

RunOptions run_options(const Args& args) {
  RunOptions options{args.db,    args.out,     args.jobs,      isatty(STDERR_FILENO) == 1,
                     args.stats, args.cluster, args.rank0_jobs};
  options.process_ends_after = true;  // the command's process ends with it
  return options;
}

void print_warnings(const Spec& spec) {
  for (const auto& line : spec.warning_lines()) fmt::print(stderr, "sweep: warning: {}\n", line);
}

}  // namespace sweep::runner::cli
