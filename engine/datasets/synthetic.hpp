// Seeded synthetic classification sets for fast tests and demos: spirals (the
// CS231n spiral), moons, circles and blobs (as scikit-learn's make_*), and
// xor. Every draw comes from std::mt19937_64 through transforms written out
// here (not <random>'s distributions, whose output differs between standard
// libraries), so a seed gives the same data everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/datasets/dataset.hpp"
#include "engine/datasets/preparation.hpp"

namespace sweep::engine {

struct SyntheticOptions {
  std::string kind = "spirals";  // spirals, moons, circles, blobs, xor
  std::size_t samples = 1500;    // training + validation rows; the test set adds samples / 5
  std::size_t classes = 3;       // spirals and blobs; moons, circles and xor have 2
  std::size_t features = 2;      // blobs; the others are 2-d
  double noise = 0.2;            // std of the Gaussian noise (spirals: on the angle)
  double factor = 0.5;           // circles: inner radius / outer radius
  double cluster_std = 1.0;      // blobs
  double validation_split = 0.1;
  SplitMode split_mode = SplitMode::stratified;
};

// Generates the rows in class order, shuffles them once (seeded) and splits
// off validation_split as validation (split_mode); the test set comes from an
// independent stream of the same seed. Standardised on the training part.
Dataset make_synthetic(const SyntheticOptions& options, std::uint64_t seed);

namespace detail {

// Uniform and normal draws from an Rng, the same on every platform.
class Draws {
 public:
  explicit Draws(std::uint64_t seed) : rng_(seed) {}
  double uniform();                  // [0, 1), 53 random bits
  double normal();                   // N(0, 1), Box-Muller
  std::size_t below(std::size_t n);  // uniform in [0, n), unbiased
 private:
  std::mt19937_64 rng_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// A well-mixed 64-bit seed for stream `stream` of `seed` (SplitMix64).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

}  // namespace detail
}  // namespace sweep::engine
