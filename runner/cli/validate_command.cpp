// `sweep validate SPEC`: checks a spec and opens its data (every problem at
// once, as `run` would find them) without running it; --no-data skips the data.
#include "runner/cli/command.hpp"

#include <fmt/core.h>

#include <optional>

#include "engine/datasets/dataset.hpp"
#include "engine/errors.hpp"
#include "engine/params.hpp"
#include "runner/cli.hpp"
#include "runner/search/sampler.hpp"
#include "runner/sweep_data.hpp"
#include "runner/trial_runner.hpp"

namespace sweep::runner::cli {
namespace {

using nlohmann::json;

// The data of a spec that has problems of its own, opened when its dataset
// part resolves, so that a bad file is named alongside them.
void check_data_alone(const json& raw, std::vector<SpecProblem>& problems) {
  std::vector<SpecProblem> ignored;  // the spec's own problems are already listed
  const json config = resolve_config(json{{"dataset", raw.value("dataset", json())}}, ignored);
  if (!config.value("dataset", json()).is_object()) return;
  const json seed = raw.value("seed", json(42));
  try {
    engine::load_dataset(to_component(config["dataset"]),
                         seed.is_number_unsigned() ? seed.get<std::uint64_t>() : 42);
  } catch (const engine::EngineError& e) {
    problems.push_back({"dataset", e.what()});
  }
}

std::string data_summary(const engine::Dataset& data) {
  std::string text = fmt::format(
      "{} training, {} validation, {} test rows; {} features; {} classes", data.train.rows(),
      data.validation.rows(), data.test.rows(), data.features, data.classes);
  if (!data.class_names.empty()) {
    std::string names;
    for (std::size_t i = 0; i < data.class_names.size(); ++i)
      names += fmt::format("{}{}={}", i == 0 ? "" : ", ", i, data.class_names[i]);
    text += " (" + names + ")";
  }
  return text;
}

}  // namespace

int cmd_validate(const Args& args) {
  const json raw = read_spec_file(args.spec, args.overrides);
  std::vector<SpecProblem> problems;
  std::optional<Spec> spec;
  try {
    spec = parse_spec(raw, args.spec);
  } catch (const SpecError& e) {
    problems = e.problems();
  }
  std::optional<SweepData> data;
  std::vector<TrialPlan> plans;
  if (spec) {
    print_warnings(*spec);
    plans = expand(*spec);
  }
  if (!args.no_data) {
    if (spec) {
      try {
        data = load_sweep_data(*spec, plans);
      } catch (const SpecError& e) {
        problems.insert(problems.end(), e.problems().begin(), e.problems().end());
      }
    } else {
      check_data_alone(raw, problems);
    }
  }
  if (!problems.empty()) throw SpecError(args.spec, std::move(problems));
  fmt::print(
      "{}: ok: sweep \"{}\", {} trials ({} search over {}), objective "
      "{} ({})\n",
      args.spec, spec->name, plans.size(), spec->method, engine::join(spec->swept_keys()),
      spec->objective_metric, spec->maximize ? "max" : "min");
  if (data) {
    for (const auto& [key, dataset] : data->datasets) {
      for (const auto& warning : dataset->warnings)
        fmt::print(stderr, "sweep: warning: {}\n", terminal_safe(warning));
      for (const auto& note : dataset->notes)
        fmt::print(stderr, "sweep: note: {}\n", terminal_safe(note));
      fmt::print("data: {}: {}\n", dataset->name, data_summary(*dataset));
    }
  }
  return kExitOk;
}

}  // namespace sweep::runner::cli
