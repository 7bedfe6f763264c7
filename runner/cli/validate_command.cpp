// `sweep validate SPEC`: checks a spec (every problem at once) without running it.
#include "runner/cli/command.hpp"

#include <fmt/core.h>

#include "engine/params.hpp"
#include "runner/cli.hpp"
#include "runner/search/sampler.hpp"

namespace sweep::runner::cli {

int cmd_validate(const Args& args) {
  const Spec spec = load_spec(args.spec, args.overrides);
  print_warnings(spec);
  const auto plans = expand(spec);
  fmt::print(
      "{}: ok: sweep \"{}\", {} trials ({} search over {}), objective "
      "{} ({})\n",
      args.spec, spec.name, plans.size(), spec.method, engine::join(spec.swept_keys()),
      spec.objective_metric, spec.maximize ? "max" : "min");
  return kExitOk;
}

}  // namespace sweep::runner::cli
