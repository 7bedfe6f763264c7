// `sweep ls`: the sweeps in the database, with their trials done.
#include "runner/cli/command.hpp"

#include <fmt/format.h>

#include "runner/cli.hpp"
#include "runner/store/trial_status.hpp"
#include "runner/sweep_runner.hpp"

namespace sweep::runner::cli {

int cmd_ls(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const auto sweeps = store.list_sweeps();
  if (sweeps.empty()) {
    fmt::print("{} holds no sweeps\n", args.db);
    return kExitOk;
  }
  fmt::print("{:<28} {:<12} {:>8}  {:<24} {}\n", "name", "status", "trials", "created",
             "description");
  for (const auto& sweep : sweeps) {
    const auto trials = store.trials(sweep.id);
    int done = 0;
    for (const auto& t : trials) done += needs_run(t.status) ? 0 : 1;
    // A database may come from anywhere: its text reaches the terminal
    // without control characters.
    fmt::print("{:<28} {:<12} {:>8}  {:<24} {}\n", terminal_safe(sweep.name), sweep.status,
               fmt::format("{}/{}", done, trials.size()), terminal_safe(sweep.created_at),
               terminal_safe(sweep.description));
  }
  return kExitOk;
}

}  // namespace sweep::runner::cli
