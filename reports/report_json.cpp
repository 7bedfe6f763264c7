#include "reports/report_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include "reports/diagnosis.hpp"
#include "reports/format.hpp"
#include "reports/ranking.hpp"
#include "reports/trial_values.hpp"

namespace sweep::reports {
namespace {

using nlohmann::json;

json metrics_json(const std::map<std::string, double>& metrics) {
  json out = json::object();
  for (const auto& [name, value] : metrics) out[name] = json_number(value);
  return out;
}

json sweep_json(const SweepRecord& sweep) {
  return {{"name", sweep.name},
          {"description", sweep.description},
          {"id", sweep.id},
          {"status", sweep.status},
          {"spec", sweep.spec},
          {"spec_hash", sweep.spec_hash},
          {"started", sweep.started_at},
          {"finished", sweep.finished_at},
          {"duration", json_number(sweep.duration_seconds)},
          {"jobs", sweep.jobs},
          {"version", sweep.version},
          {"host", sweep.host},
          {"classes", sweep.classes},
          {"validation_rows",
           sweep.data.contains("validation_rows") ? sweep.data["validation_rows"] : json(nullptr)},
          // Class i's name (string labels in sorted order), null when the
          // labels are the class indices themselves.
          {"class_names", sweep.data.value("class_names", json(nullptr))},
          // training.class_weight as given, and the weight per class it made.
          {"class_weight", sweep.data.contains("class_weights")
                               ? json{{"given", sweep.data.value("class_weight", json(nullptr))},
                                      {"weights", sweep.data["class_weights"]}}
                               : json(nullptr)},
          {"swept", sweep.swept},
          {"trial_count", sweep.trials.size()}};
}

json objective_json(const SweepRecord& sweep) {
  const std::string rule = fmt::format(
      "each trial is scored by the {} value of {} over its epochs (its best epoch); repeats of a "
      "configuration are averaged and configurations ranked by that mean; diverged and failed "
      "configurations rank last; neighbours whose means differ by less than their combined "
      "standard error are tied; test metrics are never used for selection",
      sweep.maximize ? "highest" : "lowest", sweep.objective_metric);
  return {{"metric", sweep.objective_metric},
          {"direction", sweep.maximize ? "maximize" : "minimize"},
          {"rule", rule}};
}

// The entries below are built member by member: nlohmann's initializer-list
// constructor first builds each {key, value} as a two-element array, then
// checks and copies every one into the object; with the patch below, that
// was two thirds of trial_json at 100,000 trials.
json rank_entry_json(const RankEntry& e) {
  json::object_t out;
  out.emplace("rank", e.rank);
  out.emplace("config", e.config);
  out.emplace("config_hash", e.config_hash);
  out.emplace("trial_ids", e.trial_ids);
  out.emplace("mean", json_number(e.mean));
  out.emplace("std", json_number(e.std));
  out.emplace("min", json_number(e.min));
  out.emplace("max", json_number(e.max));
  out.emplace("n", e.n);
  out.emplace("tied", e.tied);
  out.emplace("status", e.status);
  out.emplace("trials", e.trial_ids.size());
  out.emplace("diverged", e.diverged);
  out.emplace("failed", e.failed);
  return out;
}

// Every metric name any epoch recorded, the four usual ones first.
std::vector<std::string> curve_names(const TrialRecord& trial) {
  std::vector<std::string> names = {"loss", "accuracy", "val_loss", "val_accuracy"};
  std::set<std::string> others;
  for (const EpochRecord& epoch : trial.epochs)
    for (const auto& [name, value] : epoch.metrics)
      if (std::find(names.begin(), names.end(), name) == names.end()) others.insert(name);
  names.insert(names.end(), others.begin(), others.end());
  return names;
}

json curves_json(const TrialRecord& trial) {
  json curves = json::object();
  json epochs = json::array();
  json rates = json::array();
  json seconds = json::array();
  for (const EpochRecord& epoch : trial.epochs) {
    epochs.push_back(epoch.epoch);
    rates.push_back(json_number(epoch.learning_rate));
    seconds.push_back(json_number(epoch.seconds));
  }
  curves["epoch"] = std::move(epochs);
  curves["learning_rate"] = std::move(rates);
  curves["seconds"] = std::move(seconds);
  for (const std::string& name : curve_names(trial)) {
    json values = json::array();
    for (const EpochRecord& epoch : trial.epochs) {
      const auto value = metric_of(epoch, name);
      values.push_back(value ? json_number(*value) : json(nullptr));
    }
    curves[name] = std::move(values);
  }
  return curves;
}

json diagnosis_json(const Diagnosis& d) {
  json reference = nullptr;
  if (d.reference) {
    json::object_t r;
    r.emplace("trial_id", d.reference->trial_id);
    r.emplace("config_hash", d.reference->config_hash);
    r.emplace("learning_rate", json_number(d.reference->learning_rate));
    r.emplace("value", json_number(d.reference->value));
    r.emplace("margin", json_number(d.reference->margin));
    reference = std::move(r);
  }
  json::object_t out;
  out.emplace("label", d.label);
  out.emplace("reason", d.reason);
  out.emplace("direction", d.direction.empty() ? json(nullptr) : json(d.direction));
  out.emplace("reference", std::move(reference));
  return out;
}

// Whether every operation of `patch` replaces a value with a number,
// string, boolean or null.
bool scalar_replaces(const json& patch) {
  for (const json& op : patch) {
    if (!op.is_object()) return false;
    const auto name = op.find("op");
    const auto path = op.find("path");
    const auto value = op.find("value");
    if (name == op.end() || *name != "replace" || path == op.end() || !path->is_string() ||
        value == op.end() || value->is_structured())
      return false;
  }
  return true;
}

// The value `patch` puts at `path`, null when it puts none there.
const json* patched_value(const json& patch, const std::string& path) {
  for (const json& op : patch)
    if (op["path"].get_ref<const std::string&>() == path) return &op["value"];
  return nullptr;
}

// json::diff(from, to) of two trials' configs (`from_whole` is from's, built).
// When both patch the same base by replacing scalars, and one's paths
// include the other's (a search over rates and other single values), it
// comes from the patched values alone: the longer patch lists the paths in
// json::diff's order, and a path differs where the two values there do.
// Otherwise from the whole configs.
json config_patch(const TrialConfig& from, const json& from_whole, const TrialConfig& to) {
  json patch = json::array();
  const json& a = from.patch();
  const json& b = to.patch();
  if (&from.base() == &to.base() && scalar_replaces(a) && scalar_replaces(b)) {
    const json& longer = a.size() >= b.size() ? a : b;
    const json& shorter = a.size() >= b.size() ? b : a;
    const bool included = std::all_of(shorter.begin(), shorter.end(), [&](const json& op) {
      return patched_value(longer, op["path"].get_ref<const std::string&>()) != nullptr;
    });
    if (included) {
      for (const json& op : longer) {
        const std::string& path = op["path"].get_ref<const std::string&>();
        const json* source = patched_value(a, path);
        const json* target = patched_value(b, path);
        const json* const in_base = source != nullptr && target != nullptr
                                        ? nullptr
                                        : &from.base().at(json::json_pointer(path));
        if (source == nullptr) source = in_base;
        if (target == nullptr) target = in_base;
        if (*source == *target) continue;
        json::object_t replace;
        replace.emplace("op", "replace");
        replace.emplace("path", path);
        replace.emplace("value", *target);
        patch.push_back(std::move(replace));
      }
      return patch;
    }
  }
  return json_diff(from_whole, to.resolved());
}

json trial_json(const SweepRecord& sweep, const TrialRecord& trial, const Diagnosis& diagnosis,
                const TrialConfig& base_config, const json& base_whole) {
  int best_epoch = 0;
  const auto objective = trial_objective(sweep, trial, &best_epoch);
  json trace = json::array();
  for (const EpochRecord& epoch : trial.epochs) {
    json points = json::array();
    for (double x : epoch.loss_trace) points.push_back(json_number(x));
    trace.push_back(std::move(points));
  }
  json divergence = nullptr;
  if (trial.divergence) {
    json::object_t d;
    d.emplace("epoch", trial.divergence->epoch);
    d.emplace("batch", trial.divergence->batch);
    d.emplace("loss", json_number(trial.divergence->loss));
    divergence = std::move(d);
  }
  // The trial's resolved config as an RFC 6902 JSON Patch against its
  // optimizer's base_configs entry: the resolved config written once.
  json::object_t out;
  out.emplace("id", trial.id);
  out.emplace("params", trial.params);
  out.emplace("config_patch", config_patch(base_config, base_whole, trial.config));
  out.emplace("config_hash", trial.config_hash);
  out.emplace("repeat", trial.repeat);
  out.emplace("seed", trial.seed);
  out.emplace("status", trial.status);
  out.emplace("error", trial.error);
  out.emplace("divergence", std::move(divergence));
  out.emplace("objective", objective ? json_number(*objective) : json(nullptr));
  out.emplace("best_epoch", best_epoch > 0 ? json(best_epoch) : json(nullptr));
  out.emplace("diagnosis", diagnosis_json(diagnosis));
  out.emplace("started", trial.started_at);
  out.emplace("finished", trial.finished_at);
  out.emplace("seconds", json_number(trial.seconds));
  out.emplace("curves", curves_json(trial));
  out.emplace("loss_trace", std::move(trace));
  return out;
}

const TrialRecord* find_trial(const SweepRecord& sweep, std::int64_t id) {
  for (const TrialRecord& trial : sweep.trials)
    if (trial.id == id) return &trial;
  return nullptr;
}

// The test metrics of the best trial: the scalar ones as they are; the
// confusion counts ("confusion[T][P]", T the label, P the prediction) as a
// matrix and per-class precision, recall, F1 and support, each class by name
// when the data has names.
void add_test_metrics(json& best, const std::map<std::string, double>& metrics,
                      const json& class_names) {
  std::map<std::string, double> scalars;
  std::map<std::pair<std::size_t, std::size_t>, double> cells;
  std::size_t classes = 0;
  for (const auto& [name, value] : metrics) {
    unsigned long t = 0;
    unsigned long p = 0;
    if (name.rfind("confusion[", 0) == 0 &&
        std::sscanf(name.c_str(), "confusion[%lu][%lu]", &t, &p) == 2) {
      cells[{t, p}] = value;
      classes = std::max<std::size_t>(classes, std::max(t, p) + 1);
    } else {
      scalars[name] = value;
    }
  }
  best["test_metrics"] = metrics_json(scalars);
  if (classes == 0 || classes > 1000) return;
  json names = json::array();
  for (std::size_t c = 0; c < classes; ++c)
    names.push_back(class_names.is_array() && c < class_names.size() && class_names[c].is_string()
                        ? class_names[c]
                        : json(std::to_string(c)));
  json matrix = json::array();
  std::vector<double> predicted(classes, 0.0);
  std::vector<double> actual(classes, 0.0);
  for (std::size_t t = 0; t < classes; ++t) {
    json row = json::array();
    for (std::size_t p = 0; p < classes; ++p) {
      const auto found = cells.find({t, p});
      const double count = found == cells.end() ? 0.0 : found->second;
      row.push_back(json_number(count));
      predicted[p] += count;
      actual[t] += count;
    }
    matrix.push_back(std::move(row));
  }
  json per_class = json::array();
  for (std::size_t c = 0; c < classes; ++c) {
    const auto hit = cells.find({c, c});
    const double tp = hit == cells.end() ? 0.0 : hit->second;
    const double precision = predicted[c] > 0 ? tp / predicted[c] : 0.0;
    const double recall = actual[c] > 0 ? tp / actual[c] : 0.0;
    const double f1 =
        precision + recall > 0 ? 2.0 * precision * recall / (precision + recall) : 0.0;
    per_class.push_back({{"class", c},
                         {"name", names[c]},
                         {"precision", json_number(precision)},
                         {"recall", json_number(recall)},
                         {"f1_score", json_number(f1)},
                         {"support", json_number(actual[c])}});
  }
  best["test_confusion"] = {{"classes", names}, {"matrix", std::move(matrix)}};
  best["test_per_class"] = std::move(per_class);
}

json best_json(const SweepRecord& sweep, const std::vector<RankEntry>& ranking) {
  if (ranking.empty() || !is_rankable(ranking.front())) return nullptr;
  const RankEntry& winner = ranking.front();
  // The representative trial: the winner's repeat with the best value.
  const TrialRecord* chosen = nullptr;
  std::optional<double> chosen_value;
  int chosen_epoch = 0;
  for (std::int64_t id : winner.trial_ids) {
    const TrialRecord* trial = find_trial(sweep, id);
    if (trial == nullptr || !counts_for_ranking(*trial)) continue;
    int epoch = 0;
    const auto value = trial_objective(sweep, *trial, &epoch);
    if (!value) continue;
    if (!chosen_value || (sweep.maximize ? *value > *chosen_value : *value < *chosen_value)) {
      chosen = trial;
      chosen_value = value;
      chosen_epoch = epoch;
    }
  }
  json best = {{"config", winner.config},
               {"config_hash", winner.config_hash},
               {"description", describe_config(winner.config)},
               {"objective", json_number(winner.mean)},
               {"std", json_number(winner.std)},
               {"n", winner.n},
               {"tied", winner.tied},
               {"trial_ids", winner.trial_ids}};
  if (chosen != nullptr) {
    best["trial_id"] = chosen->id;
    best["best_epoch"] = chosen_epoch;
    best["trial_objective"] = json_number(*chosen_value);
    json at_best = json::object();
    for (const EpochRecord& epoch : chosen->epochs)
      if (epoch.epoch == chosen_epoch) at_best = metrics_json(epoch.metrics);
    best["best_epoch_metrics"] = std::move(at_best);
    best["final_metrics"] =
        chosen->epochs.empty() ? json::object() : metrics_json(chosen->epochs.back().metrics);
    add_test_metrics(best, chosen->test_metrics, sweep.data.value("class_names", json()));
  }
  return best;
}

// Per optimizer, the group (see rate_groups) that holds its best
// configuration, and where that best sits among the rates the group tried.
struct OptimizerSummary {
  std::set<double> rates;
  std::set<double> diverged_rates;
  const RankEntry* best = nullptr;
  const RateGroup* group = nullptr;
  std::optional<double> below;  // the nearest rate tried below the best
  std::optional<double> above;  // ... and above
  std::string advice;           // refine | extend_low | extend_high | ""
};

std::map<std::string, OptimizerSummary> summarise_optimizers(const SweepRecord& sweep,
                                                             const std::vector<RankEntry>& ranking,
                                                             const std::vector<RateGroup>& groups) {
  std::map<std::string, OptimizerSummary> out;
  for (const TrialRecord& trial : sweep.trials) {
    const std::string name = optimizer_of(trial);
    const auto rate = learning_rate_of(trial);
    if (name.empty() || !rate) continue;
    out[name].rates.insert(*rate);
    if (trial.status == "diverged") out[name].diverged_rates.insert(*rate);
  }
  for (const RankEntry& entry : ranking) {  // best first: the first rankable one wins
    if (!is_rankable(entry)) continue;
    const auto name = entry.config.find("optimizer");
    const auto rate = entry.config.find("learning_rate");
    if (name == entry.config.end() || !name->is_string() || rate == entry.config.end() ||
        !rate->is_number())
      continue;
    OptimizerSummary& summary = out[name->get<std::string>()];
    if (summary.best == nullptr) summary.best = &entry;
  }
  for (auto& [name, summary] : out) {
    if (summary.best == nullptr) continue;
    // The bracket is taken around the ranking's best, which the advice
    // quotes, not around the group's own best (the lowest rate of those tied
    // on the mean): when configurations tie, that may be another rate, and a
    // bracket around it did not hold the rate the advice named as best tried.
    std::size_t b = 0;
    for (const RateGroup& group : groups)
      for (std::size_t k = 0; k < group.configs.size(); ++k)
        if (group.configs[k].config_hash == summary.best->config_hash) {
          summary.group = &group;
          b = k;
        }
    if (summary.group == nullptr) continue;
    const RateGroup& group = *summary.group;
    if (b > 0) summary.below = group.configs[b - 1].learning_rate;
    if (b + 1 < group.configs.size()) summary.above = group.configs[b + 1].learning_rate;
    if (group.configs.size() < 2) continue;
    // The best at the lowest rate but still improving when training ended: a
    // lower rate would learn slower still, so the optimum lies above it.
    const RateGroup::Config& best = group.configs[b];
    const auto gain =
        best.best_trial ? late_gain(sweep, sweep.trials[*best.best_trial]) : std::nullopt;
    const bool best_slow = gain && *gain > group.margin;
    if (summary.below && summary.above) {
      summary.advice = "refine";
    } else if (!summary.below) {
      summary.advice = best_slow ? "refine" : "extend_low";
    } else {
      summary.advice = "extend_high";
    }
  }
  return out;
}

std::string rates_text(const std::set<double>& rates) {
  std::string text;
  for (double rate : rates) text += (text.empty() ? "" : ", ") + format_learning_rate(rate);
  return text;
}

// Where one optimizer's trials diverged: the rates when there are a few
// ("at learning_rate 1, 10"); else a count and the range, and the rate from
// which every trial diverged ("212 trials, every one from learning_rate
// 3.1e-1 upward"), so that a random search's warning stays one line.
std::string diverged_text(const std::set<double>& rates,
                          std::vector<std::pair<double, bool>>& tried) {
  constexpr std::size_t kListed = 5;
  if (rates.size() <= kListed) return "at learning_rate " + rates_text(rates);
  std::sort(tried.begin(), tried.end());
  std::size_t count = 0;
  for (const auto& trial : tried) count += trial.second ? 1 : 0;
  // The trials from the top down that all diverged.
  std::size_t top = 0;
  while (top < tried.size() && tried[tried.size() - 1 - top].second) ++top;
  // Rates equal to the lowest of them must all have diverged too.
  while (top > 0 && top < tried.size() &&
         tried[tried.size() - top].first == tried[tried.size() - 1 - top].first)
    --top;
  const std::string range =
      fmt::format("between learning_rate {} and {}", format_learning_rate(*rates.begin()),
                  format_learning_rate(*rates.rbegin()));
  if (top == 0) return fmt::format("{} trials {}", count, range);
  const std::string from = format_learning_rate(tried[tried.size() - top].first);
  if (top == count)
    return fmt::format("{} trials, every one from learning_rate {} upward", count, from);
  std::set<double> below;
  for (std::size_t i = 0; i + top < tried.size(); ++i)
    if (tried[i].second) below.insert(tried[i].first);
  return fmt::format("{} trials: every one from learning_rate {} upward ({}), and {} {}", count,
                     from, top, count - top,
                     below.size() <= kListed ? "at learning_rate " + rates_text(below)
                                             : fmt::format("between learning_rate {} and {}",
                                                           format_learning_rate(*below.begin()),
                                                           format_learning_rate(*below.rbegin())));
}

}  // namespace

json build_report(const SweepRecord& sweep) {
  // The ranking and the diagnosis each read the sweep alone: built side by
  // side (each 0.6 s of serial work at 100,000 trials).
  std::vector<RankEntry> ranking;
  std::vector<RateGroup> groups;
  std::vector<Diagnosis> diagnoses;
  tbb::parallel_invoke([&] { ranking = rank_configurations(sweep); },
                       [&] {
                         groups = rate_groups(sweep);
                         diagnoses = diagnose_all(sweep, groups);
                       });

  json report = json::object();
  report["schema_version"] = kReportSchemaVersion;
  report["sweep"] = sweep_json(sweep);
  report["objective"] = objective_json(sweep);

  json::array_t ranking_json(ranking.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, ranking.size(), 256),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i != range.end(); ++i)
                        ranking_json[i] = rank_entry_json(ranking[i]);
                    });
  report["ranking"] = std::move(ranking_json);
  report["best"] = best_json(sweep, ranking);
  report["pruning"] = sweep.pruning.is_object() ? sweep.pruning : json(nullptr);

  // The resolved config, once per optimizer: its best-ranked trial's (the
  // winner's for the winner's optimizer); each trial then carries the patch
  // from its optimizer's base to its own config.
  std::map<std::string, const TrialRecord*> bases;
  if (report["best"].is_object() && report["best"].contains("trial_id"))
    if (const TrialRecord* winner =
            find_trial(sweep, report["best"]["trial_id"].get<std::int64_t>()))
      bases[optimizer_of(*winner)] = winner;
  {
    std::unordered_map<std::int64_t, const TrialRecord*> by_id;
    by_id.reserve(sweep.trials.size());
    for (const TrialRecord& trial : sweep.trials) by_id.emplace(trial.id, &trial);
    for (const RankEntry& entry : ranking) {
      if (entry.trial_ids.empty()) continue;
      const auto found = by_id.find(entry.trial_ids.front());
      if (found == by_id.end()) continue;
      bases.try_emplace(optimizer_of(*found->second), found->second);
    }
  }
  json base_configs = json::object();
  std::map<std::string, json> base_whole;
  for (const auto& [name, trial] : bases) {
    const json& whole = base_whole[name] = trial->config.resolved();
    base_configs[name] = {{"trial_id", trial->id}, {"config", whole}};
  }
  report["base_configs"] = std::move(base_configs);
  static const TrialConfig no_config;
  static const json no_config_whole = json::object();
  // Each trial's entry stands alone: built in parallel (most of the report's
  // time at 100,000 trials), in the trials' order.
  json::array_t trials(sweep.trials.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, sweep.trials.size(), 64),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i != range.end(); ++i) {
                        const TrialRecord& trial = sweep.trials[i];
                        const auto base = bases.find(optimizer_of(trial));
                        trials[i] =
                            base == bases.end()
                                ? trial_json(sweep, trial, diagnoses[i], no_config, no_config_whole)
                                : trial_json(sweep, trial, diagnoses[i], base->second->config,
                                             base_whole.at(base->first));
                      }
                    });
  report["trials"] = std::move(trials);

  json warnings = json::array();
  json advice = json::array();
  json by_optimizer = json::object();
  for (const auto& [name, summary] : summarise_optimizers(sweep, ranking, groups)) {
    json entry = {
        {"learning_rates", std::vector<double>(summary.rates.begin(), summary.rates.end())},
        {"diverged_learning_rates",
         std::vector<double>(summary.diverged_rates.begin(), summary.diverged_rates.end())},
        {"best_learning_rate", nullptr},
        {"value", nullptr},
        {"config_hash", nullptr},
        {"bracket", json::array({nullptr, nullptr})},
        {"advice", nullptr},
        {"at_edge", false},
        {"edge", nullptr}};
    if (summary.best != nullptr) {
      const double rate = summary.best->config.at("learning_rate").get<double>();
      entry["best_learning_rate"] = rate;
      entry["value"] = json_number(summary.best->mean);
      entry["config_hash"] = summary.best->config_hash;
      entry["bracket"] = json::array({summary.below ? json(*summary.below) : json(nullptr),
                                      summary.above ? json(*summary.above) : json(nullptr)});
      if (!summary.advice.empty()) entry["advice"] = summary.advice;
      const std::string best_text = format_learning_rate(rate);
      if (summary.advice == "extend_high") {
        entry["at_edge"] = true;
        entry["edge"] = "high";
        warnings.push_back(fmt::format(
            "the optimum for {} may lie above {}, the highest learning rate tried; extend the "
            "range upward",
            name, best_text));
      } else if (summary.advice == "extend_low") {
        entry["at_edge"] = true;
        entry["edge"] = "low";
        warnings.push_back(fmt::format(
            "the optimum for {} may lie below {}, the lowest learning rate tried; extend the "
            "range downward",
            name, best_text));
      } else if (summary.advice == "refine") {
        if (!summary.below) {
          entry["at_edge"] = true;
          entry["edge"] = "low";
        }
        const auto texts =
            format_learning_rates_apart({summary.below.value_or(rate), *summary.above, rate});
        advice.push_back(fmt::format(
            "the optimum for {} lies between {} and {} (best tried: {}){}; refine the grid there",
            name, texts[0], texts[1], texts[2],
            summary.below ? ""
                          : fmt::format(", the lowest rate tried, still improving when training "
                                        "ended")));
      }
    }
    by_optimizer[name] = std::move(entry);
  }
  report["by_optimizer"] = std::move(by_optimizer);
  report["advice"] = std::move(advice);

  std::size_t diverged = 0;
  std::size_t failed = 0;
  std::size_t finished = 0;
  std::string first_error;
  std::map<std::string, std::set<double>> diverged_rates;
  // Per optimizer, every trial's (rate, diverged), for the summary of where
  // a random search diverged.
  std::map<std::string, std::vector<std::pair<double, bool>>> tried;
  for (const TrialRecord& trial : sweep.trials) {
    const auto rate = learning_rate_of(trial);
    if (rate) tried[optimizer_of(trial)].emplace_back(*rate, trial.status == "diverged");
    if (trial.status == "diverged") {
      ++diverged;
      if (rate) diverged_rates[optimizer_of(trial)].insert(*rate);
    }
    if (trial.status == "failed") {
      ++failed;
      if (first_error.empty()) first_error = trial.error;
    }
    if (trial.status == "completed" || trial.status == "diverged" || trial.status == "failed" ||
        trial.status == "pruned")
      ++finished;
  }
  const std::size_t total = sweep.trials.size();
  if (diverged > 0) {
    std::string where;
    for (auto& [name, rates] : diverged_rates)
      where +=
          fmt::format("{}{} {}", where.empty() ? "" : "; ", name.empty() ? "(no optimizer)" : name,
                      diverged_text(rates, tried[name]));
    warnings.push_back(fmt::format("{} of {} trials diverged{}", diverged, total,
                                   where.empty() ? "" : ": " + where));
  }
  // What the loaders said of the validation part (sorted rows, one class);
  // a sweep stored before they said it has only the count of classes.
  const auto data_warnings = sweep.data.find("warnings");
  const auto validation_classes = sweep.data.find("validation_classes");
  if (data_warnings != sweep.data.end() && data_warnings->is_array()) {
    for (const json& warning : *data_warnings)
      if (warning.is_string()) warnings.push_back(warning.get<std::string>());
  } else if (validation_classes != sweep.data.end() && validation_classes->is_number() &&
             validation_classes->get<int>() == 1) {
    warnings.push_back(
        "the validation part holds a single class: its metrics cannot tell the trials apart "
        "(shuffle the rows, or give a validation file)");
  }
  if (failed > 0)
    warnings.push_back(fmt::format("{} of {} trials failed{}", failed, total,
                                   first_error.empty() ? "" : "; the first error: " + first_error));
  if (!ranking.empty() && !is_rankable(ranking.front()))
    warnings.push_back(fmt::format("no trial produced a finite {}; there is no best configuration",
                                   sweep.objective_metric));
  if (ranking.size() >= 2 && ranking[0].tied && ranking[1].tied)
    warnings.push_back(fmt::format(
        "the best configuration is tied with the one ranked 2 ({}): their means differ by less "
        "than the combined standard error; more repeats would separate them",
        describe_config(ranking[1].config)));
  std::size_t tied = 0;
  for (std::size_t i = 2; i < ranking.size(); ++i)
    if (ranking[i].tied) ++tied;
  if (tied > 0)
    warnings.push_back(
        fmt::format("{} configuration{} below rank 2 {} tied with a neighbour in the ranking", tied,
                    tied == 1 ? "" : "s", tied == 1 ? "is" : "are"));
  if (!sweep.status.empty() && sweep.status != "completed")
    warnings.push_back(
        fmt::format("the sweep is {}: {} of {} trials finished", sweep.status, finished, total));
  report["warnings"] = std::move(warnings);
  return report;
}

}  // namespace sweep::reports
