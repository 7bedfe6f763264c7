// The life of a trial as an explicit state machine, in the manner of Optuna's
// TrialState: the store refuses any change this table does not allow, so a
// finished trial can never be overwritten by a late or duplicated worker.
#pragma once

#include <optional>
#include <string_view>

namespace sweep::runner {

enum class TrialStatus { pending, running, completed, diverged, pruned, failed, interrupted };

// "pending", "running", ... as stored in the database and shown to users.
std::string_view to_string(TrialStatus status);
std::optional<TrialStatus> parse_trial_status(std::string_view text);

// The allowed transitions:
//   pending     -> running
//   running     -> completed, diverged, pruned, failed, interrupted
//   interrupted -> running
//   failed      -> running
// running -> running is not allowed: a trial left running by a crash is first
// marked interrupted by Storage::recover_interrupted. A finished trial
// (completed, diverged, pruned) never changes.
bool can_transition(TrialStatus from, TrialStatus to);

// True for the trials a run or resume must (re)run: pending, running (left by
// a crash), interrupted and failed.
bool needs_run(TrialStatus status);

// True for completed, diverged and pruned: outcomes that are final.
bool is_finished(TrialStatus status);

}  // namespace sweep::runner
