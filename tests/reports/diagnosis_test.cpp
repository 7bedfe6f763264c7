// Diagnosis labels on synthetic curves: each label, borderline cases, and a
// spirals-like SGD sweep shaped like real runs.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "reports/diagnosis.hpp"
#include "tests/reports/synthetic_helpers.hpp"

using namespace sweep::reports;
using namespace sweep::reports::testing;
namespace th = sweep::reports::diagnosis_thresholds;

namespace {

const double kLn2 = std::log(2.0);

const TrialRecord& trial_at(const SweepRecord& sweep, const std::string& optimizer, double rate) {
  for (const TrialRecord& t : sweep.trials)
    if (t.params.at("optimizer") == optimizer && t.params.at("learning_rate") == rate) return t;
  FAIL("no trial " << optimizer << " " << rate);
  throw;
}

// Every trace window and epoch loss set from `at(t)`, nothing else changed.
void set_loss(TrialRecord& trial, const std::function<double(int, int)>& at) {
  for (std::size_t e = 0; e < trial.epochs.size(); ++e) {
    double sum = 0.0;
    auto& trace = trial.epochs[e].loss_trace;
    for (std::size_t w = 0; w < trace.size(); ++w) {
      trace[w] = at(static_cast<int>(e), static_cast<int>(w));
      sum += trace[w];
    }
    trial.epochs[e].metrics["loss"] = sum / static_cast<double>(trace.size());
  }
}

}  // namespace

TEST_CASE("a spirals-like sgd sweep shows the three regimes", "[diagnosis]") {
  const SweepRecord sweep = spirals_like_sweep();
  const Diagnosis low = diagnose(sweep, trial_at(sweep, "sgd", 1e-4));
  CHECK(low.label == "stalled");
  CHECK_THAT(low.reason, Catch::StartsWith("the loss fell only 0 % in 5 epochs") ||
                             Catch::StartsWith("the loss did not fall in 5 epochs"));
  CHECK_THAT(low.reason, Catch::EndsWith("while learning_rate 1e-1 reached 0.893 val_accuracy: "
                                         "learning rate too low"));
  CHECK(diagnose(sweep, trial_at(sweep, "sgd", 1e-3)).label == "stalled");
  const Diagnosis slow = diagnose(sweep, trial_at(sweep, "sgd", 1e-2));
  CHECK(slow.label == "stalled");  // the loss fell, but far short of 1e-1
  CHECK_THAT(slow.reason, Catch::StartsWith("val_accuracy reached only 0.62"));
  const Diagnosis best = diagnose(sweep, trial_at(sweep, "sgd", 1e-1));
  CHECK(best.label == "converged");
  CHECK_THAT(best.reason, Catch::StartsWith("the loss fell 6"));
  CHECK(diagnose(sweep, trial_at(sweep, "sgd", 1.0)).label == "converged");
  const Diagnosis high = diagnose(sweep, trial_at(sweep, "sgd", 10.0));
  CHECK(high.label == "diverged");
  CHECK(high.reason ==
        "the loss exploded to 41.7 at epoch 1, batch 3 (learning_rate 10): learning rate too high");

  const Diagnosis dead = diagnose(sweep, trial_at(sweep, "adam", 1e-1));
  CHECK(dead.label == "saturated");
  CHECK(dead.reason ==
        "the loss sits flat at 0.694, at the chance level ln 2 = 0.693, while learning_rate 1e-2 "
        "reached 0.919 val_accuracy: learning rate too high, the units likely died");
  CHECK(diagnose(sweep, trial_at(sweep, "adam", 1e-4)).label == "stalled");
  CHECK(diagnose(sweep, trial_at(sweep, "adam", 1e-2)).label == "converged");

  const auto all = diagnose_all(sweep);
  REQUIRE(all.size() == sweep.trials.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].label == diagnose(sweep, sweep.trials[i]).label);
    CHECK(all[i].reason == diagnose(sweep, sweep.trials[i]).reason);
  }
}

TEST_CASE("a non-finite loss is diverged even when the status is not", "[diagnosis]") {
  TrialRecord t = make_trial(1, "sgd", 0.5, 0, 3, converging(2, 0.2, 0.9, 1.0), 3);
  t.epochs[1].loss_trace[7] = std::numeric_limits<double>::quiet_NaN();
  const Diagnosis d = diagnose(make_sweep({t}), t);
  CHECK(d.label == "diverged");
  CHECK(d.reason == "the loss became nan at epoch 2 (learning_rate 5e-1): learning rate too high");

  TrialRecord nan_stop = make_trial(2, "sgd", 3.0, 0, 2, converging(2, 0.2, 0.9, 1.0), 3);
  diverge(nan_stop, 2, 0, std::numeric_limits<double>::infinity());
  CHECK(diagnose(make_sweep({nan_stop}), nan_stop).reason ==
        "the loss became inf at epoch 2, batch 0 (learning_rate 3): learning rate too high");
}

