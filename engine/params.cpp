#include "engine/params.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "engine/errors.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace {

std::string format_number(double value) {
  // Whole numbers in full ("1048576", not "1.04858e+06"): they are bounds.
  if (std::fabs(value) < 1e15 && std::floor(value) == value)
    return std::to_string(static_cast<long long>(value));
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

}  // namespace

std::string describe_param_value(const ParamValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return format_number(*number);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  return "\"" + std::get<std::string>(value) + "\"";
}

std::string check_param(const ParamSpec& spec, const ParamValue& value) {
  switch (spec.kind) {
    case ParamSpec::Kind::boolean:
      return std::holds_alternative<bool>(value) ? "" : "true or false";
    case ParamSpec::Kind::string: {
      const auto* text = std::get_if<std::string>(&value);
      std::string accepted = spec.choices.empty() ? "a string" : "one of: " + join(spec.choices);
      if (spec.accepts_index) {
        accepted = "a column name or a 0-based column index";
        const auto* number = std::get_if<double>(&value);
        if (number != nullptr)
          return *number >= 0 && *number < 1e9 && std::floor(*number) == *number ? "" : accepted;
      }
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
      std::string accepted = bounds_text(spec);
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
    // Compared through a copy: clang 14 cannot capture a structured binding.
    const std::string& name = key;
    const auto found = std::find_if(spec_.params.begin(), spec_.params.end(),
                                    [&](const ParamSpec& p) { return p.name == name; });
    if (found == spec_.params.end()) {
      throw ConfigError(spec_.name + ": " +
                        (known.empty() ? "unknown parameter \"" + key + "\"; it takes none"
                                       : unknown_name_message("parameter", key, known)));
    }
    const std::string accepted = check_param(*found, value);
    if (!accepted.empty()) {
      throw ConfigError(spec_.name + "." + key + ": " + describe_param_value(value) +
                        " is not accepted; expected " + accepted);
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
  if (const auto* number = std::get_if<double>(&v)) return format_number(*number);  // an index
  throw ConfigError(spec_.name + "." + std::string{name} + ": expected a string");
}

bool ParamReader::has(std::string_view name) const {
  return params_.find(name) != params_.end();
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
