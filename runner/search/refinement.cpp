#include "runner/search/refinement.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>

#include "runner/hashing.hpp"
#include "runner/spec/spec.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

// Two rates this close (relative) are the same grid point: generated values
// are rounded to 6 significant digits, so 1e-3 / 10 and a tried 1e-4 agree.
constexpr double kSameRate = 1e-5;
constexpr double kHalfDecade = 0.5;
constexpr double kFinestStep = 0.125;  // decades
constexpr int kExtendSteps = 4;        // 2 decades in half-decade steps

double shifted(double rate, double decades) {
  return round6(rate * std::pow(10.0, decades));
}

std::optional<double> number_at(const json& value) {
  if (value.is_number()) return value.get<double>();
  return std::nullopt;
}

std::string advice_from(const RateBracket& bracket) {
  if (!bracket.best) return "";
  if (bracket.below && bracket.above) return "refine";
  if (bracket.above) return "extend_low";
  if (bracket.below) return "extend_high";
  return "extend_both";
}

// Whether the report's advice agrees with the bracket (it names a side that
// has a neighbour only where it refines).
bool consistent(const std::string& advice, const RateBracket& bracket) {
  if (!bracket.best) return advice.empty();
  if (advice == "refine") return bracket.below && bracket.above;
  if (advice == "extend_low") return !bracket.below;
  if (advice == "extend_high") return !bracket.above;
  return false;
}

std::string list_text(const std::vector<double>& rates) {
  std::string text;
  for (double rate : rates) text += (text.empty() ? "" : ", ") + fmt::format("{}", rate);
  return text;
}

}  // namespace

RateBracket read_bracket(const json& entry) {
  RateBracket bracket;
  bracket.best = number_at(entry.value("best_learning_rate", json()));
  std::set<double> tried;
  for (const auto& rate : entry.value("learning_rates", json::array()))
    if (rate.is_number()) tried.insert(rate.get<double>());
  if (bracket.best) {
    const json reported = entry.value("bracket", json());
    if (reported.is_array() && reported.size() == 2) {
      bracket.below = number_at(reported[0]);
      bracket.above = number_at(reported[1]);
    } else {
      const auto above = tried.upper_bound(*bracket.best);
      if (above != tried.end()) bracket.above = *above;
      const auto at = tried.lower_bound(*bracket.best);
      if (at != tried.begin()) bracket.below = *std::prev(at);
    }
  }
  const json advice = entry.value("advice", json());
  bracket.advice = advice.is_string() && consistent(advice.get<std::string>(), bracket)
                       ? advice.get<std::string>()
                       : advice_from(bracket);
  return bracket;
}

std::vector<double> next_rates(const RateBracket& bracket, double lowest) {
  std::vector<double> rates;
  if (!bracket.best) {
    for (int k = kExtendSteps; k >= 1; --k) rates.push_back(shifted(lowest, -kHalfDecade * k));
    return rates;
  }
  const double best = *bracket.best;
  if (bracket.advice != "refine") {
    const int from = bracket.advice == "extend_high" ? 0 : -kExtendSteps;
    const int to = bracket.advice == "extend_low" ? 0 : kExtendSteps;
    for (int k = from; k <= to; ++k)
      rates.push_back(k == 0 ? best : shifted(best, kHalfDecade * k));
    return rates;
  }
  const double low = *bracket.below * (1.0 + kSameRate);
  const double high = *bracket.above * (1.0 - kSameRate);
  for (double step = kHalfDecade;; step /= 2) {
    std::vector<double> lower;
    std::vector<double> upper;
    for (int k = 1; shifted(best, -step * k) > low; ++k) lower.push_back(shifted(best, -step * k));
    for (int k = 1; shifted(best, step * k) < high; ++k) upper.push_back(shifted(best, step * k));
    if ((lower.empty() || upper.empty()) && step > kFinestStep) continue;
    rates.assign(lower.rbegin(), lower.rend());
    rates.push_back(best);
    rates.insert(rates.end(), upper.begin(), upper.end());
    return rates;
  }
}