TEST_CASE("a trace that swings without a trend is oscillating", "[diagnosis]") {
  TrialRecord t = make_trial(1, "sgd", 2.0, 0, 3, oscillating(2, 0.8, 0.3), 5);
  const Diagnosis d = diagnose(make_sweep({t}), t);
  CHECK(d.label == "oscillating");
  CHECK_THAT(d.reason, Catch::StartsWith("the within-epoch loss moves by a median"));
  CHECK_THAT(d.reason, Catch::EndsWith("learning rate likely too high"));
}

TEST_CASE("oscillation thresholds: amplitude and trend borderlines", "[diagnosis]") {
  // Period-two swings of +-a around 0.8: the median step is 2a x 0.8 / 0.8 = 2a of the
  // first-epoch loss (which equals the level), so a = 0.06 (12 %) oscillates and a = 0.04
  // (8 %) does not.
  TrialRecord big = make_trial(1, "sgd", 2.0, 0, 3, oscillating(2, 0.8, 0.06), 5);
  set_loss(big, [](int, int w) { return 0.8 * (1.0 + (w % 2 == 0 ? 0.06 : -0.06)); });
  CHECK(diagnose(make_sweep({big}), big).label == "oscillating");
  TrialRecord small = big;
  set_loss(small, [](int, int w) { return 0.8 * (1.0 + (w % 2 == 0 ? 0.04 : -0.04)); });
  CHECK(diagnose(make_sweep({small}), small).label != "oscillating");

  // Large swings on a clear downward trend (last quarter 30 % below the first) are
  // noisy convergence, not oscillation.
  TrialRecord falling = big;
  set_loss(falling, [](int e, int w) {
    const double t = e + w / 20.0;
    const double level = 0.8 * (1.0 - 0.14 * t);
    return level * (1.0 + (w % 2 == 0 ? 0.3 : -0.3));
  });
  CHECK(diagnose(make_sweep({falling}), falling).label == "converged");

  // Ordinary minibatch noise around a converged low loss is not oscillation.
  TrialRecord noisy = make_trial(2, "sgd", 0.1, 0, 10, converging(2, 0.05, 0.98, 2.0, 0.3), 9);
  CHECK(diagnose(make_sweep({noisy}), noisy).label != "oscillating");
}

