// `sweep plan SPEC`: the trials a spec would run, and which the database already holds.
#include "runner/cli/command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "reports/format.hpp"
#include "runner/cli.hpp"
#include "runner/pruning/rung_board.hpp"
#include "runner/pruning/successive_halving_pruner.hpp"
#include "runner/search/sampler.hpp"
#include "runner/store/trial_status.hpp"

namespace sweep::runner::cli {

namespace {

// The rungs, how many trials each holds when none ends early, and the epochs
// that costs against the full grid's.
void print_rungs(const Spec& spec, std::size_t trials) {
  const HalvingOptions options = halving_options(spec, spec.pruning_method);
  const auto brackets = halving_brackets(options);
  const auto of = assign_brackets(options, trials);
  fmt::print("pruning: {}, min_epochs {}, reduction_factor {}\n", spec.pruning_method,
             reports::format_value(options.min_epochs), options.reduction_factor);
  for (std::size_t b = 0; b < brackets.size(); ++b) {
    int n = static_cast<int>(std::count(of.begin(), of.end(), static_cast<int>(b)));
    std::string line = brackets.size() > 1 ? fmt::format("  bracket {}: ", b + 1) : "  ";
    for (std::size_t k = 0; k < brackets[b].size(); ++k) {
      const int kept = n > 0 ? std::min(n, rung_keep(n, options.reduction_factor)) : 0;
      const double at = brackets[b][k];
      line += fmt::format("rung {} at epoch {}{}: {} trials, {} go on; ", k + 1,
                          reports::format_value(at), at_epoch_end(at) ? "" : " (inside an epoch)",
                          n, kept);
      n = kept;
    }
    line += fmt::format("{} train to epoch {}", n, options.epochs);
    fmt::print("{}\n", line);
  }
  const double full = static_cast<double>(trials) * options.epochs;
  const double most = halving_epochs(options, trials);
  fmt::print(
      "epochs: at most {} with the rungs ({} of the full grid's {}), more when trials tie at a "
      "rung's cut (they all go on); fewer when trials stop early (divergence, early "
      "stopping)\n",
      reports::format_value(most), reports::format_percent(full > 0 ? most / full : 0.0),
      reports::format_value(full));
}

}  // namespace

int cmd_plan(const Args& args) {
  const Spec spec = load_spec(args.spec, args.overrides);
  print_warnings(spec);
  std::string note;
  const auto plans = expand(spec, note);
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
  if (!note.empty()) fmt::print("note: {}\n", note);
  if (spec.pruning_method != "none") print_rungs(spec, plans.size());
  return kExitOk;
}

}  // namespace sweep::runner::cli
