#include "runner/spec/spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "engine/datasets/csv.hpp"
#include "engine/datasets/dataset.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/metrics/metric.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "engine/params.hpp"
#include "engine/registry.hpp"
#include "engine/schedules/schedule.hpp"
#include "runner/hashing.hpp"
#include "runner/pruning/rung_board.hpp"
#include "runner/search/sampler.hpp"
#include "runner/spec/loss_output_check.hpp"

namespace sweep::runner {
namespace {

// Bounds on what a spec may name, so no input drives recursion, time or
// memory without limit.
constexpr std::size_t kMaxPathLength = 256;
constexpr long long kMaxIndex = 9999;
constexpr long long kMaxEpochs = 100'000;
constexpr long long kMaxBatchSize = 1 << 24;
constexpr long long kMaxSeed = (1LL << 53);  // exact as a JSON number
constexpr long long kMaxRepeats = 1000;
constexpr long long kMaxTrials = 200'000;      // a grid's or a random search's trials
constexpr long long kMaxAxisValues = 100'000;  // logspace / linspace n
constexpr int kMaxDepth = 32;                  // nesting of the spec's JSON

using nlohmann::json;
using Problems = std::vector<SpecProblem>;

std::string show(const json& value) {
  if (value.is_string()) return "\"" + value.get<std::string>() + "\"";
  if (value.is_number_float()) {
    std::ostringstream out;
    out << value.get<double>();
    return out.str();
  }
  return value.dump();
}

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "a list";
    case json::value_t::object:
      return "an object";
    default:
      return "a number";
  }
}

std::string join_path(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

void unknown_key(Problems& problems, const std::string& prefix, const std::string& key,
                 const std::vector<std::string>& known) {
  problems.push_back({join_path(prefix, key), engine::unknown_name_message("key", key, known)});
}

// Reports keys of `object` not in `known`.
void check_keys(const json& object, const std::string& prefix,
                const std::vector<std::string>& known, Problems& problems) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      unknown_key(problems, prefix, key, known);
    }
  }
}

bool expect_object(const json& value, const std::string& path, Problems& problems) {
  if (value.is_object()) return true;
  problems.push_back({path, "expected an object, got " + type_name(value)});
  return false;
}

// An integer in [min, max] at `object[key]`, or `fallback` when absent.
long long read_integer(const json& object, const std::string& prefix, const std::string& key,
                       long long fallback, long long min, long long max, Problems& problems) {
  if (!object.contains(key)) return fallback;
  const json& value = object[key];
  const bool integral =
      value.is_number_integer() ||
      (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
  // Compared as doubles first: 1e300 or 4294967296 must not reach the cast.
  if (!integral || value.get<double>() < static_cast<double>(min) ||
      value.get<double>() > static_cast<double>(max) ||
      (value.is_number_unsigned() &&
       value.get<unsigned long long>() > static_cast<unsigned long long>(max))) {
    problems.push_back(
        {join_path(prefix, key), "got " + show(value) + "; expected an integer from " +
                                     std::to_string(min) + " to " + std::to_string(max)});
    return fallback;
  }
  return value.get<long long>();
}

std::string read_string(const json& object, const std::string& prefix, const std::string& key,
                        const std::string& fallback, Problems& problems) {
  if (!object.contains(key)) return fallback;
  if (!object[key].is_string()) {
    problems.push_back(
        {join_path(prefix, key), "got " + show(object[key]) + "; expected a string"});
    return fallback;
  }
  return object[key].get<std::string>();
}

std::optional<engine::ParamValue> to_param(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) return value.get<std::string>();
  return std::nullopt;
}

json from_param(const engine::ParamValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return canonical(json(*number));
  if (const auto* flag = std::get_if<bool>(&value)) return *flag;
  return std::get<std::string>(value);
}

// What a parameter accepts, in words: checking a value of the wrong kind
// always yields it.
std::string accepted_text(const engine::ParamSpec& param) {
  return param.kind == engine::ParamSpec::Kind::string
             ? engine::check_param(param, engine::ParamValue{0.0})
             : engine::check_param(param, engine::ParamValue{std::string{}});
}

std::vector<std::string> names_of(const std::vector<engine::ComponentSpec>& specs) {
  std::vector<std::string> names;
  names.reserve(specs.size());
  for (const auto& s : specs) names.push_back(s.name);
  return names;
}

// Validates a named component and fills its defaults. `value` is a name or an
// object whose `name_key` names it. Returns the resolved object, or null.
json resolve_component(const json& value, const std::string& path,
                       const std::vector<engine::ComponentSpec>& specs, const std::string& family,
                       const std::string& name_key, Problems& problems) {
  json object;
  std::string name_path = path;
  if (value.is_string()) {
    object = json{{name_key, value}};
  } else if (value.is_object()) {
    object = value;
    name_path = path + "." + name_key;
    if (!object.contains(name_key)) {
      problems.push_back({path, "missing \"" + name_key + "\"; known " + family +
                                    "s: " + engine::join(names_of(specs))});
      return nullptr;
    }
  } else {
    problems.push_back({path, "got " + show(value) + "; expected a " + family +
                                  " name or an object with \"" + name_key + "\""});
    return nullptr;
  }
  if (!object[name_key].is_string()) {
    problems.push_back(
        {name_path, "got " + show(object[name_key]) + "; expected a " + family + " name"});
    return nullptr;
  }
  const std::string name = object[name_key].get<std::string>();
  const auto spec = std::find_if(specs.begin(), specs.end(),
                                 [&](const engine::ComponentSpec& s) { return s.name == name; });
  if (spec == specs.end()) {
    problems.push_back({name_path, engine::unknown_name_message(family, name, names_of(specs))});
    return nullptr;
  }
  json resolved = json{{name_key, name}};
  std::vector<std::string> known_params;
  for (const auto& p : spec->params) known_params.push_back(p.name);
  bool ok = true;
  for (const auto& [key, item] : object.items()) {
    if (key == name_key) continue;
    const std::string& param_name = key;  // clang 14 cannot capture a structured binding
    const auto param =
        std::find_if(spec->params.begin(), spec->params.end(),
                     [&](const engine::ParamSpec& p) { return p.name == param_name; });
    if (param == spec->params.end()) {
      const std::string hint =
          known_params.empty() ? "; it takes none" : engine::unknown_name_hint(key, known_params);
      problems.push_back(
          {path + "." + key, "unknown parameter \"" + key + "\" of " + family + " " + name + hint});
      ok = false;
      continue;
    }
    const auto converted = to_param(item);
    const std::string accepted =
        converted ? engine::check_param(*param, *converted) : accepted_text(*param);
    if (!converted || !accepted.empty()) {
      problems.push_back({path + "." + key, "got " + show(item) + "; expected " + accepted});
      ok = false;
      continue;
    }
    resolved[key] = from_param(*converted);
  }
  for (const auto& p : spec->params) {
    if (!resolved.contains(p.name)) resolved[p.name] = from_param(p.default_value);
  }
  return ok ? resolved : json(nullptr);
}

