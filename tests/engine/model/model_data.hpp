// Small seeded data sets and models for the trainer's tests, generated in
// the test so that they do not depend on the dataset loaders.
#pragma once

#include <cstdint>
#include <string>

#include "engine/datasets/dataset.hpp"
#include "engine/model.hpp"

namespace sweep::engine::testing {

struct TrainValidation {
  Split train;
  Split validation;
};

// Three interleaved spirals (the CS231n construction, as the engine's own
// generator): class c, point i of n: r = i / (n - 1),
// theta = 4c + 4r + noise * N(0, 1), x = (r sin theta, r cos theta).
// Shuffled, then the last `validation_share` of the rows is the validation part.
TrainValidation spirals(std::size_t per_class, double noise, double validation_share,
                        std::uint64_t seed);

// dense(hidden, relu) x len(hidden) -> dense(classes, softmax), built on `rng`.
Sequential mlp(std::size_t inputs, std::initializer_list<int> hidden, int classes, Rng& rng,
               const std::string& optimizer = "adam", double learning_rate = 0.01);

}  // namespace sweep::engine::testing
