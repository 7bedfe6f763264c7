// `sweep run SPEC [KEY=VALUES...]`: runs the trials of a spec that are not done.
#include "runner/cli/command.hpp"

namespace sweep::runner::cli {

int cmd_run(const Args& args) {
  const Spec spec = load_spec(args.spec, args.overrides);
  print_warnings(spec);
  return run_sweep(spec, run_options(args));
}

}  // namespace sweep::runner::cli
