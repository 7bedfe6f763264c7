#include "runner/memory_estimate.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <string>

namespace sweep::runner {

MemoryEstimate estimate_trial_memory(const nlohmann::json& model, std::size_t features,
                                     std::size_t batch_size) {
  constexpr double kFloat = 4;
  constexpr double kPerParameter = 5;   // weights, gradients, two slots, best copy
  constexpr double kPerActivation = 3;  // output, pre-activation, gradient
  constexpr double kEvaluationRows = 256;
  MemoryEstimate out;
  double width = static_cast<double>(features);
  double activations = 0;
  if (model.contains("layers") && model["layers"].is_array()) {
    for (const auto& layer : model["layers"]) {
      if (!layer.is_object() || !layer.contains("units") || !layer["units"].is_number()) continue;
      const double units = layer["units"].get<double>();
      out.parameters += (width + 1) * units;
      activations += units;
      width = units;
    }
  }
  const double rows = std::max(static_cast<double>(batch_size), kEvaluationRows);
  out.bytes = kFloat * (kPerParameter * out.parameters + kPerActivation * rows * activations);
  return out;
}

std::uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

std::string describe_bytes(double bytes) {
  static constexpr std::array<const char*, 6> kUnits = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < kUnits.size()) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} bytes", bytes)
                   : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

}  // namespace sweep::runner