Refinement refine_sweep(const json& stored_spec, const json& report) {
  const std::string name = stored_spec.value("name", "");
  const json by_optimizer = report.value("by_optimizer", json::object());
  if (!by_optimizer.is_object() || by_optimizer.empty())
    throw std::runtime_error("sweep \"" + name + "\" has no trial with a learning rate to refine");

  std::set<std::string> unfinished;
  for (const auto& trial : report.value("trials", json::array())) {
    const json optimizer = trial.value("params", json::object()).value("optimizer", json());
    const std::string status = trial.value("status", "");
    if (optimizer.is_string() &&
        (status == "pending" || status == "running" || status == "interrupted"))
      unfinished.insert(optimizer.get<std::string>());
  }

  Refinement out;
  std::map<std::string, json> rates;
  std::string summary;
  for (const auto& [optimizer, entry] : by_optimizer.items()) {
    std::vector<double> tried;
    for (const auto& rate : entry.value("learning_rates", json::array()))
      if (rate.is_number()) tried.push_back(rate.get<double>());
    if (tried.empty()) continue;
    std::sort(tried.begin(), tried.end());
    const RateBracket bracket = read_bracket(entry);
    std::vector<double> next;
    std::string how;
    if (!bracket.best && unfinished.count(optimizer) != 0) {
      next = tried;
      how = "no value yet and trials still to run; its rates are kept";
    } else if (!bracket.best) {
      next = next_rates(bracket, tried.front());
      how = fmt::format("no value at any rate; below the lowest tried, {}", tried.front());
    } else {
      next = next_rates(bracket, tried.front());
      how = fmt::format("best {}, {}", *bracket.best, bracket.advice);
    }
    json values = json::array();
    for (double rate : next) values.push_back(canonical(json(rate)));
    rates[optimizer] = values;
    out.notes.push_back(fmt::format("{}: {}: {}", optimizer, how, list_text(next)));
    summary += fmt::format("{}{} {}", summary.empty() ? "" : "; ", optimizer,
                           bracket.best ? fmt::format("{} {}", *bracket.best, bracket.advice)
                                        : std::string{"no value"});
  }
  if (rates.empty())
    throw std::runtime_error("sweep \"" + name + "\" has no trial with a learning rate to refine");

  json spec = stored_spec;
  spec["name"] = name + "-refined";
  spec["description"] = "sweep " + name +
                        "'s learning rates refined around each optimizer's best, or extended "
                        "beyond an edge (" +
                        summary + ")";
  if (!spec.contains("search") || !spec["search"].is_object()) spec["search"] = json::object();
  json& parameters = spec["search"]["parameters"];
  if (!parameters.is_object()) parameters = json::object();
  // Any learning-rate axis gives way to the per-optimizer rates.
  json shared_rates;
  for (auto it = parameters.begin(); it != parameters.end();) {
    if (axis_path(it.key()) == "training.optimizer.learning_rate") {
      shared_rates = it.value();
      it = parameters.erase(it);
    } else {
      ++it;
    }
  }
  if (parameters.contains("optimizer")) {
    const json choices = parameters["optimizer"].is_array()
                             ? parameters["optimizer"]
                             : json::array({parameters["optimizer"]});
    json refined = json::array();
    for (const auto& choice : choices) {
      json object = choice.is_string() ? json{{"name", choice}} : choice;
      const std::string optimizer = object.value("name", "");
      if (const auto found = rates.find(optimizer); found != rates.end()) {
        object["learning_rate"] = found->second;
      } else if (!shared_rates.is_null() && !object.contains("learning_rate")) {
        object["learning_rate"] = shared_rates;  // never tried: as the sweep had it
      }
      refined.push_back(object);
    }
    parameters["optimizer"] = refined;
  } else {
    const std::string optimizer =
        spec.value("training", json::object()).value("optimizer", json::object()).value("name", "");
    const auto found = rates.find(optimizer);
    if (found == rates.end())
      throw std::runtime_error("sweep \"" + name + "\" has no learning rate of " + optimizer +
                               " to refine");
    parameters["learning_rate"] = found->second;
  }
  out.spec = spec;
  return out;
}

}  // namespace sweep::runner
