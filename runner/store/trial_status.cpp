#include "runner/store/trial_status.hpp"

#include <array>
#include <utility>

namespace sweep::runner {
namespace {

constexpr std::array<std::pair<TrialStatus, std::string_view>, 7> kNames{{
    {TrialStatus::pending, "pending"},
    {TrialStatus::running, "running"},
    {TrialStatus::completed, "completed"},
    {TrialStatus::diverged, "diverged"},
    {TrialStatus::pruned, "pruned"},
    {TrialStatus::failed, "failed"},
    {TrialStatus::interrupted, "interrupted"},
}};

}  // namespace

std::string_view to_string(TrialStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<TrialStatus> parse_trial_status(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

bool can_transition(TrialStatus from, TrialStatus to) {
  using S = TrialStatus;
  switch (from) {
    case S::pending:
    case S::interrupted:
    case S::failed:
      return to == S::running;
    case S::running:
      return to == S::completed || to == S::diverged || to == S::pruned || to == S::failed ||
             to == S::interrupted;
    case S::completed:
    case S::diverged:
    case S::pruned:
      return false;
  }
  return false;
}

bool needs_run(TrialStatus status) {
  return status == TrialStatus::pending || status == TrialStatus::running ||
         status == TrialStatus::interrupted || status == TrialStatus::failed;
}

bool is_finished(TrialStatus status) {
  return status == TrialStatus::completed || status == TrialStatus::diverged ||
         status == TrialStatus::pruned;
}

}  // namespace sweep::runner
