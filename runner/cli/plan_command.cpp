// `sweep plan SPEC`: the trials a spec would run, and which the database already holds.
#include "runner/cli/command.hpp"

#include <fmt/core.h>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "reports/format.hpp"
#include "runner/cli.hpp"
#include "runner/search/sampler.hpp"
#include "runner/store/trial_status.hpp"

namespace sweep::runner::cli {

int cmd_plan(const Args& args) {
  const Spec spec = load_spec(args.spec, args.overrides);
  print_warnings(spec);
  const auto plans = expand(spec);
  std::map<std::pair<std::string, int>, std::string> stored;
  if (std::filesystem::exists(args.db)) {
    const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
    Storage& store = *store_owned;
    if (const auto info = store.find_sweep(spec.name)) {
      if (info->spec_hash != spec.hash) {
        fmt::print(
            "note: sweep \"{}\" in {} has a different spec; `sweep run` "
            "would refuse it\n",
            spec.name, args.db);
      } else {
        for (const auto& row : store.trials(info->id))
          stored[{row.config_hash, row.repeat}] = std::string{to_string(row.status)};
      }
    }
  }
  int to_run = 0;
  fmt::print("{:>5}  {:<16} {:>6}  {:<11} {}\n", "trial", "config", "repeat", "status",
             "parameters");
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto& plan = plans[i];
    const auto found = stored.find({plan.config_hash, plan.repeat});
    const std::string status = found == stored.end() ? "new" : found->second;
    const bool runs = found == stored.end() || needs_run(*parse_trial_status(status));
    to_run += runs ? 1 : 0;
    fmt::print("{:>5}  {:<16} {:>6}  {:<11} {}\n", i + 1, plan.config_hash, plan.repeat, status,
               reports::describe_config(plan.params));
  }
  fmt::print("{} trials, {} to run, {} done\n", plans.size(), to_run,
             plans.size() - static_cast<std::size_t>(to_run));
  return kExitOk;
}

}  // namespace sweep::runner::cli
