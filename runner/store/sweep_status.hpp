// The life of a sweep as an explicit state machine, beside TrialStatus: the
// storage refuses any change this table does not allow.
#pragma once

#include <optional>
#include <string_view>

namespace sweep::runner {

enum class SweepStatus { running, completed, interrupted, failed };

// "running", "completed", ... as stored in the database and shown to users.
std::string_view to_string(SweepStatus status);
std::optional<SweepStatus> parse_sweep_status(std::string_view text);

// The allowed transitions:
//   running     -> completed, interrupted, failed
//   completed   -> running   (the same spec run again: new trials, or none)
//   interrupted -> running   (resume)
//   failed      -> running   (resume after the storage or lease failure)
// running -> running is allowed too: a process that takes over a sweep whose
// owner died (kill -9) finds it still running.
bool can_transition(SweepStatus from, SweepStatus to);

}  // namespace sweep::runner