const std::vector<std::string> kTopKeys = {"name",    "description", "seed",   "dataset",
                                           "model",   "training",    "search", "objective",
                                           "pruning", "storage"};
const std::vector<std::string> kTrainingKeys = {"epochs",         "batch_size", "loss",
                                                "metrics",        "optimizer",  "schedule",
                                                "early_stopping", "shuffle",    "class_weight"};
const std::vector<std::string> kEarlyStoppingKeys = {"monitor", "patience", "min_delta", "mode",
                                                     "restore_best_weights"};
const std::vector<std::string> kSearchKeys = {"method", "trials", "parameters", "repeats",
                                              "first_repeat"};

json resolve_early_stopping(const json& value, const std::string& path, Problems& problems) {
  if (!expect_object(value, path, problems)) return nullptr;
  check_keys(value, path, kEarlyStoppingKeys, problems);
  json out;
  out["monitor"] = read_string(value, path, "monitor", "val_loss", problems);
  out["patience"] = read_integer(value, path, "patience", 0, 0, kMaxEpochs, problems);
  double min_delta = 0.0;
  if (value.contains("min_delta")) {
    if (!value["min_delta"].is_number() || value["min_delta"].get<double>() < 0) {
      problems.push_back(
          {path + ".min_delta", "got " + show(value["min_delta"]) + "; expected a number >= 0"});
    } else {
      min_delta = value["min_delta"].get<double>();
    }
  }
  out["min_delta"] = canonical(json(min_delta));
  const std::string mode = read_string(value, path, "mode", "auto", problems);
  if (mode != "auto" && mode != "min" && mode != "max") {
    problems.push_back({path + ".mode", "got \"" + mode + "\"; expected one of: auto, min, max"});
  }
  out["mode"] = mode;
  bool restore = false;
  if (value.contains("restore_best_weights")) {
    if (!value["restore_best_weights"].is_boolean()) {
      problems.push_back(
          {path + ".restore_best_weights",
           "got " + show(value["restore_best_weights"]) + "; expected true or false"});
    } else {
      restore = value["restore_best_weights"].get<bool>();
    }
  }
  out["restore_best_weights"] = restore;
  return out;
}

// training.class_weight: "balanced" or {class: weight}, a class by its index
// ("0") or its name in the data; the classes are checked when the data loads.
json resolve_class_weight(const json& value, Problems& problems) {
  const std::string path = "training.class_weight";
  const std::string accepted =
      "expected \"balanced\" or an object {class: weight} (a class by its 0-based index or its "
      "name)";
  if (value.is_string()) {
    if (value.get<std::string>() == "balanced") return value;
    problems.push_back({path, "got " + show(value) + "; " + accepted});
    return nullptr;
  }
  if (!value.is_object() || value.empty()) {
    problems.push_back({path, "got " + show(value) + "; " + accepted});
    return nullptr;
  }
  for (const auto& [key, weight] : value.items()) {
    if (!weight.is_number() || !std::isfinite(weight.get<double>()) || weight.get<double>() < 0)
      problems.push_back({path + "." + key, "got " + show(weight) + "; expected a number >= 0"});
  }
  return canonical(value);
}

// One step of a dotted path: a key or an index.
struct Step {
  std::string key;
  int index = -1;
};

bool identifier_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool identifier_char(char c) {
  return identifier_start(c) || (c >= '0' && c <= '9');
}

// "model.layers[0].units" -> model, layers, [0], units. Hand-written (no
// std::regex, which recurses per character) and bounded: a path longer than
// kMaxPathLength or an index above kMaxIndex is refused.
std::optional<std::vector<Step>> parse_path(const std::string& path) {
  if (path.empty() || path.size() > kMaxPathLength) return std::nullopt;
  std::vector<Step> steps;
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    if (i >= path.size() || !identifier_start(path[i])) return std::nullopt;
    while (i < path.size() && identifier_char(path[i])) ++i;
    steps.push_back({path.substr(start, i - start), -1});
    while (i < path.size() && path[i] == '[') {
      const std::size_t digits = ++i;
      long long index = 0;
      while (i < path.size() && path[i] >= '0' && path[i] <= '9') {
        index = index * 10 + (path[i] - '0');
        if (index > kMaxIndex) return std::nullopt;
        ++i;
      }
      if (i == digits || i >= path.size() || path[i] != ']') return std::nullopt;
      ++i;
      steps.push_back({"", static_cast<int>(index)});
    }
    if (i == path.size()) return steps;
    if (path[i] != '.') return std::nullopt;
    ++i;
  }
}

}  // namespace

std::string axis_path(const std::string& key) {
  if (key == "optimizer") return "training.optimizer";
  if (key == "learning_rate") return "training.optimizer.learning_rate";
  if (key == "batch_size" || key == "epochs") return "training." + key;
  if (key.rfind("dataset.", 0) == 0 || key.rfind("model.", 0) == 0 ||
      key.rfind("training.", 0) == 0) {
    return parse_path(key) ? key : "";
  }
  return "";
}

std::string set_path(json& root, const std::string& path, const json& value) {
  const auto steps = parse_path(path);
  if (!steps) return "not a valid path";
  json* node = &root;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const Step& step = (*steps)[i];
    const bool last = i + 1 == steps->size();
    if (step.index >= 0) {
      if (!node->is_array() || static_cast<std::size_t>(step.index) >= node->size()) {
        return "no element [" + std::to_string(step.index) + "]; the list has " +
               std::to_string(node->is_array() ? node->size() : 0) + " elements";
      }
      node = &(*node)[static_cast<std::size_t>(step.index)];
    } else {
      if (node->is_string() && step.key != "name") *node = json{{"name", *node}};
      if (node->is_null()) *node = json::object();
      if (!node->is_object()) return "\"" + step.key + "\" is not inside an object";
      if (!last && !node->contains(step.key)) (*node)[step.key] = json::object();
      node = &(*node)[step.key];
    }
    if (last) *node = value;
  }
  return "";
}

