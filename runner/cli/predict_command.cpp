// `sweep predict NAME --data PATH [--trial ID] [-o FILE] [--evaluate]
// [--limit N]`: a stored model's predictions (class and probabilities, CSV)
// for a CSV or IDX file, prepared as in training; --evaluate prints the
// metrics the trial's test set got, computed the same way (same batches, same
// order), so on that test set they are the stored ones exactly.
#include "runner/cli/command.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/report_json.hpp"
#include "runner/cli.hpp"
#include "runner/errors.hpp"
#include "runner/model/prediction_data.hpp"
#include "runner/model/saved_model.hpp"

namespace sweep::runner::cli {

using nlohmann::json;

const reports::TrialRecord& chosen_trial(const reports::SweepRecord& record,
                                         std::int64_t requested) {
  std::int64_t id = requested;
  if (id == 0) {
    const json best = reports::build_report(record).value("best", json());
    if (!best.is_object() || !best.contains("trial_id")) {
      throw std::runtime_error("sweep \"" + record.name +
                               "\" has no finished trial with a value of " +
                               record.objective_metric + " yet");
    }
    id = best["trial_id"].get<std::int64_t>();
  }
  for (const auto& trial : record.trials)
    if (trial.id == id) return trial;
  std::int64_t low = 0;
  std::int64_t high = 0;
  for (const auto& trial : record.trials) {
    if (low == 0 || trial.id < low) low = trial.id;
    high = std::max(high, trial.id);
  }
  throw UsageError(
      fmt::format("sweep \"{}\" has no trial {}; its trials are {}..{} (sweep export "
                  "{} --csv lists them)",
                  record.name, id, low, high, record.name));
}

TrialWeights stored_weights(Storage& store, const reports::SweepRecord& record,
                            const reports::TrialRecord& trial) {
  if (auto weights = store.read_weights(trial.id)) return std::move(*weights);
  const std::string policy = record.spec.value("storage", json::object()).value("weights", "best");
  std::string why;
  if (policy == "none") {
    why = "the sweep ran with storage.weights \"none\"";
  } else if (trial.status != "completed" && trial.status != "pruned") {
    why = "it is " + trial.status + "; only completed and pruned trials keep weights";
  } else if (policy == "best") {
    std::string kept;
    for (const std::int64_t id : store.trials_with_weights(record.id))
      kept += (kept.empty() ? "" : ", ") + std::to_string(id);
    why = "storage.weights \"best\" keeps only the trials that may win; trials with weights: " +
          (kept.empty() ? std::string("none") : kept);
  } else {
    why = "the sweep ran before sweep kept weights";
  }
  throw std::runtime_error(fmt::format("trial {} of sweep \"{}\" has no stored weights ({})",
                                       trial.id, record.name, why));
}

namespace {

// A number as short as it can be and still read back as the same float.
std::string shortest(float value) {
  return fmt::format("{}", value);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string class_label(const InputPreprocessing& p, std::int32_t index) {
  const auto i = static_cast<std::size_t>(index);
  return i < p.class_names.size() ? p.class_names[i] : std::to_string(index);
}

void write_predictions(std::FILE* out, const PredictionData& data, const engine::Matrix& p,
                       const std::vector<std::int32_t>& classes, const InputPreprocessing& pre) {
  std::string header = "row,class";
  if (data.has_labels) header += ",label";
  for (Eigen::Index c = 0; c < p.cols(); ++c) {
    header += ",p_";
    header += csv_field(class_label(pre, static_cast<std::int32_t>(c)));
  }
  fmt::print(out, "{}\n", header);
  const auto labels = data.rows.labels();
  std::string line;
  for (Eigen::Index r = 0; r < p.rows(); ++r) {
    const auto row = static_cast<std::size_t>(r);
    line = fmt::format("{},{}", r, csv_field(class_label(pre, classes[row])));
    if (data.has_labels) {
      line += ',';
      line += csv_field(class_label(pre, labels[row]));
    }
    for (Eigen::Index c = 0; c < p.cols(); ++c) {
      line += ',';
      line += shortest(p(r, c));
    }
    fmt::print(out, "{}\n", line);
  }
}

}  // namespace

int cmd_predict(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const reports::SweepRecord record =
      record_for_choice(store, find_or_fail(store, args.name), args.trial);
  const reports::TrialRecord& trial = chosen_trial(record, args.trial);
  const TrialWeights weights = stored_weights(store, record, trial);
  const json config = trial.config.resolved();
  engine::Sequential model = rebuild_model(config, weights);
  const PredictionData data =
      load_prediction_data(args.data, config.at("dataset"), weights.preprocessing, args.limit);
  if (args.evaluate && !data.has_labels) {
    throw UsageError(fmt::format(
        "--evaluate needs labels; {} has none (a CSV file needs its label column, an IDX "
        "images file its labels file beside it)",
        data.source));
  }

  engine::Matrix outputs;
  model.predict(data.rows, outputs);
  to_probabilities(output_kind(config), outputs);
  const std::vector<std::int32_t> classes = predicted_classes(outputs);

  if (!args.output.empty()) {
    std::FILE* file = std::fopen(args.output.c_str(), "w");
    if (file == nullptr) {
      throw std::runtime_error(
          fmt::format("cannot write {}: {}", args.output, std::strerror(errno)));
    }
    write_predictions(file, data, outputs, classes, weights.preprocessing);
    const bool failed = std::ferror(file) != 0;
    if (std::fclose(file) != 0 || failed)
      throw std::runtime_error(fmt::format("cannot write {}", args.output));
  } else if (!args.evaluate) {
    write_predictions(stdout, data, outputs, classes, weights.preprocessing);
  }
  if (args.evaluate) {
    fmt::print("trial {} of sweep \"{}\" ({}, repeat {}), weights of epoch {}, on {} rows of {}\n",
               trial.id, terminal_safe(record.name),
               terminal_safe(reports::describe_config(trial.params)), trial.repeat, weights.epoch,
               data.rows.rows(), terminal_safe(data.source));
    for (const auto& [name, value] : model.evaluate(data.rows)) fmt::print("{} {}\n", name, value);
  }
  return kExitOk;
}

}  // namespace sweep::runner::cli
