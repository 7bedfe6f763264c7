// `sweep best NAME [--json | --spec]`: the winner, as a line, as JSON, or as a
// runnable single-trial spec.
#include "runner/cli/command.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "reports/format.hpp"
#include "reports/report_json.hpp"
#include "runner/cli.hpp"

namespace sweep::runner::cli {

using nlohmann::json;

int cmd_best(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const SweepInfo info = find_or_fail(store, args.name);
  const auto record = load_record(store, info);
  const json report = reports::build_report(record);
  const json best = report.value("best", json());
  if (!best.is_object() || !best.contains("config")) {
    throw std::runtime_error("sweep \"" + args.name + "\" has no finished trial with a value of " +
                             record.objective_metric + " yet");
  }
  if (args.json) {
    fmt::print("{}\n", best.dump(2));
  } else if (args.spec_out) {
    json spec = json::parse(info.spec_json);
    const std::int64_t trial_id = best["trial_ids"][0].get<std::int64_t>();
    for (const auto& trial : record.trials) {
      if (trial.id != trial_id) continue;
      spec["dataset"] = trial.config["dataset"];
      spec["model"] = trial.config["model"];
      spec["training"] = trial.config["training"];
    }
    spec["name"] = args.name + "-best";
    spec["description"] = "the best configuration of sweep " + args.name + ": " +
                          reports::describe_config(best["config"]);
    spec.erase("search");
    fmt::print("{}\n", spec.dump(2));
  } else {
    const json objective = best.value("objective", json());
    fmt::print("{} {} {}\n", reports::describe_config(best["config"]), record.objective_metric,
               objective.is_number() ? fmt::format("{:.4f}", objective.get<double>()) : "-");
  }
  return kExitOk;
}

}  // namespace sweep::runner::cli
