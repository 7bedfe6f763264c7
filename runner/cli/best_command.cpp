// `sweep best NAME [--json | --spec | --weights FILE] [--trial ID]`: the
// winner, as a line, as JSON, as a runnable single-trial spec that reruns the
// repeat the report quotes (its seed), or as a NumPy .npz of its stored
// weights for Keras, PyTorch or NumPy.
#include "runner/cli/command.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "reports/format.hpp"
#include "reports/ranking.hpp"
#include "reports/report_json.hpp"
#include "runner/cli.hpp"
#include "runner/model/npz_writer.hpp"
#include "runner/model/saved_model.hpp"
#include "runner/store/top_configurations.hpp"

namespace sweep::runner::cli {

using nlohmann::json;

namespace {

// "val_accuracy 0.9567 at epoch 12", or "no value of val_accuracy".
std::string quoted_value(const reports::SweepRecord& record, const reports::TrialRecord& trial) {
  int epoch = 0;
  const auto value = reports::trial_objective(record, trial, &epoch);
  if (!value) return "no value of " + record.objective_metric;
  return fmt::format("{} {:.4f} at epoch {}", record.objective_metric, *value, epoch);
}

// The single-trial spec that trains `trial` again: its dataset, model and
// training, the sweep's seed, and search.first_repeat = its repeat, so that
// its seed, f(seed, config, repeat), is the same.
json rerun_spec(const SweepInfo& info, const reports::SweepRecord& record,
                const reports::TrialRecord& trial, bool winner) {
  json spec = json::parse(info.spec_json);
  const json config = trial.config.resolved();
  spec["dataset"] = config["dataset"];
  spec["model"] = config["model"];
  spec["training"] = config["training"];
  spec["name"] = info.name + "-best";
  spec["description"] =
      fmt::format("{} of sweep {}: {}, repeat {} (trial {}, seed {}), which reached {}",
                  winner ? "the best configuration" : "trial " + std::to_string(trial.id),
                  info.name, reports::describe_config(trial.params), trial.repeat, trial.id,
                  trial.seed, quoted_value(record, trial));
  spec.erase("search");
  if (trial.repeat > 0) spec["search"] = json{{"first_repeat", trial.repeat}};
  return spec;
}

void export_weights(const std::string& path, Storage& store, const reports::SweepRecord& record,
                    const reports::TrialRecord& trial) {
  const TrialWeights weights = stored_weights(store, record, trial);
  std::vector<NpyArray> arrays;
  arrays.reserve(weights.tensors.size());
  for (std::size_t i = 0; i < weights.tensors.size(); ++i) {
    const WeightTensor& tensor = weights.tensors[i];
    arrays.push_back({"arr_" + std::to_string(i), tensor.shape, tensor.values});
  }
  json model = describe_model(trial.config.resolved(), weights);
  model["sweep"] = record.name;
  model["trial"] = {{"id", trial.id},         {"params", trial.params},
                    {"repeat", trial.repeat}, {"seed", trial.seed},
                    {"status", trial.status}, {"test_metrics", trial.test_metrics}};
  model["format"] = "sweep model 1: arrays arr_0.. in Keras's model.get_weights() order";
  write_npz(path, arrays, {{"model.json", model.dump(2)}});
  fmt::print(
      "wrote {}: the weights of trial {} ({}, repeat {}, epoch {}): {} arrays in Keras's "
      "get_weights() order, and model.json\n",
      path, trial.id, reports::describe_config(trial.params), trial.repeat, weights.epoch,
      arrays.size());
}

}  // namespace

reports::SweepRecord record_for_choice(Storage& store, const SweepInfo& info, std::int64_t trial) {
  if (trial != 0) return load_record(store, info);
  const Spec spec = stored_spec(info);
  TrialQuery query;
  query.config_hashes.emplace();
  for (const ConfigurationScore& score :
       top_configurations(store, info.id, spec.objective_metric, spec.maximize, 2))
    query.config_hashes->push_back(score.config_hash);
  query.loss_traces = false;
  return load_record(store, info, query);
}

int cmd_best(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const SweepInfo info = find_or_fail(store, args.name);
  const auto record = record_for_choice(store, info, args.trial);
  if (!args.weights_out.empty()) {
    export_weights(args.weights_out, store, record, chosen_trial(record, args.trial));
    return kExitOk;
  }
  if (args.spec_out) {
    const reports::TrialRecord& trial = chosen_trial(record, args.trial);
    const json spec = rerun_spec(info, record, trial, args.trial == 0);
    fmt::print("{}\n", spec.dump(2));
    fmt::print(stderr, "sweep: this spec reruns trial {} ({}, repeat {}, seed {}){}: {}\n",
               trial.id, terminal_safe(reports::describe_config(trial.params)), trial.repeat,
               trial.seed, args.trial == 0 ? ", the repeat the report quotes" : "",
               quoted_value(record, trial));
    return kExitOk;
  }
  const json report = reports::build_report(record);
  const json best = report.value("best", json());
  if (!best.is_object() || !best.contains("config")) {
    throw std::runtime_error("sweep \"" + args.name + "\" has no finished trial with a value of " +
                             record.objective_metric + " yet");
  }
  if (args.json) {
    fmt::print("{}\n", best.dump(2));
  } else {
    const json objective = best.value("objective", json());
    fmt::print("{} {} {}\n", reports::describe_config(best["config"]), record.objective_metric,
               objective.is_number() ? fmt::format("{:.4f}", objective.get<double>()) : "-");
  }
  return kExitOk;
}

}  // namespace sweep::runner::cli
