// The next sweep after a finished (or partial) one: for each optimizer, a
// learning-rate grid refined around its best rate, or extended beyond it where
// the best sits at the edge of the rates tried. `sweep suggest` writes it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sweep::runner {

// Where one optimizer's best learning rate sits among the rates tried.
struct RateBracket {
  std::optional<double> best;   // none: no trial of it produced a value
  std::optional<double> below;  // the nearest tried rate below the best
  std::optional<double> above;  // the nearest tried rate above it
  // "refine" (tried neighbours on both sides), "extend_low" (the best is the
  // lowest rate tried), "extend_high" (the highest), "extend_both" (the only
  // one), or empty without a best.
  std::string advice;
};

// From report.json's by_optimizer{name} entry: its `bracket` and `advice` when
// present, else computed from `learning_rates` and `best_learning_rate`.
RateBracket read_bracket(const nlohmann::json& by_optimizer_entry);

// The rates to try next, ascending, rounded to 6 significant digits:
// refine: half-decade steps (x10^0.5) strictly between the bracket's ends, the
//   best included; where the tried rates were already that close, quarter- or
//   eighth-decade steps, so each side gets at least one new rate;
// extend_low / extend_high: the best and 2 decades beyond it in half-decade
//   steps; extend_both: 2 decades either side;
// no best: 2 decades below the lowest rate tried (`lowest`), in half-decade
//   steps, that rate excluded.
std::vector<double> next_rates(const RateBracket& bracket, double lowest);

struct Refinement {
  nlohmann::json spec;  // the runnable spec, named NAME-refined
  // One line per optimizer: "adam: best 0.001, refine: 0.000316, 0.001, 0.00316".
  std::vector<std::string> notes;
};

// `stored_spec` is the sweep's resolved spec as stored, `report` its
// report.json (reports::build_report). Every search axis but the learning
// rate keeps its values; the learning rates move under each optimizer choice.
// An optimizer without a value whose trials are not all finished keeps its
// rates (the sweep is still under way). Throws std::runtime_error when the
// sweep tried no learning rate at all.
Refinement refine_sweep(const nlohmann::json& stored_spec, const nlohmann::json& report);

}  // namespace sweep::runner