json resolve_config(const json& raw, Problems& problems) {
  json out = json::object();
  // dataset
  if (!raw.contains("dataset")) {
    problems.push_back(
        {"dataset", "missing; known datasets: " + engine::join(engine::dataset_names())});
  } else {
    out["dataset"] = resolve_component(raw["dataset"], "dataset", engine::dataset_specs(),
                                       "dataset", "name", problems);
  }
  // model
  if (!raw.contains("model")) {
    problems.push_back({"model", "missing; expected {\"layers\": [...]}"});
  } else if (expect_object(raw["model"], "model", problems)) {
    check_keys(raw["model"], "model", {"layers"}, problems);
    const json& layers = raw["model"].value("layers", json());
    if (!layers.is_array() || layers.empty()) {
      problems.push_back({"model.layers", "expected a non-empty list of layers"});
    } else {
      json resolved_layers = json::array();
      for (std::size_t i = 0; i < layers.size(); ++i) {
        resolved_layers.push_back(
            resolve_component(layers[i], "model.layers[" + std::to_string(i) + "]",
                              engine::layer_specs(), "layer", "type", problems));
      }
      out["model"] = json{{"layers", resolved_layers}};
    }
  }
  // training
  const json training = raw.value("training", json::object());
  if (expect_object(training, "training", problems)) {
    check_keys(training, "training", kTrainingKeys, problems);
    json t;
    t["epochs"] = read_integer(training, "training", "epochs", 1, 1, kMaxEpochs, problems);
    t["batch_size"] =
        read_integer(training, "training", "batch_size", 32, 1, kMaxBatchSize, problems);
    if (training.contains("shuffle") && !training["shuffle"].is_boolean()) {
      problems.push_back(
          {"training.shuffle", "got " + show(training["shuffle"]) + "; expected true or false"});
    }
    t["shuffle"] =
        training.value("shuffle", json(true)).is_boolean() ? training.value("shuffle", true) : true;
    t["loss"] = resolve_component(training.value("loss", json("categorical_crossentropy")),
                                  "training.loss", engine::loss_specs(), "loss", "name", problems);
    json metrics = training.value("metrics", json::array({"accuracy"}));
    json resolved_metrics = json::array();
    if (!metrics.is_array()) {
      problems.push_back(
          {"training.metrics", "got " + show(metrics) + "; expected a list of metric names"});
    } else {
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        resolved_metrics.push_back(
            resolve_component(metrics[i], "training.metrics[" + std::to_string(i) + "]",
                              engine::metric_specs(), "metric", "name", problems));
      }
    }
    t["metrics"] = resolved_metrics;
    t["optimizer"] =
        resolve_component(training.value("optimizer", json("rmsprop")), "training.optimizer",
                          engine::optimizer_specs(), "optimizer", "name", problems);
    t["schedule"] =
        resolve_component(training.value("schedule", json("constant")), "training.schedule",
                          engine::schedule_specs(), "schedule", "name", problems);
    if (training.contains("early_stopping") && !training["early_stopping"].is_null()) {
      t["early_stopping"] =
          resolve_early_stopping(training["early_stopping"], "training.early_stopping", problems);
    }
    // Absent unless given, so the configs of sweeps stored before it keep their hashes.
    if (training.contains("class_weight") && !training["class_weight"].is_null()) {
      t["class_weight"] = resolve_class_weight(training["class_weight"], problems);
    }
    out["training"] = t;
  }
  return out;
}

std::vector<std::string> Spec::swept_keys() const {
  // optimizer and learning_rate always come first: the reports group by them.
  std::vector<std::string> keys = {"optimizer", "learning_rate"};
  const auto add = [&keys](const std::string& key) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  };
  for (const auto& axis : axes) add(axis.key);
  std::set<std::string> nested;
  for (const auto& choice : optimizers) {
    for (const auto& axis : choice.axes) nested.insert(axis.key);
  }
  for (const auto& key : nested) add(key);
  return keys;
}

