// Ranking: objective per trial, repeats averaged, diverged/failed last, ties.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "reports/ranking.hpp"
#include "tests/reports/synthetic_helpers.hpp"

using namespace sweep::reports;
using namespace sweep::reports::testing;

namespace {

// A trial whose val_accuracy per epoch is exactly `values`.
TrialRecord with_values(std::int64_t id, double rate, int repeat, std::vector<double> values,
                        std::string status = "completed") {
  TrialRecord trial = make_trial(id, "sgd", rate, repeat, static_cast<int>(values.size()),
                                 converging(2, 0.2, 0.9, 1.0), 1);
  for (std::size_t i = 0; i < values.size(); ++i)
    trial.epochs[i].metrics["val_accuracy"] = values[i];
  trial.status = std::move(status);
  return trial;
}

}  // namespace

TEST_CASE("trial_objective takes the best epoch of the objective metric", "[ranking]") {
  SweepRecord sweep = make_sweep({});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  TrialRecord trial = with_values(1, 0.1, 0, {0.5, 0.8, nan, 0.8, 0.7});
  int epoch = -1;
  const auto value = trial_objective(sweep, trial, &epoch);
  REQUIRE(value);
  CHECK(*value == 0.8);
  CHECK(epoch == 2);  // the earliest of equal values

  sweep.objective_metric = "val_accuracy";
  sweep.maximize = false;
  CHECK(*trial_objective(sweep, trial, &epoch) == 0.5);
  CHECK(epoch == 1);

  sweep.objective_metric = "val_f1_score";
  CHECK_FALSE(trial_objective(sweep, trial, &epoch));
  CHECK(epoch == 0);
  CHECK_FALSE(trial_objective(sweep, with_values(2, 0.1, 0, {nan, nan}), nullptr));
}

TEST_CASE("repeats are averaged with the sample standard deviation", "[ranking]") {
  SweepRecord sweep = make_sweep({with_values(1, 0.1, 0, {0.7}), with_values(2, 0.1, 1, {0.8}),
                                  with_values(3, 0.1, 2, {0.9}), with_values(4, 0.01, 0, {0.6})});
  const auto ranking = rank_configurations(sweep);
  REQUIRE(ranking.size() == 2);
  CHECK(ranking[0].config.at("learning_rate") == 0.1);
  CHECK(ranking[0].n == 3);
  CHECK(ranking[0].mean == Approx(0.8));
  CHECK(ranking[0].std == Approx(0.1));  // sample std of 0.7, 0.8, 0.9
  CHECK(ranking[0].min == 0.7);
  CHECK(ranking[0].max == 0.9);
  CHECK(ranking[0].trial_ids == std::vector<std::int64_t>{1, 2, 3});
  CHECK(ranking[0].rank == 1);
  CHECK(ranking[1].n == 1);
  CHECK(ranking[1].std == 0.0);
  CHECK(ranking[1].rank == 2);
  CHECK_FALSE(ranking[0].tied);
  CHECK_FALSE(ranking[1].tied);
}

TEST_CASE("minimised objectives rank the lowest mean first", "[ranking]") {
  SweepRecord sweep = make_sweep({with_values(1, 0.1, 0, {0.3}), with_values(2, 0.01, 0, {0.2})});
  sweep.maximize = false;
  const auto ranking = rank_configurations(sweep);
  CHECK(ranking[0].config.at("learning_rate") == 0.01);
  CHECK(ranking[0].mean == 0.2);
}

TEST_CASE("diverged, failed and valueless configurations rank last", "[ranking]") {
  // The diverged trial reached 0.95 before it blew up: that partial value must not win.
  TrialRecord diverged = with_values(1, 10.0, 0, {0.95}, "diverged");
  TrialRecord failed = with_values(2, 3.0, 0, {0.99}, "failed");
  TrialRecord pending = with_values(3, 5.0, 0, {});
  pending.status = "pending";
  SweepRecord sweep = make_sweep(
      {diverged, failed, pending, with_values(4, 0.1, 0, {0.6}), with_values(5, 0.01, 0, {0.4})});
  const auto ranking = rank_configurations(sweep);
  REQUIRE(ranking.size() == 5);
  CHECK(ranking[0].trial_ids == std::vector<std::int64_t>{4});
  CHECK(ranking[1].trial_ids == std::vector<std::int64_t>{5});
  CHECK(ranking[2].status == "pending");
  CHECK(ranking[3].status == "diverged");
  CHECK(ranking[4].status == "failed");
  CHECK(ranking[3].n == 0);
  CHECK(std::isnan(ranking[3].mean));
  CHECK_FALSE(is_rankable(ranking[3]));
  CHECK(ranking[4].rank == 5);
}

TEST_CASE("a configuration with one diverged repeat ranks by its other repeats", "[ranking]") {
  SweepRecord sweep =
      make_sweep({with_values(1, 1.0, 0, {0.9}), with_values(2, 1.0, 1, {0.1}, "diverged"),
                  with_values(3, 0.1, 0, {0.8})});
  const auto ranking = rank_configurations(sweep);
  CHECK(ranking[0].trial_ids == std::vector<std::int64_t>{1, 2});
  CHECK(ranking[0].status == "completed");  // the best status among its trials
  CHECK(ranking[0].n == 1);
  CHECK(ranking[0].mean == 0.9);
}

TEST_CASE("neighbours within the combined standard error are tied", "[ranking]") {
  // A: 0.80, 0.84 -> mean 0.82, std 0.0283, se 0.02. B: 0.79, 0.81 -> mean 0.80, se 0.01.
  // Combined se = sqrt(0.02^2 + 0.01^2) = 0.0224 > 0.02 difference: tied.
  // C: 0.70 alone, 0.10 below B with se 0 + 0.01: not tied.
  SweepRecord sweep = make_sweep({with_values(1, 0.1, 0, {0.80}), with_values(2, 0.1, 1, {0.84}),
                                  with_values(3, 0.3, 0, {0.79}), with_values(4, 0.3, 1, {0.81}),
                                  with_values(5, 0.01, 0, {0.70})});
  const auto ranking = rank_configurations(sweep);
  REQUIRE(ranking.size() == 3);
  CHECK(ranking[0].mean == Approx(0.82));
  CHECK(ranking[0].tied);
  CHECK(ranking[1].tied);
  CHECK_FALSE(ranking[2].tied);

  // Just outside: B moves down so the difference (0.025) exceeds the combined se (0.0224).
  sweep.trials[2].epochs[0].metrics["val_accuracy"] = 0.785;
  sweep.trials[3].epochs[0].metrics["val_accuracy"] = 0.805;
  const auto apart = rank_configurations(sweep);
  CHECK_FALSE(apart[0].tied);
  CHECK_FALSE(apart[1].tied);
}

TEST_CASE("single repeats with equal means are tied", "[ranking]") {
  SweepRecord sweep = make_sweep({with_values(1, 0.1, 0, {0.8}), with_values(2, 0.3, 0, {0.8}),
                                  with_values(3, 0.01, 0, {0.7})});
  const auto ranking = rank_configurations(sweep);
  CHECK(ranking[0].tied);
  CHECK(ranking[1].tied);
  CHECK_FALSE(ranking[2].tied);
}

TEST_CASE("status_order puts completed first and failed last", "[ranking]") {
  CHECK(status_order("completed") < status_order("pruned"));
  CHECK(status_order("pruned") < status_order("interrupted"));
  CHECK(status_order("pending") < status_order("diverged"));
  CHECK(status_order("diverged") < status_order("failed"));
  CHECK(status_order("failed") < status_order("something else"));
}
