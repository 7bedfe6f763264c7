// `sweep ls`: the sweeps in the database, with their trials done.
#include "runner/cli/command.hpp"

#include <fmt/format.h>

#include "runner/cli.hpp"
#include "runner/store/trial_status.hpp"

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
    fmt::print("{:<28} {:<12} {:>8}  {:<24} {}\n", sweep.name, sweep.status,
               fmt::format("{}/{}", done, trials.size()), sweep.created_at, sweep.description);
  }
  return kExitOk;
}

}  // namespace sweep::runner::cli
