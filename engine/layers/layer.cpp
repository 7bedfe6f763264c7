#include "engine/layers/layer.hpp"

#include "engine/activations/activation.hpp"
#include "engine/errors.hpp"
#include "engine/initializers/initializer.hpp"
#include "engine/layers/activation_layer.hpp"
#include "engine/layers/dense.hpp"
#include "engine/layers/dropout.hpp"
#include "engine/registry.hpp"

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

// Keras has no default for these: the spec's default is only what listings show.
void require(const ParamReader& reader, const std::string& name, const std::string& accepted) {
  if (!reader.has(name)) {
    throw ConfigError(reader.spec().name + ": missing parameter \"" + name + "\"; expected " +
                      accepted);
  }
}

using LayerRegistry = Registry<std::unique_ptr<Layer>>;

const LayerRegistry& registry() {
  static const LayerRegistry layers{
      "layer",
      {
          {{"dense",
            {param("units", Kind::integer, 1.0, "output width (required)", 1, 1 << 20),
             choice("activation", "linear", activation_names(), "activation applied to the output"),
             choice("kernel_initializer", "glorot_uniform", initializer_names(),
                    "initial kernel weights"),
             param("use_bias", Kind::boolean, true, "add a bias"),
             param("l2", Kind::number, 0.0,
                   "L2 penalty on the kernel: l2 * sum(w^2) added to the loss", 0)},
            "fully connected layer"},
           [](const ParamReader& reader) -> std::unique_ptr<Layer> {
             require(reader, "units", "an integer from 1 to 1048576");
             return std::make_unique<Dense>(
                 DenseOptions{.units = static_cast<std::size_t>(reader.integer("units")),
                              .activation = parse_activation(reader.string("activation")),
                              .kernel_initializer = reader.string("kernel_initializer"),
                              .use_bias = reader.boolean("use_bias"),
                              .l2 = reader.number("l2")});
           }},
          {{"dropout",
            {param("rate", Kind::number, 0.5, "fraction of values dropped in training (required)",
                   0, 1, true)},
            "inverted dropout, active only in training"},
           [](const ParamReader& reader) -> std::unique_ptr<Layer> {
             require(reader, "rate", "a number in [0, 1)");
             return std::make_unique<Dropout>(reader.number("rate"));
           }},
          {{"activation",
            {choice("activation", "linear", activation_names(), "the activation (required)")},
            "a stand-alone activation"},
           [](const ParamReader& reader) -> std::unique_ptr<Layer> {
             require(reader, "activation", "one of: " + join(activation_names()));
             return std::make_unique<ActivationLayer>(
                 parse_activation(reader.string("activation")));
           }},
      }};
  return layers;
}

}  // namespace

const std::vector<ComponentSpec>& layer_specs() {
  return registry().specs();
}

std::vector<std::string> layer_names() {
  return registry().names();
}

std::unique_ptr<Layer> make_layer(const Component& component) {
  return registry().make(component);
}

}  // namespace sweep::engine