namespace {

// Parses one axis value form; returns false (with problems) when malformed.
bool parse_axis(const json& value, const std::string& path, const std::string& method, Axis& axis,
                Problems& problems) {
  if (value.is_array()) {
    if (value.empty()) {
      problems.push_back({path, "empty list; give at least one value"});
      return false;
    }
    axis.values.assign(value.begin(), value.end());
    return true;
  }
  if (!value.is_object()) {
    axis.values = {value};  // a single value fixes the key
    return true;
  }
  if (value.size() != 1) {
    problems.push_back(
        {path,
         "expected a list, or one of {\"logspace\": [lo, hi, n]}, {\"linspace\": [lo, hi, n]}, "
         "{\"loguniform\": [lo, hi]}, {\"uniform\": [lo, hi]}"});
    return false;
  }
  const std::string form = value.begin().key();
  const json& args = value.begin().value();
  const std::string args_path = path + "." + form;
  if (form == "logspace" || form == "linspace") {
    if (!args.is_array() || args.size() != 3 || !args[0].is_number() || !args[1].is_number() ||
        !args[2].is_number_integer() || args[2].get<double>() < 1 ||
        args[2].get<double>() > static_cast<double>(kMaxAxisValues) ||
        !std::isfinite(args[0].get<double>()) || !std::isfinite(args[1].get<double>())) {
      problems.push_back({args_path, "got " + show(args) +
                                         "; expected [lo, hi, n] with finite lo and hi and n "
                                         "an integer from 1 to " +
                                         std::to_string(kMaxAxisValues)});
      return false;
    }
    const double lo = args[0].get<double>();
    const double hi = args[1].get<double>();
    const long long n = args[2].get<long long>();
    if (form == "logspace" && (lo <= 0 || hi <= 0)) {
      problems.push_back({args_path, "got " + show(args) + "; logspace needs lo > 0 and hi > 0"});
      return false;
    }
    for (long long i = 0; i < n; ++i) {
      const double f = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
      const double v = form == "logspace"
                           ? std::pow(10.0, std::log10(lo) + f * (std::log10(hi) - std::log10(lo)))
                           : lo + f * (hi - lo);
      axis.values.push_back(canonical(json(round6(v))));
    }
    return true;
  }
  if (form == "loguniform" || form == "uniform") {
    if (method != "random") {
      problems.push_back(
          {args_path,
           form + " needs search.method \"random\"; a grid takes a list, logspace or linspace"});
      return false;
    }
    if (!args.is_array() || args.size() != 2 || !args[0].is_number() || !args[1].is_number() ||
        args[0].get<double>() >= args[1].get<double>() ||
        (form == "loguniform" && args[0].get<double>() <= 0)) {
      problems.push_back({args_path, "got " + show(args) + "; expected [lo, hi] with lo < hi" +
                                         (form == "loguniform" ? " and lo > 0" : "")});
      return false;
    }
    axis.kind = form == "loguniform" ? Axis::Kind::loguniform : Axis::Kind::uniform;
    axis.low = args[0].get<double>();
    axis.high = args[1].get<double>();
    return true;
  }
  problems.push_back(
      {path + "." + form, "unknown form \"" + form +
                              "\"; known: logspace, linspace, loguniform, uniform (or a list)"});
  return false;
}

// Validates every value of `axis` by applying it alone to `base` and
// resolving; problems are reported at `path[i]`.
void check_axis_values(const json& base, const Axis& axis, const std::string& path,
                       Problems& problems) {
  auto check_one = [&](const json& value, const std::string& where) {
    json trial = base;
    if (const std::string error = set_path(trial, axis.path, value); !error.empty()) {
      problems.push_back({where, error});
      return;
    }
    Problems inner;
    resolve_config(trial, inner);
    for (auto& p : inner) {
      // A problem at the axis's own path is this value's; others are the base's (reported once).
      if (p.path.rfind(axis.path, 0) == 0) problems.push_back({where, p.message});
    }
  };
  if (axis.kind == Axis::Kind::list) {
    for (std::size_t i = 0; i < axis.values.size(); ++i) {
      check_one(axis.values[i],
                axis.values.size() == 1 ? path : path + "[" + std::to_string(i) + "]");
    }
  } else {
    check_one(json(axis.low), path);
    check_one(json(axis.high), path);
  }
}

// Whether `axis` can change what check_loss_output judges: the loss, or the
// model from its last dense layer on. `last_dense` is that layer's index in the
// base (-1: unknown); `whole_model` says an axis replaces the layer list.
bool affects_output(const Axis& axis, int last_dense, bool whole_model) {
  if (axis.path.rfind("training.loss", 0) == 0) return true;
  if (axis.path.rfind("model", 0) != 0) return false;
  // model.layers[I].KEY
  const auto steps = parse_path(axis.path);
  if (whole_model || last_dense < 0 || !steps || steps->size() != 4 ||
      (*steps)[1].key != "layers" || (*steps)[2].index < 0 || (*steps)[3].key.empty())
    return true;
  return (*steps)[3].key == "type" || (*steps)[2].index >= last_dense;
}

std::string describe_combination(const std::vector<std::pair<const Axis*, json>>& values) {
  std::string text;
  for (const auto& [axis, value] : values)
    text += (text.empty() ? "" : ", ") + axis->key + "=" + show(value);
  return text;
}

// Checks that the loss fits the output layer in every configuration the axes
// can make. Only the axes that can change the loss or the output layer are
// combined (a learning-rate or batch-size axis cannot), so a large grid is not
// expanded here. A finding common to every combination is reported once as
// is; one that only some combinations have names them.
LossOutputFindings check_loss_outputs(const json& base, const std::vector<Axis>& axes) {
  int last_dense = -1;
  const json& layers = base.value("model", json::object()).value("layers", json());
  if (layers.is_array()) {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const json& layer = layers[i];
      if ((layer.is_object() && layer.value("type", json()) == "dense") || layer == "dense")
        last_dense = static_cast<int>(i);
    }
  }
  bool whole_model = false;
  for (const auto& axis : axes) {
    // "model" or "model.layers": the layer list itself is swept.
    if (axis.path.rfind("model", 0) == 0 && axis.path.rfind("model.layers[", 0) != 0)
      whole_model = true;
  }
  std::vector<const Axis*> relevant;
  std::vector<std::vector<json>> choices;
  for (const auto& axis : axes) {
    if (!affects_output(axis, last_dense, whole_model)) continue;
    relevant.push_back(&axis);
    choices.push_back(axis.kind == Axis::Kind::list ? axis.values
                                                    : std::vector<json>{axis.low, axis.high});
  }

  struct Seen {
    bool error = false;
    SpecProblem problem;
    std::vector<std::string> combinations;
  };
  std::vector<Seen> seen;
  std::size_t total = 0;
  std::vector<std::size_t> digit(relevant.size(), 0);
  while (true) {
    json raw = base;
    std::vector<std::pair<const Axis*, json>> values;
    for (std::size_t i = 0; i < relevant.size(); ++i) {
      values.emplace_back(relevant[i], choices[i][digit[i]]);
      set_path(raw, relevant[i]->path, choices[i][digit[i]]);
    }
    Problems ignored;  // the axis values' own problems are reported by check_axis_values
    const LossOutputFindings found = check_loss_output(resolve_config(raw, ignored));
    const std::string combination = describe_combination(values);
    const auto note = [&](const SpecProblem& problem, bool error) {
      auto it = std::find_if(seen.begin(), seen.end(), [&](const Seen& s) {
        return s.error == error && s.problem.path == problem.path &&
               s.problem.message == problem.message;
      });
      if (it == seen.end()) it = seen.insert(seen.end(), Seen{error, problem, {}});
      it->combinations.push_back(combination);
    };
    for (const auto& p : found.errors) note(p, true);
    for (const auto& p : found.warnings) note(p, false);
    ++total;
    bool done = true;
    for (std::size_t i = relevant.size(); i > 0; --i) {
      if (++digit[i - 1] < choices[i - 1].size()) {
        done = false;
        break;
      }
      digit[i - 1] = 0;
    }
    if (done) break;
  }

  LossOutputFindings out;
  for (const auto& s : seen) {
    SpecProblem problem = s.problem;
    if (s.combinations.size() < total) {
      constexpr std::size_t kShown = 3;
      std::string which;
      for (std::size_t i = 0; i < s.combinations.size() && i < kShown; ++i)
        which += (i == 0 ? "" : "; ") + s.combinations[i];
      if (s.combinations.size() > kShown)
        which += "; and " + std::to_string(s.combinations.size() - kShown) + " more";
      problem.message += " (in the trials with " + which + ")";
    }
    (s.error ? out.errors : out.warnings).push_back(problem);
  }
  return out;
}

}  // namespace

std::vector<std::string> Spec::warning_lines() const {
  std::vector<std::string> out;
  for (const auto& w : warnings)
    out.push_back(source + ": " + (w.path.empty() ? "" : w.path + ": ") + w.message);
  return out;
}

