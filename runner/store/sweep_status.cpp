#include "runner/store/sweep_status.hpp"

#include <array>
#include <utility>

namespace sweep::runner {
namespace {

constexpr std::array<std::pair<SweepStatus, std::string_view>, 4> kNames{{
    {SweepStatus::running, "running"},
    {SweepStatus::completed, "completed"},
    {SweepStatus::interrupted, "interrupted"},
    {SweepStatus::failed, "failed"},
}};

}  // namespace

std::string_view to_string(SweepStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<SweepStatus> parse_sweep_status(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

bool can_transition(SweepStatus from, SweepStatus to) {
  if (from == SweepStatus::running) return true;
  return to == SweepStatus::running;
}

}  // namespace sweep::runner
