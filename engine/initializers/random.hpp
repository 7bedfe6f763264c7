// Random draws with exactly specified algorithms. The standard library's
// distributions differ between implementations, so every draw the engine makes
// (initialisation, shuffling, dropout) goes through these functions: the same
// seed gives the same numbers with libstdc++, libc++ and MSVC alike.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/tensor.hpp"

namespace sweep::engine {

// Uniform in [0, 1) from the top 53 bits of one draw.
inline double uniform01(Rng& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Uniform integer in [0, n), n > 0, without modulo bias (rejection sampling).
inline std::uint64_t uniform_below(Rng& rng, std::uint64_t n) {
  const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
  for (;;) {
    const std::uint64_t r = rng();
    if (r >= threshold) return r % n;
  }
}

// Standard normal by the Box-Muller transform (two uniforms per draw; the
// second variate is discarded so that no hidden state is kept).
inline double standard_normal(Rng& rng) {
  constexpr double two_pi = 6.283185307179586476925286766559;
  const double u1 = 1.0 - uniform01(rng);  // (0, 1]: log is finite
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(two_pi * u2);
}

}  // namespace sweep::engine
