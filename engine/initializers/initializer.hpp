// Kernel initializers with Keras 3's names and variance-scaling rules:
// glorot_uniform (default), glorot_normal, he_normal, he_uniform,
// lecun_normal, lecun_uniform, zeros, ones. The *_normal ones draw from a
// normal truncated at two standard deviations, rescaled as Keras does so that
// the variance is still scale / fan.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tensor.hpp"

namespace sweep::engine {

const std::vector<std::string>& initializer_names();

// Fills `weights` (already sized fan_in x fan_out) by the named rule.
// Throws ConfigError for an unknown name.
void initialize(std::string_view name, Matrix& weights, std::size_t fan_in, std::size_t fan_out,
                Rng& rng);

}  // namespace sweep::engine
