// Components chosen by name with a flat map of parameters, as a sweep spec
// names them ({"name": "adam", "learning_rate": 0.001, "amsgrad": true}).
// Every family (layers, optimizers, losses, metrics, schedules, datasets)
// describes the parameters it accepts with ParamSpec, so that the runner can
// validate a spec generically and the engine can re-check in its factories.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sweep::engine {

using ParamValue = std::variant<double, bool, std::string>;
using Params = std::map<std::string, ParamValue, std::less<>>;

struct Component {
  std::string name;
  Params params;
};

struct ParamSpec {
  enum class Kind { number, integer, boolean, string };
  std::string name;
  Kind kind = Kind::number;
  ParamValue default_value = 0.0;
  // Bounds for number and integer kinds.
  double min = -1e300;
  double max = 1e300;
  bool min_exclusive = false;
  bool max_exclusive = false;
  // Accepted values for the string kind; empty = any string.
  std::vector<std::string> choices;
  // String kind: a non-negative integer is accepted too, read as its decimal
  // text (a CSV column by name or 0-based index).
  bool accepts_index = false;
  // String kind: a file or folder; the runner resolves it against the spec's folder.
  bool is_path = false;
  std::string help;  // one line for the README and `sweep --help`-like listings
};

// The accepted parameters of one named component.
struct ComponentSpec {
  std::string name;
  std::vector<ParamSpec> params;
  std::string help;
};

// Checks `value` against `spec`; returns an empty string when it is accepted,
// otherwise what is accepted ("a number > 0", "one of: a, b, c", "true or false").
std::string check_param(const ParamSpec& spec, const ParamValue& value);

// A value as messages and `sweep components` write it: 0.001, true, "linear".
std::string describe_param_value(const ParamValue& value);

// Reads a parameter with its spec's default. Throws ConfigError naming the
// component and parameter when a value has the wrong type or is out of range,
// or when `params` holds a key the spec does not know.
class ParamReader {
 public:
  ParamReader(const ComponentSpec& spec, const Params& params);  // validates all keys
  double number(std::string_view name) const;
  long long integer(std::string_view name) const;
  bool boolean(std::string_view name) const;
  std::string string(std::string_view name) const;
  bool has(std::string_view name) const;  // given explicitly
  const ComponentSpec& spec() const { return spec_; }

 private:
  const ParamValue& value(std::string_view name) const;
  const ComponentSpec& spec_;
  const Params& params_;
};

// "a, b, c" in the given order.
std::string join(const std::vector<std::string>& words, std::string_view separator = ", ");

}  // namespace sweep::engine