Spec parse_spec(const json& given, const std::string& source, SpecOrigin origin) {
  // A sweep stored before validation_split_mode existed split its data as
  // Keras does; it resumes on the same split.
  json upgraded;
  const bool legacy = origin == SpecOrigin::stored && given.is_object() &&
                      given.contains("dataset") && given["dataset"].is_object() &&
                      !given["dataset"].contains("validation_split_mode");
  if (legacy) {
    upgraded = given;
    upgraded["dataset"]["validation_split_mode"] = "last";
  }
  const json& spec = legacy ? upgraded : given;
  Problems problems;
  if (!spec.is_object()) {
    throw SpecError(source,
                    {{"", "expected a JSON object at the top level, got " + type_name(spec)}});
  }
  check_keys(spec, "", kTopKeys, problems);
  // Every section is an object: nothing below reads into one that is not.
  bool sections_ok = true;
  for (const char* section :
       {"dataset", "model", "training", "search", "objective", "pruning", "storage"}) {
    if (spec.contains(section)) sections_ok &= expect_object(spec[section], section, problems);
  }
  if (!sections_ok) throw SpecError(source, problems);
  Spec out;
  out.source = source;
  if (!spec.contains("name")) {
    problems.push_back({"name", "missing; expected a name of [a-z0-9_-]+"});
  } else if (!spec["name"].is_string() || !valid_sweep_name(spec["name"].get<std::string>())) {
    problems.push_back({"name", "got " + show(spec["name"]) +
                                    "; expected a name of [a-z0-9_-]+, at most " +
                                    std::to_string(kMaxNameLength) + " characters"});
  } else {
    out.name = spec["name"].get<std::string>();
  }
  out.description = read_string(spec, "", "description", "", problems);
  out.seed = static_cast<std::uint64_t>(read_integer(spec, "", "seed", 42, 0, kMaxSeed, problems));

  json base = json::object();
  for (const char* key : {"dataset", "model", "training"}) {
    if (spec.contains(key)) base[key] = spec[key];
  }
  if (!base.contains("training")) base["training"] = json::object();
  if (base["training"].is_object() && base["training"].contains("optimizer") &&
      base["training"]["optimizer"].is_string()) {
    base["training"]["optimizer"] = json{{"name", base["training"]["optimizer"]}};
  }
  if (base["training"].is_object() && !base["training"].contains("optimizer")) {
    base["training"]["optimizer"] = json{{"name", "rmsprop"}};
  }

  // search
  const json search = spec.value("search", json::object());
  json resolved_search = json::object();
  if (expect_object(search, "search", problems)) {
    check_keys(search, "search", kSearchKeys, problems);
    out.method = read_string(search, "search", "method", "grid", problems);
    const auto& samplers = sampler_names();
    if (std::find(samplers.begin(), samplers.end(), out.method) == samplers.end()) {
      std::string known;
      for (const auto& name : samplers) known += (known.empty() ? "" : ", ") + name;
      problems.push_back(
          {"search.method", "got \"" + out.method + "\"; expected one of: " + known});
    }
    out.repeats =
        static_cast<int>(read_integer(search, "search", "repeats", 1, 1, kMaxRepeats, problems));
    out.first_repeat = static_cast<int>(
        read_integer(search, "search", "first_repeat", 0, 0, kMaxRepeats - 1, problems));
    if (search.contains("trials")) {
      if (out.method != "random") {
        problems.push_back(
            {"search.trials", "only for search.method \"random\"; a grid runs every combination"});
      }
      out.random_trials =
          static_cast<int>(read_integer(search, "search", "trials", 0, 1, kMaxTrials, problems));
    } else if (out.method == "random") {
      problems.push_back({"search.trials", "missing; random search needs the number of trials"});
    }
    const json parameters = search.value("parameters", json::object());
    if (expect_object(parameters, "search.parameters", problems)) {
      // Single values fix keys of the base first, so axes are checked against them.
      for (const auto& [key, value] : parameters.items()) {
        if (key == "optimizer" || value.is_array() || value.is_object()) continue;
        const std::string path = axis_path(key);
        if (!path.empty()) set_path(base, path, value);
      }
      for (const auto& [key, value] : parameters.items()) {
        const std::string where = "search.parameters." + key;
        if (key == "optimizer") {
          const json choices = value.is_array() ? value : json::array({value});
          if (choices.empty()) {
            problems.push_back({where, "empty list; give at least one optimizer"});
            continue;
          }
          for (std::size_t i = 0; i < choices.size(); ++i) {
            const std::string at = value.is_array() ? where + "[" + std::to_string(i) + "]" : where;
            const json& choice = choices[i];
            OptimizerChoice parsed;
            if (choice.is_string()) {
              parsed.fixed = json{{"name", choice}};
            } else if (choice.is_object()) {
              parsed.fixed = json::object();
              for (const auto& [k, v] : choice.items()) {
                if (k != "name" && (v.is_array() || v.is_object())) {
                  Axis axis;
                  axis.key = k;
                  axis.path = "training.optimizer." + k;
                  if (parse_axis(v, at + "." + k, out.method, axis, problems))
                    parsed.axes.push_back(axis);
                } else {
                  parsed.fixed[k] = v;
                }
              }
            } else {
              problems.push_back(
                  {at, "got " + show(choice) +
                           "; expected an optimizer name or an object with \"name\""});
              continue;
            }
            // Validate the choice with its fixed values on top of the base's learning rate.
            json trial = base;
            json optimizer = parsed.fixed;
            if (base["training"].is_object() && base["training"]["optimizer"].is_object() &&
                base["training"]["optimizer"].contains("learning_rate") &&
                !optimizer.contains("learning_rate")) {
              optimizer["learning_rate"] = base["training"]["optimizer"]["learning_rate"];
            }
            Problems inner;
            resolve_component(choice.is_string() ? choice : optimizer, at,
                              engine::optimizer_specs(), "optimizer", "name", inner);
            problems.insert(problems.end(), inner.begin(), inner.end());
            if (!inner.empty()) continue;
            trial["training"]["optimizer"] = optimizer;
            for (const auto& axis : parsed.axes)
              check_axis_values(trial, axis, at + "." + axis.key, problems);
            out.optimizers.push_back(parsed);
          }
          continue;
        }
        const std::string path = axis_path(key);
        if (path.empty()) {
          problems.push_back(
              {where,
               "unknown parameter \"" + key +
                   "\"; expected optimizer, learning_rate, batch_size, epochs or a dotted path "
                   "into dataset, model or training (e.g. model.layers[0].units)"});
          continue;
        }
        Axis axis;
        axis.key = key;
        axis.path = path;
        if (!parse_axis(value, where, out.method, axis, problems)) continue;
        check_axis_values(base, axis, where, problems);
        if (axis.kind == Axis::Kind::list && axis.values.size() == 1 && !value.is_array())
          continue;  // fixed
        out.axes.push_back(axis);
      }
    }
    resolved_search = search;
    resolved_search["method"] = out.method;
    resolved_search["repeats"] = out.repeats;
    // Written only when set, so that the specs of sweeps from before it keep
    // their hash.
    resolved_search.erase("first_repeat");
    if (out.first_repeat > 0) resolved_search["first_repeat"] = out.first_repeat;
  }

  // The base itself (with the first optimizer choice, if any, for validation).
  const json resolved_base = resolve_config(base, problems);
  out.base = base;

  // Does the loss fit the output layer, in every configuration?
  {
    LossOutputFindings fit = check_loss_outputs(base, out.axes);
    auto& errors_go_to = origin == SpecOrigin::stored ? out.warnings : problems;
    errors_go_to.insert(errors_go_to.end(), fit.errors.begin(), fit.errors.end());
    out.warnings.insert(out.warnings.end(), fit.warnings.begin(), fit.warnings.end());
  }

  // objective
  const json objective = spec.value("objective", json::object());
  std::vector<std::string> metric_names = {"loss"};
  if (resolved_base.contains("training") && resolved_base["training"]["metrics"].is_array()) {
    for (const auto& m : resolved_base["training"]["metrics"]) {
      if (m.is_object()) metric_names.push_back(m["name"].get<std::string>());
    }
  }
  // Whether the data has a validation part: unknown (no complaint) when the
  // dataset itself did not resolve.
  const json& resolved_dataset = resolved_base.value("dataset", json());
  const bool dataset_known = resolved_dataset.is_object();
  double validation_split = 0.0;
  if (dataset_known && resolved_dataset.contains("validation_split"))
    validation_split = resolved_dataset["validation_split"].get<double>();
  if (dataset_known && !resolved_dataset.value("validation_path", std::string{}).empty())
    validation_split = 1.0;  // a validation file
  const bool has_accuracy =
      std::find(metric_names.begin(), metric_names.end(), "accuracy") != metric_names.end();
  const std::string default_metric =
      std::string{validation_split > 0 ? "val_" : ""} + (has_accuracy ? "accuracy" : "loss");
  if (expect_object(objective, "objective", problems)) {
    check_keys(objective, "objective", {"metric", "direction"}, problems);
    out.objective_metric = read_string(objective, "objective", "metric", default_metric, problems);
    std::vector<std::string> known;
    for (const auto& m : metric_names) {
      known.push_back(m);
      known.push_back("val_" + m);
    }
    const bool is_val = out.objective_metric.rfind("val_", 0) == 0;
    if (std::find(known.begin(), known.end(), out.objective_metric) == known.end()) {
      problems.push_back(
          {"objective.metric", engine::unknown_name_message("metric", out.objective_metric, known) +
                                   " (metrics come from training.metrics)"});
    } else if (is_val && validation_split <= 0 && dataset_known) {
      problems.push_back(
          {"objective.metric",
           "\"" + out.objective_metric +
               "\" needs validation data; set dataset.validation_split > 0 or use \"" +
               out.objective_metric.substr(4) + "\""});
    }
    const bool is_loss =
        out.objective_metric.size() >= 4 &&
        out.objective_metric.compare(out.objective_metric.size() - 4, 4, "loss") == 0;
    const std::string direction =
        read_string(objective, "objective", "direction", is_loss ? "min" : "max", problems);
    if (direction != "min" && direction != "max") {
      problems.push_back(
          {"objective.direction", "got \"" + direction + "\"; expected one of: min, max"});
    }
    out.maximize = direction == "max";
  }

  // pruning
  const json pruning = spec.value("pruning", json::object());
  if (expect_object(pruning, "pruning", problems)) {
    check_keys(pruning, "pruning",
               {"divergence", "divergence_factor", "divergence_epochs", "method", "min_epochs",
                "reduction_factor"},
               problems);
    out.pruning_method = read_string(pruning, "pruning", "method", "none", problems);
    const std::vector<std::string> methods = {"none", "successive_halving", "hyperband"};
    if (std::find(methods.begin(), methods.end(), out.pruning_method) == methods.end()) {
      problems.push_back({"pruning.method", "got \"" + out.pruning_method +
                                                "\"; expected one of: none, successive_halving, "
                                                "hyperband"});
      out.pruning_method = "none";
    }
    const bool rungs = out.pruning_method != "none";
    const bool unknown = rungs != (pruning.value("method", json("none")) != "none");
    for (const char* key : {"min_epochs", "reduction_factor"}) {
      if (pruning.contains(key) && !rungs && !unknown)
        problems.push_back({std::string("pruning.") + key,
                            "only for pruning.method successive_halving or hyperband"});
    }
    out.reduction_factor =
        static_cast<int>(read_integer(pruning, "pruning", "reduction_factor", 3, 2, 100, problems));
    // "auto" (or absent): resolved below, once training.epochs is known.
    bool auto_min = true;
    if (pruning.contains("min_epochs") && pruning["min_epochs"] != "auto") {
      const json& value = pruning["min_epochs"];
      if (!value.is_number() || !(value.get<double>() > 0.0) ||
          value.get<double>() > static_cast<double>(kMaxEpochs)) {
        problems.push_back({"pruning.min_epochs",
                            "got " + show(value) +
                                "; expected \"auto\" or a number of epochs above 0 (a fraction "
                                "of an epoch is a rung inside the first epoch)"});
      } else {
        out.min_epochs = value.get<double>();
        auto_min = false;
      }
    }
    if (rungs && resolved_base.contains("training") &&
        resolved_base["training"].value("epochs", json()).is_number_integer()) {
      const bool swept = std::any_of(out.axes.begin(), out.axes.end(), [](const Axis& axis) {
        return axis.path == "training.epochs";
      });
      const long long epochs = resolved_base["training"]["epochs"].get<long long>();
      if (auto_min)
        out.min_epochs = auto_min_epochs(static_cast<int>(std::min<long long>(epochs, kMaxEpochs)),
                                         out.reduction_factor);
      if (swept) {
        problems.push_back(
            {"pruning.method", out.pruning_method +
                                   " needs one training.epochs for every trial; epochs is a search "
                                   "axis"});
      } else if (out.min_epochs >= static_cast<double>(epochs)) {
        problems.push_back({"pruning.min_epochs",
                            "got " + show(pruning.value("min_epochs", json(out.min_epochs))) +
                                "; expected fewer than training.epochs (" + std::to_string(epochs) +
                                ") so that a rung can stop a trial"});
      }
    }
    if (pruning.contains("divergence") && !pruning["divergence"].is_boolean()) {
      problems.push_back({"pruning.divergence",
                          "got " + show(pruning["divergence"]) + "; expected true or false"});
    } else {
      out.divergence = pruning.value("divergence", true);
    }
    if (pruning.contains("divergence_factor")) {
      if (!pruning["divergence_factor"].is_number() ||
          pruning["divergence_factor"].get<double>() <= 1.0) {
        problems.push_back(
            {"pruning.divergence_factor",
             "got " + show(pruning["divergence_factor"]) + "; expected a number > 1"});
      } else {
        out.divergence_factor = pruning["divergence_factor"].get<double>();
      }
    }
    if (pruning.contains("divergence_epochs")) {
      const json& epochs = pruning["divergence_epochs"];
      if (!epochs.is_number_integer() || epochs.get<long long>() < 1 ||
          epochs.get<long long>() > 1000) {
        problems.push_back({"pruning.divergence_epochs",
                            "got " + show(epochs) + "; expected an integer from 1 to 1000"});
      } else {
        out.divergence_epochs = epochs.get<int>();
      }
    }
  }

  // storage
  const json storage = spec.value("storage", json::object());
  if (expect_object(storage, "storage", problems)) {
    check_keys(storage, "storage", {"weights"}, problems);
    const std::string weights = read_string(storage, "storage", "weights", "best", problems);
    if (const auto policy = parse_weights_policy(weights)) {
      out.weights = *policy;
    } else {
      problems.push_back(
          {"storage.weights", "got \"" + weights + "\"; expected one of: none, best, all"});
    }
  }

  if (out.method == "grid") {
    // Saturating arithmetic: the count is only compared with kMaxTrials.
    const auto times = [](double a, double b) { return std::min(a * b, 1e18); };
    double count = 0;
    const auto product = [&](const std::vector<Axis>& axes) {
      double n = 1;
      for (const auto& a : axes) n = times(n, static_cast<double>(a.values.size()));
      return n;
    };
    if (out.optimizers.empty()) {
      count = product(out.axes);
    } else {
      for (const auto& choice : out.optimizers)
        count += times(product(choice.axes), product(out.axes));
    }
    count = times(count, static_cast<double>(out.repeats));
    if (count == 0 && problems.empty())
      problems.push_back({"search.parameters", "the grid is empty"});
    if (count > static_cast<double>(kMaxTrials))
      problems.push_back({"search.parameters",
                          fmt::format("the grid has {:.4g} trials (with repeats); at most {} are "
                                      "accepted",
                                      count, kMaxTrials)});
  }

  if (!problems.empty()) throw SpecError(source, std::move(problems));

  out.resolved = json::object();
  out.resolved["name"] = out.name;
  out.resolved["description"] = out.description;
  out.resolved["seed"] = out.seed;
  out.resolved["dataset"] = resolved_base["dataset"];
  out.resolved["model"] = resolved_base["model"];
  out.resolved["training"] = resolved_base["training"];
  out.resolved["search"] = resolved_search;
  out.resolved["objective"] =
      json{{"metric", out.objective_metric}, {"direction", out.maximize ? "max" : "min"}};
  out.resolved["pruning"] = json{{"divergence", out.divergence},
                                 {"divergence_factor", out.divergence_factor},
                                 {"divergence_epochs", out.divergence_epochs}};
  // Only when on: the identity (hash) of every spec without it stays as it was.
  if (out.pruning_method != "none") {
    out.resolved["pruning"]["method"] = out.pruning_method;
    // A whole number as an integer: the identity of a spec that set 1 (or
    // left it to auto on 9 or more epochs) stays what it was.
    if (out.min_epochs == std::floor(out.min_epochs))
      out.resolved["pruning"]["min_epochs"] = static_cast<long long>(out.min_epochs);
    else
      out.resolved["pruning"]["min_epochs"] = out.min_epochs;
    out.resolved["pruning"]["reduction_factor"] = out.reduction_factor;
  }
  // Not part of the sweep's identity: it changes what is kept, not what runs.
  json identity = canonical(out.resolved);
  out.hash = hash_json(identity_view(identity));
  out.resolved["storage"] = json{{"weights", to_string(out.weights)}};
  out.resolved = canonical(out.resolved);
  return out;
}

