// What a trial's model will take in memory, estimated from its config before
// anything is allocated, so that a model no machine could hold is refused with
// the estimate instead of failing partway (or being killed by the OOM killer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace sweep::runner {

struct MemoryEstimate {
  double parameters = 0;  // weights and biases of every dense layer
  // Bytes in float32: the weights, their gradients, up to two optimizer slots
  // and the best epoch's copy (5 per parameter), and three activations per
  // unit for the larger of a training batch and evaluation's 256 rows.
  double bytes = 0;
};

// `model` is a trial's resolved model config ({"layers": [...]}); layers
// without "units" (activation, dropout) keep the width before them.
MemoryEstimate estimate_trial_memory(const nlohmann::json& model, std::size_t features,
                                     std::size_t batch_size);

// This machine's physical memory in bytes (0 when unknown).
std::uint64_t physical_memory_bytes();

// "4.0 TiB", "512.0 MiB", "37.0 KiB": a size as messages give it.
std::string describe_bytes(double bytes);

}  // namespace sweep::runner
