#include "engine/params.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "engine/errors.hpp"

namespace sweep::engine {
namespace {

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string bounds_text(const ParamSpec& spec) {
  const bool has_min = spec.min > -1e299;
  const bool has_max = spec.max < 1e299;
  const char* what = spec.kind == ParamSpec::Kind::integer ? "an integer" : "a number";
  std::string text = what;
  if (has_min && has_max) {
    text += std::string{" in "} + (spec.min_exclusive ? "(" : "[") + format_number(spec.min) +
            ", " + format_number(spec.max) + (spec.max_exclusive ? ")" : "]");
  } else if (has_min) {
    text += std::string{spec.min_exclusive ? " > " : " >= "} + format_number(spec.min);
  } else if (has_max) {
    text += std::string{spec.max_exclusive ? " < " : " <= "} + format_number(spec.max);
  }
  return text;
}

std::string describe(const ParamValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return format_number(*number);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  return "\"" + std::get<std::string>(value) + "\"";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string check_param(const ParamSpec& spec, const ParamValue& value) {
  switch (spec.kind) {
    case ParamSpec::Kind::boolean:
      return std::holds_alternative<bool>(value) ? "" : "true or false";
    case ParamSpec::Kind::string: {
      const auto* text = std::get_if<std::string>(&value);
      std::string accepted = spec.choices.empty() ? "a string" : "one of: " + join(spec.choices);
      if (text == nullptr) return accepted;
      if (!spec.choices.empty() &&
          std::find(spec.choices.begin(), spec.choices.end(), *text) == spec.choices.end()) {
        return accepted;
      }
      return "";
    }
    case ParamSpec::Kind::number:
    case ParamSpec::Kind::integer: {
      const auto* number = std::get_if<double>(&value);
      const std::string accepted = bounds_text(spec);
      if (number == nullptr || !std::isfinite(*number)) return accepted;
      if (spec.kind == ParamSpec::Kind::integer && std::floor(*number) != *number) return accepted;
      if (*number < spec.min || (spec.min_exclusive && *number == spec.min)) return accepted;
      if (*number > spec.max || (spec.max_exclusive && *number == spec.max)) return accepted;
      return "";
    }
  }
  return "";
}

ParamReader::ParamReader(const ComponentSpec& spec, const Params& params)
    : spec_(spec), params_(params) {
  std::vector<std::string> known;
  for (const auto& p : spec_.params) known.push_back(p.name);
  for (const auto& [key, value] : params_) {
    const auto found = std::find_if(spec_.params.begin(), spec_.params.end(),
                                    [&](const ParamSpec& p) { return p.name == key; });
    if (found == spec_.params.end()) {
      std::string message = spec_.name + ": unknown parameter \"" + key + "\"";
      if (auto guess = did_you_mean(key, known)) message += "; did you mean \"" + *guess + "\"?";
      message += known.empty() ? "; it takes none" : "; known: " + join(known);
      throw ConfigError(message);
    }
    const std::string accepted = check_param(*found, value);
    if (!accepted.empty()) {
      throw ConfigError(spec_.name + "." + key + ": " + describe(value) + " is not accepted; expected " +
                        accepted);
    }
  }
}

const ParamValue& ParamReader::value(std::string_view name) const {
  if (const auto given = params_.find(name); given != params_.end()) return given->second;
  for (const auto& p : spec_.params) {
    if (p.name == name) return p.default_value;
  }
  throw ConfigError(spec_.name + ": no parameter \"" + std::string{name} + "\"");
}

double ParamReader::number(std::string_view name) const {
  const auto& v = value(name);
  if (const auto* number = std::get_if<double>(&v)) return *number;
  if (const auto* flag = std::get_if<bool>(&v)) return *flag ? 1.0 : 0.0;
  throw ConfigError(spec_.name + "." + std::string{name} + ": expected a number");
}

long long ParamReader::integer(std::string_view name) const {
  return static_cast<long long>(std::llround(number(name)));
}

bool ParamReader::boolean(std::string_view name) const {
  const auto& v = value(name);
  if (const auto* flag = std::get_if<bool>(&v)) return *flag;
  throw ConfigError(spec_.name + "." + std::string{name} + ": expected true or false");
}

std::string ParamReader::string(std::string_view name) const {
  const auto& v = value(name);
  if (const auto* text = std::get_if<std::string>(&v)) return *text;
  throw ConfigError(spec_.name + "." + std::string{name} + ": expected a string");
}

bool ParamReader::has(std::string_view name) const { return params_.find(name) != params_.end(); }

std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& known) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : known) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) text += separator;
    text += words[i];
  }
  return text;
}

}  // namespace sweep::engine
