#include "engine/initializers/initializer.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "engine/errors.hpp"
#include "engine/initializers/random.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace {

enum class Distribution { uniform, truncated_normal };

void variance_scaling(Matrix& weights, double scale, double fan, Distribution distribution,
                      Rng& rng) {
  const double variance = scale / std::max(1.0, fan);
  float* data = weights.data();
  const Eigen::Index size = weights.size();
  if (distribution == Distribution::uniform) {
    const double limit = std::sqrt(3.0 * variance);
    for (Eigen::Index i = 0; i < size; ++i) {
      data[i] = static_cast<float>((2.0 * uniform01(rng) - 1.0) * limit);
    }
    return;
  }
  // Keras: stddev of a unit normal truncated to [-2, 2] is 0.87962566103423978.
  const double stddev = std::sqrt(variance) / 0.87962566103423978;
  for (Eigen::Index i = 0; i < size; ++i) {
    double z = standard_normal(rng);
    while (std::abs(z) > 2.0) z = standard_normal(rng);
    data[i] = static_cast<float>(z * stddev);
  }
}

// Fills weights (fan_in x fan_out) by one rule.
using Rule = std::function<void(Matrix& weights, double fan_in, double fan_out, Rng& rng)>;
using InitializerRegistry = Registry<Rule>;

// scale / fan_in, or scale / the mean of fan_in and fan_out (Keras's modes
// fan_in and fan_avg).
InitializerRegistry::Entry scaling(std::string name, double scale, bool fan_avg,
                                   Distribution distribution) {
  return {{std::move(name), {}, {}}, [=](const ParamReader&) -> Rule {
            return [=](Matrix& weights, double fan_in, double fan_out, Rng& rng) {
              const double fan = fan_avg ? (fan_in + fan_out) / 2.0 : fan_in;
              variance_scaling(weights, scale, fan, distribution, rng);
            };
          }};
}

InitializerRegistry::Entry constant(std::string name, float value) {
  return {{std::move(name), {}, {}}, [=](const ParamReader&) -> Rule {
            return [=](Matrix& weights, double, double, Rng&) { weights.setConstant(value); };
          }};
}

const InitializerRegistry& registry() {
  using enum Distribution;
  static const InitializerRegistry initializers{
      "initializer",
      {
          scaling("glorot_uniform", 1.0, true, uniform),
          scaling("glorot_normal", 1.0, true, truncated_normal),
          scaling("he_normal", 2.0, false, truncated_normal),
          scaling("he_uniform", 2.0, false, uniform),
          scaling("lecun_normal", 1.0, false, truncated_normal),
          scaling("lecun_uniform", 1.0, false, uniform),
          constant("zeros", 0.0f),
          constant("ones", 1.0f),
      }};
  return initializers;
}

}  // namespace

const std::vector<std::string>& initializer_names() {
  return registry().names();
}

void initialize(std::string_view name, Matrix& weights, std::size_t fan_in, std::size_t fan_out,
                Rng& rng) {
  const Rule rule = registry().make({std::string{name}, {}});
  rule(weights, static_cast<double>(fan_in), static_cast<double>(fan_out), rng);
}

}  // namespace sweep::engine
