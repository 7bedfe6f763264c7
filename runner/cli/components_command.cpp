// `sweep components [--markdown]`: every family of components a spec names
// (optimizers, schedules, losses, metrics, layers, datasets), each entry with
// its parameters, their defaults and what it does, read from the registries
// the factories use. --markdown writes the README's tables (a test checks
// that the README holds exactly these).
#include "runner/cli/command.hpp"

#include <fmt/core.h>

#include <string>
#include <variant>
#include <vector>

#include "engine/datasets/dataset.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/metrics/metric.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "engine/params.hpp"
#include "engine/schedules/schedule.hpp"
#include "runner/cli.hpp"

namespace sweep::runner::cli {
namespace {

struct Family {
  const char* heading;  // the README's "### " heading
  const std::vector<engine::ComponentSpec>& specs;
};

std::vector<Family> families() {
  return {{"Optimizers", engine::optimizer_specs()},
          {"Learning-rate schedules (`training.schedule`)", engine::schedule_specs()},
          {"Losses (`training.loss`)", engine::loss_specs()},
          {"Metrics (`training.metrics`)", engine::metric_specs()},
          {"Layers (`model.layers[]`, by `type`)", engine::layer_specs()},
          {"Datasets (`dataset`)", engine::dataset_specs()}};
}

// A default as the tables show it; "—" for a string without one (a path).
std::string default_text(const engine::ParamSpec& param) {
  const auto* text = std::get_if<std::string>(&param.default_value);
  if (text != nullptr && text->empty()) return "—";
  return engine::describe_param_value(param.default_value);
}

// "`beta_1` (0.9), `epsilon` (1e-07)" in markdown, "beta_1 (0.9), ..." plain.
std::string parameters_text(const engine::ComponentSpec& spec, bool markdown) {
  std::vector<std::string> parts;
  for (const auto& param : spec.params) {
    parts.push_back(markdown ? fmt::format("`{}` ({})", param.name, default_text(param))
                             : fmt::format("{} ({})", param.name, default_text(param)));
  }
  return engine::join(parts);
}

}  // namespace

int cmd_components(const Args& args) {
  bool first = true;
  for (const auto& family : families()) {
    if (args.markdown) {
      fmt::print("{}### {}\n\n| name | parameters (default) | what |\n|---|---|---|\n",
                 first ? "" : "\n", family.heading);
      for (const auto& spec : family.specs)
        fmt::print("| `{}` | {} | {} |\n", spec.name, parameters_text(spec, true), spec.help);
    } else {
      std::string title = family.heading;
      std::erase(title, '`');
      fmt::print("{}{}\n", first ? "" : "\n", title);
      for (const auto& spec : family.specs) {
        fmt::print("  {:<32} {}\n", spec.name, spec.help);
        if (!spec.params.empty()) fmt::print("  {:<32} {}\n", "", parameters_text(spec, false));
      }
    }
    first = false;
  }
  return kExitOk;
}

}  // namespace sweep::runner::cli
