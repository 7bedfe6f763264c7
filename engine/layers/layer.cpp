#include "engine/layers/layer.hpp"

#include "engine/activations/activation.hpp"
#include "engine/errors.hpp"
#include "engine/initializers/initializer.hpp"
#include "engine/layers/activation_layer.hpp"
#include "engine/layers/dense.hpp"
#include "engine/layers/dropout.hpp"

namespace sweep::engine {
namespace {

using Kind = ParamSpec::Kind;

ParamSpec param(std::string name, Kind kind, ParamValue default_value, std::string help,
                double min = -1e300, double max = 1e300, bool max_exclusive = false) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.default_value = std::move(default_value);
  spec.min = min;
  spec.max = max;
  spec.max_exclusive = max_exclusive;
  spec.help = std::move(help);
  return spec;
}

ParamSpec choice(std::string name, std::string default_value, std::vector<std::string> choices,
                 std::string help) {
  ParamSpec spec = param(std::move(name), Kind::string, std::move(default_value), std::move(help));
  spec.choices = std::move(choices);
  return spec;
}

const ComponentSpec& find_spec(const std::string& name) {
  for (const auto& spec : layer_specs()) {
    if (spec.name == name) return spec;
  }
  std::string message = "unknown layer \"" + name + "\"";
  if (auto guess = did_you_mean(name, layer_names()))
    message += "; did you mean \"" + *guess + "\"?";
  throw ConfigError(message + "; known: " + join(layer_names()));
}

void require(const ParamReader& reader, const ComponentSpec& spec, const std::string& name,
             const std::string& accepted) {
  if (!reader.has(name)) {
    throw ConfigError(spec.name + ": missing parameter \"" + name + "\"; expected " + accepted);
  }
}

}  // namespace

const std::vector<ComponentSpec>& layer_specs() {
  static const std::vector<ComponentSpec> specs{
      {"dense",
       {param("units", Kind::integer, 1.0, "output width (required)", 1),
        choice("activation", "linear", activation_names(), "activation applied to the output"),
        choice("kernel_initializer", "glorot_uniform", initializer_names(),
               "initial kernel weights"),
        param("use_bias", Kind::boolean, true, "add a bias"),
        param("l2", Kind::number, 0.0, "L2 penalty on the kernel: l2 * sum(w^2) added to the loss",
              0)},
       "fully connected layer"},
      {"dropout",
       {param("rate", Kind::number, 0.5, "fraction of values dropped in training (required)", 0, 1,
              true)},
       "inverted dropout, active only in training"},
      {"activation",
       {choice("activation", "linear", activation_names(), "the activation (required)")},
       "a stand-alone activation"},
  };
  return specs;
}

std::vector<std::string> layer_names() {
  std::vector<std::string> names;
  for (const auto& spec : layer_specs()) names.push_back(spec.name);
  return names;
}

std::unique_ptr<Layer> make_layer(const Component& component) {
  const ComponentSpec& spec = find_spec(component.name);
  const ParamReader reader(spec, component.params);
  if (spec.name == "dense") {
    require(reader, spec, "units", "an integer >= 1");
    DenseOptions options;
    options.units = static_cast<std::size_t>(reader.integer("units"));
    options.activation = parse_activation(reader.string("activation"));
    options.kernel_initializer = reader.string("kernel_initializer");
    options.use_bias = reader.boolean("use_bias");
    options.l2 = reader.number("l2");
    return std::make_unique<Dense>(options);
  }
  if (spec.name == "dropout") {
    require(reader, spec, "rate", "a number in [0, 1)");
    return std::make_unique<Dropout>(reader.number("rate"));
  }
  require(reader, spec, "activation", "one of: " + join(activation_names()));
  return std::make_unique<ActivationLayer>(parse_activation(reader.string("activation")));
}

}  // namespace sweep::engine