std::string_view to_string(WeightsPolicy policy) {
  switch (policy) {
    case WeightsPolicy::none:
      return "none";
    case WeightsPolicy::best:
      return "best";
    case WeightsPolicy::all:
      return "all";
  }
  return "best";
}

std::optional<WeightsPolicy> parse_weights_policy(std::string_view text) {
  if (text == "none") return WeightsPolicy::none;
  if (text == "best") return WeightsPolicy::best;
  if (text == "all") return WeightsPolicy::all;
  return std::nullopt;
}

namespace {

json parse_scalar(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  if (text == "null") return nullptr;
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  // A number out of range ("1e999") stays text, so validation names it.
  if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(number))
    return canonical(json(number));
  return text;
}

// LO:HI:N or LO:HI:logN, hand-written (no std::regex on user input).
struct Range {
  std::string lo;
  std::string hi;
  bool log = false;
  long long n = 0;
};

std::optional<Range> parse_range(const std::string& text) {
  const auto first = text.find(':');
  if (first == std::string::npos || first == 0) return std::nullopt;
  const auto second = text.find(':', first + 1);
  if (second == std::string::npos || second == first + 1) return std::nullopt;
  Range range{text.substr(0, first), text.substr(first + 1, second - first - 1), false, 0};
  std::string count = text.substr(second + 1);
  if (count.rfind("log", 0) == 0) {
    range.log = true;
    count = count.substr(3);
  }
  if (count.empty() || count.size() > 9) return std::nullopt;
  for (char c : count) {
    if (c < '0' || c > '9') return std::nullopt;
    range.n = range.n * 10 + (c - '0');
  }
  return range;
}

}  // namespace

