// The trial state machine: every pair of states against the documented table.
#include <catch2/catch.hpp>

#include <set>
#include <utility>

#include "runner/store/trial_status.hpp"

using sweep::runner::can_transition;
using sweep::runner::needs_run;
using sweep::runner::parse_trial_status;
using sweep::runner::TrialStatus;

namespace {

const TrialStatus kAll[] = {TrialStatus::pending,    TrialStatus::running, TrialStatus::completed,
                            TrialStatus::diverged,   TrialStatus::pruned,  TrialStatus::failed,
                            TrialStatus::interrupted};

}  // namespace

TEST_CASE("trial status: names round-trip and unknown names are refused", "[store]") {
  for (TrialStatus status : kAll) {
    CHECK(parse_trial_status(to_string(status)) == status);
  }
  CHECK(to_string(TrialStatus::interrupted) == "interrupted");
  CHECK_FALSE(parse_trial_status("Completed"));
  CHECK_FALSE(parse_trial_status(""));
}

TEST_CASE("trial status: only the documented transitions are allowed", "[store]") {
  using S = TrialStatus;
  const std::set<std::pair<S, S>> allowed = {
      {S::pending, S::running},     {S::running, S::completed}, {S::running, S::diverged},
      {S::running, S::pruned},      {S::running, S::failed},    {S::running, S::interrupted},
      {S::interrupted, S::running}, {S::failed, S::running},
  };
  for (S from : kAll) {
    for (S to : kAll) {
      INFO(to_string(from) << " -> " << to_string(to));
      CHECK(can_transition(from, to) == (allowed.count({from, to}) == 1));
    }
  }
}

TEST_CASE("trial status: a run or resume reruns exactly the unfinished trials", "[store]") {
  CHECK(needs_run(TrialStatus::pending));
  CHECK(needs_run(TrialStatus::running));
  CHECK(needs_run(TrialStatus::interrupted));
  CHECK(needs_run(TrialStatus::failed));
  CHECK_FALSE(needs_run(TrialStatus::completed));
  CHECK_FALSE(needs_run(TrialStatus::diverged));
  CHECK_FALSE(needs_run(TrialStatus::pruned));
}
