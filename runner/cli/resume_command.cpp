// `sweep resume NAME`: finishes the trials of a stored sweep that are not done,
// with the spec it was run with.
#include "runner/cli/command.hpp"

namespace sweep::runner::cli {

int cmd_resume(const Args& args) {
  Spec spec;
  {
    const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
    Storage& store = *store_owned;
    spec = stored_spec(find_or_fail(store, args.name));
  }
  print_warnings(spec);
  return run_sweep(spec, run_options(args));
}

}  // namespace sweep::runner::cli