void apply_overrides(json& spec, const std::vector<std::string>& overrides) {
  for (const auto& item : overrides) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError("override \"" + item +
                       "\": expected KEY=VALUE, KEY=A,B,... or KEY=LO:HI:N (or logN)");
    }
    const std::string key = item.substr(0, eq);
    const std::string text = item.substr(eq + 1);
    if (!spec.is_object()) throw UsageError("overrides need a spec that is a JSON object");
    const bool axis_key =
        key == "optimizer" || key == "learning_rate" || key == "batch_size" || key == "epochs" ||
        spec.value("search", json::object()).value("parameters", json::object()).contains(key);
    json value;
    bool is_axis = false;
    if (const auto range = parse_range(text)) {
      const json lo = parse_scalar(range->lo);
      const json hi = parse_scalar(range->hi);
      if (!lo.is_number() || !hi.is_number()) {
        throw UsageError("override \"" + item + "\": range bounds must be numbers");
      }
      value = json{{range->log ? "logspace" : "linspace", json::array({lo, hi, range->n})}};
      is_axis = true;
    } else if (text.find(',') != std::string::npos) {
      value = json::array();
      std::stringstream parts(text);
      std::string part;
      while (std::getline(parts, part, ',')) value.push_back(parse_scalar(part));
      is_axis = true;
    } else {
      value = parse_scalar(text);
    }
    if (is_axis) {
      if (axis_path(key).empty() && key != "optimizer") {
        throw UsageError(
            "override \"" + item + "\": \"" + key +
            "\" cannot be swept; use optimizer, learning_rate, batch_size, epochs or a path into "
            "dataset, model or training");
      }
      spec["search"]["parameters"][key] = value;
      continue;
    }
    // A single value fixes the key: drop any axis and set it in the spec.
    if (spec.contains("search") && spec["search"].contains("parameters"))
      spec["search"]["parameters"].erase(key);
    if (key == "optimizer") {
      json previous = spec.value("training", json::object()).value("optimizer", json::object());
      json optimizer = json{{"name", value}};
      if (previous.is_object() && previous.contains("learning_rate"))
        optimizer["learning_rate"] = previous["learning_rate"];
      spec["training"]["optimizer"] = optimizer;
      continue;
    }
    const std::string path = axis_key ? axis_path(key) : key;
    if (const std::string error = set_path(spec, path.empty() ? key : path, value);
        !error.empty()) {
      throw UsageError("override \"" + item + "\": " + error);
    }
  }
}

