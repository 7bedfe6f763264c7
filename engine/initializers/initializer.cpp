#include "engine/initializers/initializer.hpp"

#include <algorithm>
#include <cmath>

#include "engine/errors.hpp"
#include "engine/initializers/random.hpp"
#include "engine/params.hpp"

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

}  // namespace

const std::vector<std::string>& initializer_names() {
  static const std::vector<std::string> names{"glorot_uniform", "glorot_normal", "he_normal",
                                              "he_uniform",     "lecun_normal",  "lecun_uniform",
                                              "zeros",          "ones"};
  return names;
}

void initialize(std::string_view name, Matrix& weights, std::size_t fan_in, std::size_t fan_out,
                Rng& rng) {
  const double in = static_cast<double>(fan_in);
  const double average = (static_cast<double>(fan_in) + static_cast<double>(fan_out)) / 2.0;
  if (name == "glorot_uniform")
    return variance_scaling(weights, 1.0, average, Distribution::uniform, rng);
  if (name == "glorot_normal") {
    return variance_scaling(weights, 1.0, average, Distribution::truncated_normal, rng);
  }
  if (name == "he_normal")
    return variance_scaling(weights, 2.0, in, Distribution::truncated_normal, rng);
  if (name == "he_uniform") return variance_scaling(weights, 2.0, in, Distribution::uniform, rng);
  if (name == "lecun_normal") {
    return variance_scaling(weights, 1.0, in, Distribution::truncated_normal, rng);
  }
  if (name == "lecun_uniform")
    return variance_scaling(weights, 1.0, in, Distribution::uniform, rng);
  if (name == "zeros") {
    weights.setZero();
    return;
  }
  if (name == "ones") {
    weights.setOnes();
    return;
  }
  std::string message = "unknown initializer \"" + std::string{name} + "\"";
  if (auto guess = did_you_mean(name, initializer_names()))
    message += "; did you mean \"" + *guess + "\"?";
  throw ConfigError(message + "; known: " + join(initializer_names()));
}

}  // namespace sweep::engine