TEST_CASE("flat at ln K above a better rate is saturated; below the threshold it is not",
          "[diagnosis]") {
  TrialRecord good = make_trial(1, "sgd", 0.1, 0, 5, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord dead = make_trial(2, "sgd", 3.0, 0, 5, flat(2, kLn2), 2);
  SweepRecord sweep = make_sweep({good, dead});
  CHECK(diagnose(sweep, sweep.trials[1]).label == "saturated");

  // 4 % under ln K is still "at chance" (tolerance 5 %), 6 % under is not.
  set_loss(sweep.trials[1], [](int, int) { return 0.96 * kLn2; });
  CHECK(diagnose(sweep, sweep.trials[1]).label == "saturated");
  set_loss(sweep.trials[1], [](int, int) { return 0.94 * kLn2; });
  CHECK(diagnose(sweep, sweep.trials[1]).label != "saturated");

  // Above chance (worse than predicting the prior) and flat: saturated too.
  set_loss(sweep.trials[1], [](int, int) { return 1.4; });
  const Diagnosis above = diagnose(sweep, sweep.trials[1]);
  CHECK(above.label == "saturated");
  CHECK_THAT(above.reason, Catch::Contains("above the chance level ln 2 = 0.693"));

  // Not flat: moving 10 % of ln K over the second half is not saturation.
  set_loss(sweep.trials[1], [](int e, int) { return kLn2 * (1.0 + 0.05 * e); });
  CHECK(diagnose(sweep, sweep.trials[1]).label != "saturated");

  // Without a better lower rate there is nothing to blame on the rate being high.
  SweepRecord alone = make_sweep({dead});
  CHECK(diagnose(alone, alone.trials[0]).label != "saturated");
}

TEST_CASE("little progress below a better rate is stalled; enough progress is not", "[diagnosis]") {
  TrialRecord good = make_trial(1, "sgd", 0.1, 0, 5, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord slow = make_trial(2, "sgd", 1e-3, 0, 5, converging(2, 0.2, 0.9, 1.0), 2);
  // val_accuracy 0.8 against the best's ~0.875: clearly worse, but within the 25 % shortfall,
  // so only the progress decides.
  for (auto& epoch : slow.epochs) epoch.metrics["val_accuracy"] = 0.8;
  SweepRecord sweep = make_sweep({good, slow});
  // Loss from 0.70 to 0.646: 8 % < 10 %.
  set_loss(sweep.trials[1], [](int e, int w) { return 0.70 - 0.06 * (e * 20 + w) / 99.0; });
  const Diagnosis d = diagnose(sweep, sweep.trials[1]);
  CHECK(d.label == "stalled");
  CHECK_THAT(
      d.reason,
      Catch::StartsWith(
          "the loss fell only 8 % in 5 epochs (0.7 → 0.646) while learning_rate 1e-1 reached"));
  // 12 % progress and a value within the 25 % shortfall: converged.
  set_loss(sweep.trials[1], [](int e, int w) { return 0.70 - 0.09 * (e * 20 + w) / 99.0; });
  CHECK(diagnose(sweep, sweep.trials[1]).label == "converged");
  // Same progress, but val_accuracy 0.6 against 0.88 (32 % short): stalled.
  for (auto& epoch : sweep.trials[1].epochs) epoch.metrics["val_accuracy"] = 0.6;
  CHECK(diagnose(sweep, sweep.trials[1]).label == "stalled");
  // The better rate must be clearly better (by 2 %), not noise.
  for (auto& epoch : sweep.trials[1].epochs)
    epoch.metrics["val_accuracy"] = sweep.trials[0].epochs.back().metrics["val_accuracy"] - 0.001;
  set_loss(sweep.trials[1], [](int, int) { return 0.69; });
  CHECK(diagnose(sweep, sweep.trials[1]).label != "stalled");
}

TEST_CASE("a single rate that barely moves is stalled, with nothing to compare", "[diagnosis]") {
  TrialRecord t = make_trial(1, "adam", 1e-5, 0, 5, flat(2, kLn2), 2);
  const Diagnosis d = diagnose(make_sweep({t}), t);
  CHECK(d.label == "stalled");
  CHECK_THAT(d.reason, Catch::Contains("no other learning rate of adam was tried to compare"));
}

TEST_CASE("val_loss rising while the training loss falls is overfitting", "[diagnosis]") {
  TrialRecord t = make_trial(1, "adam", 1e-3, 0, 12, overfitting(2, 5.0), 4);
  const Diagnosis d = diagnose(make_sweep({t}), t);
  CHECK(d.label == "overfitting");
  CHECK_THAT(d.reason, Catch::StartsWith("val_loss rose "));
  CHECK_THAT(d.reason, Catch::Contains("from its minimum"));
  // Turning one epoch before the end is too short a rise to call.
  TrialRecord late = make_trial(2, "adam", 1e-3, 0, 12, overfitting(2, 11.0), 4);
  CHECK(diagnose(make_sweep({late}), late).label == "converged");
  // Fewer than kOverfitMinEpochs epochs: not judged.
  TrialRecord shortrun =
      make_trial(3, "adam", 1e-3, 0, th::kOverfitMinEpochs - 1, overfitting(2, 0.5), 4);
  CHECK(diagnose(make_sweep({shortrun}), shortrun).label != "overfitting");
}

TEST_CASE("failed, empty and partial trials get their own labels", "[diagnosis]") {
  TrialRecord failed;
  failed.id = 1;
  failed.status = "failed";
  failed.error = "dataset file not found: /nope.csv";
  CHECK(diagnose(make_sweep({failed}), failed).label == "failed");
  CHECK(diagnose(make_sweep({failed}), failed).reason ==
        "the trial failed: dataset file not found: /nope.csv");

  TrialRecord pending;
  pending.status = "pending";
  CHECK(diagnose(make_sweep({pending}), pending).label == "no_data");
  CHECK(diagnose(make_sweep({pending}), pending).reason ==
        "no epoch recorded yet (status pending)");

  TrialRecord pruned = make_trial(2, "sgd", 0.1, 0, 2, converging(2, 0.2, 0.9, 1.0), 1);
  pruned.status = "pruned";
  const Diagnosis d = diagnose(make_sweep({pruned}), pruned);
  CHECK(d.label == "pruned");
  CHECK_THAT(d.reason, Catch::StartsWith("stopped early by the pruner after 2 epochs; best "
                                         "val_accuracy"));
  pruned.status = "interrupted";
  CHECK(diagnose(make_sweep({pruned}), pruned).label == "interrupted");
}

TEST_CASE("an explosion at the start does not hide later oscillation", "[diagnosis]") {
  // Three exploding windows, then swings of +-30 % around ln 2 with no trend: the
  // quarter medians ignore the explosion, so this is oscillating, not converged.
  TrialRecord t = make_trial(1, "sgd", 3.0, 0, 3, oscillating(2, kLn2, 0.3), 5);
  set_loss(t, [](int e, int w) {
    if (e == 0 && w < 3) return 8.0;
    return kLn2 * (1.0 + (w % 2 == 0 ? 0.3 : -0.3));
  });
  CHECK(diagnose(make_sweep({t}), t).label == "oscillating");
}
