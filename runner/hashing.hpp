// Stable identities: canonical JSON (sorted keys, integral numbers written as
// integers, so 32 and 32.0 agree) hashed with FNV-1a 64. Never std::hash,
// whose values differ between standard libraries and runs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sweep::runner {

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed = 0xcbf29ce484222325ULL);
std::string hex64(std::uint64_t value);  // 16 lower-case hex digits

// The canonical form of a JSON value: object keys sorted, integral numbers of
// magnitude below 2^53 as integers, other numbers as doubles.
nlohmann::json canonical(const nlohmann::json& value);
std::string canonical_dump(const nlohmann::json& value);
std::string hash_json(const nlohmann::json& value);  // hex64(fnv1a64(canonical_dump))

// `value` rounded to 6 significant digits, so that a logspace's 1e-3 equals a
// typed 0.001.
double round6(double value);

// The seed of one trial, from the sweep's seed, the config hash and the repeat.
std::uint64_t trial_seed(std::uint64_t sweep_seed, const std::string& config_hash, int repeat);

}  // namespace sweep::runner