bool valid_sweep_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

namespace {

std::string dataset_name(const json& spec) {
  const json& dataset = spec.value("dataset", json());
  if (dataset.is_string()) return dataset.get<std::string>();
  if (dataset.is_object() && dataset.value("name", json()).is_string())
    return dataset["name"].get<std::string>();
  return "";
}

// A relative path made absolute against `folder`; anything else as it is.
void resolve_path(json& value, const std::filesystem::path& folder) {
  if (!value.is_string() || value.get<std::string>().empty()) return;
  const std::filesystem::path path = value.get<std::string>();
  if (path.is_absolute()) return;
  value = (folder / path).lexically_normal().string();
}

std::string text_of(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw SpecError(path, {{"", "no such file"}});
  if (std::filesystem::is_directory(path, ec))
    throw SpecError(path, {{"", "is a folder; expected a JSON file"}});
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw SpecError(path,
                    {{"", "cannot read the file (" + std::string{std::strerror(errno)} + ")"}});
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void resolve_data_paths(json& spec, const std::filesystem::path& folder) {
  if (!spec.is_object()) return;
  const std::string name = dataset_name(spec);
  if (name.empty()) return;
  if (spec["dataset"].is_object()) {
    for (auto& [key, value] : spec["dataset"].items())
      if (engine::is_path_param(name, key)) resolve_path(value, folder);
  }
  const auto search = spec.find("search");
  if (search == spec.end() || !search->is_object()) return;
  const auto parameters = search->find("parameters");
  if (parameters == search->end() || !parameters->is_object()) return;
  for (auto& [key, value] : parameters->items()) {
    if (key.rfind("dataset.", 0) != 0 || !engine::is_path_param(name, key.substr(8))) continue;
    if (value.is_array()) {
      for (auto& item : value) resolve_path(item, folder);
    } else {
      resolve_path(value, folder);
    }
  }
}

void name_label_column(json& spec) {
  if (dataset_name(spec) != "csv" || !spec["dataset"].is_object()) return;
  json& dataset = spec["dataset"];
  if (!dataset.value("header", json(true)).is_boolean() || !dataset.value("header", true)) return;
  const json path = dataset.value("path", json());
  if (!path.is_string() || path.get<std::string>().empty()) return;
  const json label = dataset.value("label_column", json(""));
  const std::vector<std::string> header = engine::csv_header(path.get<std::string>());
  if (header.empty()) return;  // the loader says why
  std::optional<std::size_t> index;
  if (label.is_number_unsigned() || label.is_number_integer()) {
    if (label.get<long long>() >= 0) index = label.get<std::size_t>();
  } else if (label.is_string()) {
    const std::string text = label.get<std::string>();
    if (text.empty()) {
      index = header.size() - 1;
    } else if (std::find(header.begin(), header.end(), text) == header.end() && text.size() < 10 &&
               std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      index = std::stoul(text);
    }
  }
  if (index && *index < header.size()) dataset["label_column"] = header[*index];
}

json identity_view(const json& config) {
  const auto dataset = config.find("dataset");
  if (!config.is_object() || dataset == config.end() || !dataset->is_object()) return config;
  json view = config;
  json& d = view["dataset"];
  const std::string name = d.value("name", "");
  // Keys added after sweeps were stored, at the value that behaves as before
  // they existed: left out, so those sweeps keep their hashes.
  const auto drop_if = [&d](const char* key, const json& value) {
    if (d.contains(key) && d[key] == value) d.erase(key);
  };
  drop_if("validation_split_mode", "last");
  drop_if("missing", "error");
  drop_if("validation_path", "");
  drop_if("normalize", name == "fashion_mnist" || name == "idx" ? "rescale" : "standard");
  return view;
}

json seed_view(const json& config) {
  json view = identity_view(config);
  if (!view.is_object() || !view.contains("dataset") || !view["dataset"].is_object()) return view;
  json& d = view["dataset"];
  const std::string name = d.value("name", "");
  std::vector<std::string> paths;
  for (const auto& [key, value] : d.items())
    if (engine::is_path_param(name, key)) paths.push_back(key);
  for (const auto& key : paths) d.erase(key);
  return view;
}

json read_spec_json(const std::string& content, const std::string& path,
                    const std::vector<std::string>& overrides) {
  if (content.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw SpecError(path, {{"", "the file is empty; expected a JSON object"}});
  }
  json spec;
  try {
    // Nesting is bounded before anything recurses over the document.
    spec = json::parse(content, [&](int depth, json::parse_event_t, json&) {
      if (depth > kMaxDepth)
        throw SpecError(path, {{"", "nested more than " + std::to_string(kMaxDepth) +
                                        " levels deep; a spec needs a handful"}});
      return true;
    });
  } catch (const json::parse_error& e) {
    std::string message = e.what();
    if (const auto close = message.find("] "); close != std::string::npos)
      message = message.substr(close + 2);
    throw SpecError(path, {{"", "not valid JSON: " + message}});
  }
  if (!spec.is_object()) {
    throw SpecError(path,
                    {{"", "expected a JSON object at the top level, got " + type_name(spec)}});
  }
  // Paths in the file are relative to its folder; paths in overrides, typed
  // on the command line, to the working directory.
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  resolve_data_paths(spec, std::filesystem::absolute(path, ec).parent_path());
  apply_overrides(spec, overrides);
  resolve_data_paths(spec, cwd);
  return spec;
}

json read_spec_file(const std::string& path, const std::vector<std::string>& overrides) {
  json spec = read_spec_json(text_of(path), path, overrides);
  name_label_column(spec);
  return spec;
}

Spec load_spec(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_spec(read_spec_file(path, overrides), path);
}

Spec load_spec_text(const std::string& content, const std::string& path,
                    const std::vector<std::string>& overrides) {
  return parse_spec(read_spec_json(content, path, overrides), path);
}

}  // namespace sweep::runner
