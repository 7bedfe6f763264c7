#include "runner/hashing.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sweep::runner {

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (const unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string hex64(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

nlohmann::json canonical(const nlohmann::json& value) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) out[key] = canonical(item);
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(canonical(item));
    return out;
  }
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (std::isfinite(number) && std::floor(number) == number &&
        std::fabs(number) < 9007199254740992.0) {
      return static_cast<std::int64_t>(number);
    }
  }
  if (value.is_number_unsigned()) return static_cast<std::int64_t>(value.get<std::uint64_t>());
  return value;
}

std::string canonical_dump(const nlohmann::json& value) {
  return canonical(value).dump();
}

std::string hash_json(const nlohmann::json& value) {
  return hex64(fnv1a64(canonical_dump(value)));
}

double round6(double value) {
  if (!std::isfinite(value) || value == 0.0) return value;
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return std::strtod(text, nullptr);
}

std::uint64_t trial_seed(std::uint64_t sweep_seed, const std::string& config_hash, int repeat) {
  const std::string key =
      std::to_string(sweep_seed) + "/" + config_hash + "/" + std::to_string(repeat);
  return fnv1a64(key);
}

}  // namespace sweep::runner
