// `sweep export NAME --csv [-o FILE]`: one CSV row per trial and epoch.
#include "runner/cli/command.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>

#include "runner/cli.hpp"
#include "runner/errors.hpp"
#include "runner/sweep_runner.hpp"

namespace sweep::runner::cli {

using nlohmann::json;

namespace {

std::string csv_field(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string{"\"\""} : std::string(1, c);
    return quoted + "\"";
  }
  if (value.is_number_float()) return fmt::format("{}", value.get<double>());
  return value.dump();
}

}  // namespace

int cmd_export(const Args& args) {
  if (!args.csv) throw UsageError("export: choose a format: --csv");
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const SweepInfo info = find_or_fail(store, args.name);
  const std::vector<std::string> swept = stored_spec(info).swept_keys();
  // Streamed a trial at a time: memory stays that of one trial's rows.
  const std::set<std::string> metric_names = store.metric_names(info.id);
  std::FILE* out = stdout;
  if (!args.output.empty()) {
    out = std::fopen(args.output.c_str(), "w");
    if (out == nullptr)
      throw std::runtime_error("cannot write " + args.output + ": " + std::strerror(errno));
  }
  std::string header = "trial";
  for (const auto& key : swept) header += "," + key;
  header += ",repeat,status,epoch,epoch_learning_rate,seconds";
  for (const auto& name : metric_names) header += "," + name;
  fmt::print(out, "{}\n", header);
  TrialQuery query;
  query.loss_traces = false;
  query.config = false;
  std::string line;
  store.for_each_trial(info.id, query, [&](const reports::TrialRecord& trial) {
    for (const auto& epoch : trial.epochs) {
      line = std::to_string(trial.id);
      for (const auto& key : swept) {
        line += ',';
        line += csv_field(trial.params.value(key, json()));
      }
      line += fmt::format(",{},{},{},{},{}", trial.repeat, trial.status, epoch.epoch,
                          epoch.learning_rate, epoch.seconds);
      for (const auto& name : metric_names) {
        const auto found = epoch.metrics.find(name);
        line += ',';
        if (found != epoch.metrics.end()) line += fmt::format("{}", found->second);
      }
      line += '\n';
      std::fputs(line.c_str(), out);
    }
  });
  if (out != stdout) std::fclose(out);
  return kExitOk;
}

}  // namespace sweep::runner::cli
