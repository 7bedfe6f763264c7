// `sweep show NAME`: the ranked table of a sweep, with why the others lost.
#include "runner/cli/command.hpp"

#include <cstdio>

#include "runner/cli.hpp"
#include "runner/summary.hpp"

namespace sweep::runner::cli {

int cmd_show(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const auto record = load_record(store, find_or_fail(store, args.name));
  print_summary(record, stdout);
  return kExitOk;
}

}  // namespace sweep::runner::cli
