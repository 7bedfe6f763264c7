// Diagnosis on synthetic curves: every verdict's direction (the side of its
// group's best rate), each label, the margin and its borderlines, and a
// spirals-like sweep shaped like real runs.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "reports/diagnosis.hpp"
#include "tests/reports/synthetic_helpers.hpp"

using namespace sweep::reports;
using namespace sweep::reports::testing;
namespace th = sweep::reports::diagnosis_thresholds;

namespace {

const double kLn2 = std::log(2.0);

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

const Diagnosis& at(const SweepRecord& sweep, const std::vector<Diagnosis>& all,
                    const std::string& optimizer, double rate) {
  for (std::size_t i = 0; i < sweep.trials.size(); ++i)
    if (sweep.trials[i].params.at("optimizer") == optimizer &&
        sweep.trials[i].params.at("learning_rate") == rate)
      return all[i];
  FAIL("no trial " << optimizer << " " << rate);
  throw;
}

void set_val_accuracy(TrialRecord& trial, double value) {
  for (auto& epoch : trial.epochs) epoch.metrics["val_accuracy"] = value;
}

}  // namespace

TEST_CASE("a spirals-like sweep: every verdict names its side of the best rate", "[diagnosis]") {
  const SweepRecord sweep = spirals_like_sweep();
  const auto all = diagnose_all(sweep);
  REQUIRE(all.size() == sweep.trials.size());

  const Diagnosis& low = at(sweep, all, "sgd", 1e-4);
  CHECK(low.label == "stalled");
  CHECK(low.direction == "low");
  CHECK_THAT(low.reason, Catch::StartsWith("the loss did not fall in 5 epochs (0.689 → 0.692)"));
  CHECK_THAT(low.reason, Catch::Contains("while the best rate, 1e-1, reached 0.893 val_accuracy"));
  CHECK_THAT(low.reason, Catch::EndsWith("learning rate too low"));
  REQUIRE(low.reference);
  CHECK(low.reference->learning_rate == 1e-1);
  CHECK(low.reference->trial_id == 4);  // sgd 1e-1's only repeat
  CHECK(at(sweep, all, "sgd", 1e-3).direction == "low");
  CHECK(at(sweep, all, "sgd", 1e-2).direction == "low");

  const Diagnosis& best = at(sweep, all, "sgd", 1e-1);
  CHECK(best.label == "converged");
  CHECK(best.direction == "ok");
  CHECK_THAT(best.reason, Catch::StartsWith("the best learning_rate 1e-1 of this group: "
                                            "val_accuracy 0.893"));

  const Diagnosis& high = at(sweep, all, "sgd", 10.0);
  CHECK(high.label == "diverged");
  CHECK(high.direction == "high");
  CHECK(high.reason ==
        "the loss became inf at epoch 1, batch 3 at learning_rate 10 while the best rate, 1e-1, "
        "reached 0.893 val_accuracy: learning rate too high");

  const Diagnosis& dead = at(sweep, all, "adam", 1e-1);
  CHECK(dead.label == "saturated");
  CHECK(dead.direction == "high");
  CHECK_THAT(dead.reason, Catch::StartsWith("the loss sits flat at 0.694, at the chance level "
                                            "ln 2 = 0.693; val_accuracy 0.5"));
  CHECK_THAT(dead.reason, Catch::Contains("the best rate, 1e-2, reached"));
  CHECK(at(sweep, all, "adam", 1e-4).direction == "low");
  CHECK(at(sweep, all, "adam", 1e-2).direction == "ok");

  // One trial alone gives the same verdict as the whole sweep at once.
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Diagnosis one = diagnose(sweep, sweep.trials[i]);
    CHECK(all[i].label == one.label);
    CHECK(all[i].reason == one.reason);
    CHECK(all[i].direction == one.direction);
  }
}

TEST_CASE("the direction agrees with the side of the best rate for every label", "[diagnosis]") {
  // Whatever the curves look like, a clearly worse trial below the best rate is
  // low and one above it is high; the label is one of that side's.
  const SweepRecord sweep = spirals_like_sweep();
  const auto all = diagnose_all(sweep);
  for (std::size_t i = 0; i < all.size(); ++i) {
    INFO(sweep.trials[i].params.dump() << " " << all[i].label << ": " << all[i].reason);
    if (all[i].direction == "low") CHECK((all[i].label == "stalled" || all[i].label == "slow"));
    if (all[i].direction == "high")
      CHECK((all[i].label == "diverged" || all[i].label == "oscillating" ||
             all[i].label == "saturated" || all[i].label == "unstable"));
    if (all[i].direction == "ok")
      CHECK((all[i].label == "converged" || all[i].label == "overfitting"));
  }
}

TEST_CASE("a non-finite loss is diverged even when the status is not", "[diagnosis]") {
  TrialRecord t = make_trial(1, "sgd", 0.5, 0, 3, converging(2, 0.2, 0.9, 1.0), 3);
  t.epochs[1].loss_trace[7] = std::numeric_limits<double>::quiet_NaN();
  const Diagnosis d = diagnose(make_sweep({t}), t);
  CHECK(d.label == "diverged");
  CHECK(d.direction == "high");
  CHECK(d.reason == "the loss became nan at epoch 2: learning rate too high");

  TrialRecord good = make_trial(2, "sgd", 0.1, 0, 2, converging(2, 0.2, 0.9, 1.0), 3);
  TrialRecord inf_stop = make_trial(3, "sgd", 3.0, 0, 2, converging(2, 0.2, 0.9, 1.0), 3);
  diverge(inf_stop, 2, 0, std::numeric_limits<double>::infinity());
  const SweepRecord sweep = make_sweep({good, inf_stop});
  const Diagnosis inf = diagnose(sweep, sweep.trials[1]);
  CHECK(inf.direction == "high");
  CHECK_THAT(inf.reason, Catch::StartsWith("the loss became inf at epoch 2, batch 0 at "
                                           "learning_rate 3 while the best rate, 1e-1, reached"));
}

TEST_CASE("a finite divergence names the factor, the dead epochs and the accuracy", "[diagnosis]") {
  TrialRecord good = make_trial(1, "adam", 1e-3, 0, 4, converging(10, 0.3, 0.9, 1.0), 1);
  TrialRecord dead = make_trial(2, "adam", 100.0, 0, 4, flat(10, 50.0), 2);
  dead.config = {{"training", {{"loss", "categorical_crossentropy"}}}};
  diverge(dead, 3, 311, 43.8);
  SweepRecord sweep = make_sweep({good, dead}, 10);
  sweep.spec["pruning"] = {{"divergence_factor", 4}, {"divergence_epochs", 2}};
  const Diagnosis d = diagnose(sweep, sweep.trials[1]);
  CHECK(d.label == "diverged");
  CHECK(d.direction == "high");
  CHECK_THAT(d.reason, Catch::StartsWith("the loss exploded and stayed above 4 × its starting 2.3 "
                                         "for 2 whole epochs while val_accuracy stayed at chance "
                                         "(0.0995); stopped after epoch 3 with a loss of 43.8 at "
                                         "learning_rate 100 while the best rate, 1e-3"));
}

TEST_CASE("a trial that diverged below the best rate is low, and says it is not the rate alone",
          "[diagnosis]") {
  TrialRecord slow = make_trial(1, "sgd", 1e-3, 0, 3, converging(2, 0.2, 0.9, 1.0), 1);
  diverge(slow, 2, 5, std::numeric_limits<double>::quiet_NaN());
  TrialRecord best = make_trial(2, "sgd", 1e-1, 0, 3, converging(2, 0.2, 0.9, 1.0), 2);
  const SweepRecord sweep = make_sweep({slow, best});
  const Diagnosis d = diagnose(sweep, sweep.trials[0]);
  CHECK(d.label == "diverged");
  CHECK(d.direction == "low");
  CHECK_THAT(d.reason,
             Catch::EndsWith("not the learning rate alone; check the data and the model"));
}

TEST_CASE("oscillation is a verdict of the high side only", "[diagnosis]") {
  TrialRecord good = make_trial(1, "sgd", 0.1, 0, 3, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord swinging = make_trial(2, "sgd", 2.0, 0, 3, oscillating(2, 0.8, 0.3), 5);
  SweepRecord sweep = make_sweep({good, swinging});
  const Diagnosis high = diagnose(sweep, sweep.trials[1]);
  CHECK(high.label == "oscillating");
  CHECK(high.direction == "high");
  CHECK_THAT(high.reason, Catch::StartsWith("the within-epoch loss moves by a median"));
  CHECK_THAT(high.reason, Catch::EndsWith("learning rate too high"));

  // The same swings below the best rate are minibatch noise on a loss that
  // barely moves: too low, never "oscillating (too high)".
  sweep.trials[1].params["learning_rate"] = 1e-4;
  const Diagnosis low = diagnose(sweep, sweep.trials[1]);
  CHECK(low.direction == "low");
  CHECK(low.label == "stalled");

  // Alone, with nothing to compare, the swings are named with a hedge.
  const SweepRecord alone = make_sweep({swinging});
  const Diagnosis hedged = diagnose(alone, alone.trials[0]);
  CHECK(hedged.label == "oscillating");
  CHECK(hedged.direction.empty());
  CHECK_THAT(hedged.reason, Catch::EndsWith("learning rate likely too high (no other rate of this "
                                            "group to compare)"));
}

TEST_CASE("oscillation thresholds: amplitude and trend borderlines", "[diagnosis]") {
  // Period-two swings of +-a around 0.8: the median step is 2a x 0.8 / 0.8 = 2a of the
  // first-epoch loss (which equals the level), so a = 0.06 (12 %) oscillates and a = 0.04
  // (8 %) does not.
  TrialRecord good = make_trial(1, "sgd", 0.1, 0, 3, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord big = make_trial(2, "sgd", 2.0, 0, 3, oscillating(2, 0.8, 0.06), 5);
  set_loss(big, [](int, int w) { return 0.8 * (1.0 + (w % 2 == 0 ? 0.06 : -0.06)); });
  SweepRecord sweep = make_sweep({good, big});
  CHECK(diagnose(sweep, sweep.trials[1]).label == "oscillating");
  // (0.8 is above ln 2 and flat, so without the swings it is saturated.)
  set_loss(sweep.trials[1], [](int, int w) { return 0.8 * (1.0 + (w % 2 == 0 ? 0.04 : -0.04)); });
  CHECK(diagnose(sweep, sweep.trials[1]).label == "saturated");
  CHECK(diagnose(sweep, sweep.trials[1]).direction == "high");

  // Large swings on a clear downward trend (last quarter 30 % below the first) are
  // noisy training, not oscillation.
  set_loss(sweep.trials[1], [](int e, int w) {
    const double t = e + w / 20.0;
    const double level = 0.8 * (1.0 - 0.14 * t);
    return level * (1.0 + (w % 2 == 0 ? 0.3 : -0.3));
  });
  CHECK(diagnose(sweep, sweep.trials[1]).label == "unstable");

  // Ordinary minibatch noise around a converged low loss is not oscillation.
  TrialRecord noisy = make_trial(3, "sgd", 0.1, 0, 10, converging(2, 0.05, 0.98, 2.0, 0.3), 9);
  CHECK(diagnose(make_sweep({noisy}), noisy).label != "oscillating");
}

TEST_CASE("flat at ln K above a better rate is saturated: below the threshold it is not",
          "[diagnosis]") {
  TrialRecord good = make_trial(1, "sgd", 0.1, 0, 5, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord dead = make_trial(2, "sgd", 3.0, 0, 5, flat(2, kLn2), 2);
  SweepRecord sweep = make_sweep({good, dead});
  CHECK(diagnose(sweep, sweep.trials[1]).label == "saturated");
  CHECK(diagnose(sweep, sweep.trials[1]).direction == "high");

  // 4 % under ln K is still "at chance" (tolerance 5 %), 6 % under is not.
  set_loss(sweep.trials[1], [](int, int) { return 0.96 * kLn2; });
  CHECK(diagnose(sweep, sweep.trials[1]).label == "saturated");
  set_loss(sweep.trials[1], [](int, int) { return 0.94 * kLn2; });
  CHECK(diagnose(sweep, sweep.trials[1]).label == "unstable");

  // Above chance (worse than predicting the prior) and flat: saturated too.
  set_loss(sweep.trials[1], [](int, int) { return 1.4; });
  const Diagnosis above = diagnose(sweep, sweep.trials[1]);
  CHECK(above.label == "saturated");
  CHECK_THAT(above.reason, Catch::Contains("above the chance level ln 2 = 0.693"));

  // Not flat: moving 10 % of ln K over the second half is not saturation.
  set_loss(sweep.trials[1], [](int e, int) { return kLn2 * (1.0 + 0.05 * e); });
  CHECK(diagnose(sweep, sweep.trials[1]).label == "unstable");

  // The same flat curve below the best rate is too low: stalled.
  set_loss(sweep.trials[1], [](int, int) { return kLn2; });
  sweep.trials[1].params["learning_rate"] = 1e-5;
  CHECK(diagnose(sweep, sweep.trials[1]).label == "stalled");
  CHECK(diagnose(sweep, sweep.trials[1]).direction == "low");
}

TEST_CASE("below the best: stalled when barely moving, slow when still improving", "[diagnosis]") {
  TrialRecord good = make_trial(1, "sgd", 0.1, 0, 6, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord under = make_trial(2, "sgd", 1e-3, 0, 6, converging(2, 0.2, 0.9, 1.0), 2);
  SweepRecord sweep = make_sweep({good, under});
  // Loss from 0.70 to 0.646 (8 % < 10 %), val_accuracy flat at 0.6: stalled.
  set_loss(sweep.trials[1], [](int e, int w) { return 0.70 - 0.06 * (e * 20 + w) / 119.0; });
  set_val_accuracy(sweep.trials[1], 0.6);
  const Diagnosis stalled = diagnose(sweep, sweep.trials[1]);
  CHECK(stalled.label == "stalled");
  CHECK(stalled.direction == "low");
  CHECK_THAT(stalled.reason, Catch::StartsWith("the loss fell 8 % in 6 epochs (0.7 → 0.645); "
                                               "val_accuracy 0.6 at learning_rate 1e-3 while the "
                                               "best rate, 1e-1, reached"));

  // The loss fell 40 % and val_accuracy still climbs 0.6 → 0.75 over the last
  // epochs: slow.
  set_loss(sweep.trials[1], [](int e, int w) { return 0.70 - 0.28 * (e * 20 + w) / 119.0; });
  for (std::size_t e = 0; e < 6; ++e)
    sweep.trials[1].epochs[e].metrics["val_accuracy"] = 0.5 + 0.05 * static_cast<double>(e);
  const Diagnosis slow = diagnose(sweep, sweep.trials[1]);
  CHECK(slow.label == "slow");
  CHECK(slow.direction == "low");
  CHECK_THAT(slow.reason, Catch::StartsWith("still improving when training ended (val_accuracy "
                                            "0.7 → 0.75 over epochs 5–6)"));

  // The same progress but a plateau at the end: stalled.
  sweep.trials[1].epochs[5].metrics["val_accuracy"] = 0.7;
  CHECK(diagnose(sweep, sweep.trials[1]).label == "stalled");
}

TEST_CASE("the margin: chance level, validation rows and repeats decide what is clearly worse",
          "[diagnosis]") {
  TrialRecord best = make_trial(1, "sgd", 0.1, 0, 3, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord near = make_trial(2, "sgd", 0.01, 0, 3, converging(2, 0.2, 0.9, 1.0), 2);
  set_val_accuracy(best, 0.90);
  set_val_accuracy(near, 0.89);
  SweepRecord sweep = make_sweep({best, near});
  // Without the validation size only the relative margin counts: 2 % of
  // 0.90 - 0.5 = 0.008 < 0.01, so 0.89 is clearly worse.
  CHECK(group_margin(sweep, 0.90, 0.0, 1) == Approx(0.008));
  CHECK(diagnose(sweep, sweep.trials[1]).direction == "low");
  // 10,000 validation rows: 2 binomial standard errors = 0.006; still worse.
  sweep.data["validation_rows"] = 10000;
  CHECK(group_margin(sweep, 0.90, 0.0, 1) == Approx(0.008));
  CHECK(diagnose(sweep, sweep.trials[1]).direction == "low");
  // 300 rows: p~ = (270 + 2) / 304, 2 sqrt(p~(1 - p~) / 300) = 0.0354; the 0.01 gap is noise.
  sweep.data["validation_rows"] = 300;
  CHECK(group_margin(sweep, 0.90, 0.0, 1) == Approx(0.0354).epsilon(0.01));
  const Diagnosis ok = diagnose(sweep, sweep.trials[1]);
  CHECK(ok.direction == "ok");
  CHECK(ok.label == "converged");
  REQUIRE(ok.reference);
  CHECK(ok.reference->trial_id == 1);
  CHECK(ok.reference->margin == Approx(0.0354).epsilon(0.01));
  CHECK_THAT(ok.reason, Catch::StartsWith("val_accuracy 0.89 at learning_rate 1e-2, within 0.0354 "
                                          "of the best rate 1e-1 (0.9)"));
  // Repeats: two standard errors of the best configuration's mean.
  sweep.data.erase("validation_rows");
  CHECK(group_margin(sweep, 0.90, 0.03, 4) == Approx(0.03));
  // Chance level: accuracy 1/K, a loss ln K.
  sweep.classes = 10;
  CHECK(group_margin(sweep, 0.90, 0.0, 1) == Approx(0.016));
  sweep.objective_metric = "val_loss";
  CHECK(group_margin(sweep, 0.3, 0.0, 1) == Approx(0.02 * (std::log(10.0) - 0.3)));
}

TEST_CASE("groups: other swept settings are held fixed", "[diagnosis]") {
  // Batch size 32 and 256 are separate groups: each has its own best rate.
  TrialRecord a1 =
      make_trial(1, "sgd", 0.01, 0, 3, converging(2, 0.2, 0.9, 1.0), 1, {{"batch_size", 32}});
  TrialRecord a2 =
      make_trial(2, "sgd", 0.1, 0, 3, converging(2, 0.2, 0.9, 1.0), 2, {{"batch_size", 32}});
  TrialRecord b1 =
      make_trial(3, "sgd", 0.01, 0, 3, converging(2, 0.2, 0.9, 1.0), 3, {{"batch_size", 256}});
  TrialRecord b2 =
      make_trial(4, "sgd", 0.1, 0, 3, converging(2, 0.2, 0.9, 1.0), 4, {{"batch_size", 256}});
  set_val_accuracy(a1, 0.6);
  set_val_accuracy(a2, 0.9);
  set_val_accuracy(b1, 0.9);
  set_val_accuracy(b2, 0.6);
  const SweepRecord sweep = make_sweep({a1, a2, b1, b2});
  const auto groups = rate_groups(sweep);
  REQUIRE(groups.size() == 2);
  const auto all = diagnose_all(sweep);
  CHECK(all[0].direction == "low");
  CHECK(all[1].direction == "ok");
  CHECK(all[2].direction == "ok");
  CHECK(all[3].direction == "high");
  REQUIRE(all[3].reference);
  CHECK(all[3].reference->trial_id == 3);
}

TEST_CASE("a single rate that barely moves is stalled, with nothing to compare", "[diagnosis]") {
  TrialRecord t = make_trial(1, "adam", 1e-5, 0, 5, flat(2, kLn2), 2);
  const Diagnosis d = diagnose(make_sweep({t}), t);
  CHECK(d.label == "stalled");
  CHECK(d.direction.empty());
  CHECK_FALSE(d.reference);
  CHECK_THAT(d.reason, Catch::Contains("no other learning rate of adam was tried to compare"));
}

TEST_CASE("val_loss rising while the training loss falls is overfitting", "[diagnosis]") {
  TrialRecord t = make_trial(1, "adam", 1e-3, 0, 12, overfitting(2, 5.0), 4);
  const Diagnosis d = diagnose(make_sweep({t}), t);
  CHECK(d.label == "overfitting");
  CHECK_THAT(d.reason, Catch::StartsWith("val_loss rose "));
  CHECK_THAT(d.reason, Catch::Contains("from its minimum"));
  // Within the margin of a group's best, it is still overfitting (direction ok).
  TrialRecord lower = make_trial(2, "adam", 1e-4, 0, 12, converging(2, 0.2, 0.85, 1.0), 5);
  const SweepRecord sweep = make_sweep({t, lower});
  const Diagnosis grouped = diagnose(sweep, sweep.trials[0]);
  CHECK(grouped.label == "overfitting");
  CHECK(grouped.direction == "ok");
  // Turning one epoch before the end is too short a rise to call.
  TrialRecord late = make_trial(3, "adam", 1e-3, 0, 12, overfitting(2, 11.0), 4);
  CHECK(diagnose(make_sweep({late}), late).label == "converged");
  // Fewer than kOverfitMinEpochs epochs: not judged.
  TrialRecord shortrun =
      make_trial(4, "adam", 1e-3, 0, th::kOverfitMinEpochs - 1, overfitting(2, 0.5), 4);
  CHECK(diagnose(make_sweep({shortrun}), shortrun).label != "overfitting");
}

TEST_CASE("failed, empty and partial trials get their own labels", "[diagnosis]") {
  TrialRecord failed;
  failed.id = 1;
  failed.status = "failed";
  failed.error = "dataset file not found: /nope.csv";
  CHECK(diagnose(make_sweep({failed}), failed).label == "failed");
  CHECK(diagnose(make_sweep({failed}), failed).direction.empty());
  CHECK(diagnose(make_sweep({failed}), failed).reason ==
        "the trial failed: dataset file not found: /nope.csv");

  TrialRecord pending;
  pending.status = "pending";
  CHECK(diagnose(make_sweep({pending}), pending).label == "no_data");
  CHECK(diagnose(make_sweep({pending}), pending).reason ==
        "no epoch recorded yet (status pending)");

  TrialRecord best = make_trial(2, "sgd", 0.1, 0, 4, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord pruned = make_trial(3, "sgd", 0.01, 0, 2, converging(2, 0.2, 0.9, 1.0), 1);
  pruned.status = "pruned";
  set_val_accuracy(pruned, best.epochs.back().metrics.at("val_accuracy"));
  SweepRecord sweep = make_sweep({best, pruned});
  const Diagnosis d = diagnose(sweep, sweep.trials[1]);
  CHECK(d.label == "pruned");
  CHECK(d.direction == "ok");
  CHECK_THAT(d.reason, Catch::StartsWith("pruned after 2 epochs; "));
  sweep.trials[1].status = "interrupted";
  CHECK(diagnose(sweep, sweep.trials[1]).label == "interrupted");
  // A partial curve clearly short of the best still gets its direction.
  set_val_accuracy(sweep.trials[1], 0.6);
  CHECK(diagnose(sweep, sweep.trials[1]).direction == "low");
}

TEST_CASE("a spike is named, never measured from", "[diagnosis]") {
  // A cross-entropy classifier starts at ln K; a first window that already
  // exploded is reported as a spike, and the fall is measured from ln K.
  TrialRecord good = make_trial(1, "adam", 1e-3, 0, 4, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord spiky = make_trial(2, "adam", 0.1, 0, 4, converging(2, 0.5, 0.6, 1.0), 2);
  set_loss(spiky, [](int e, int w) { return e == 0 && w < 2 ? 18.0 : 0.5; });
  spiky.config = {{"training", {{"loss", {{"name", "categorical_crossentropy"}}}}}};
  set_val_accuracy(spiky, 0.6);
  const SweepRecord sweep = make_sweep({good, spiky});
  const Diagnosis d = diagnose(sweep, sweep.trials[1]);
  CHECK(d.direction == "high");
  CHECK(d.label == "unstable");
  CHECK_THAT(d.reason, Catch::StartsWith("the loss fell 28 % in 4 epochs (0.693 → 0.5, after a "
                                         "spike to 18)"));
}

TEST_CASE("an explosion at the start does not hide later oscillation", "[diagnosis]") {
  // Three exploding windows, then swings of +-30 % around ln 2 with no trend: the
  // quarter medians ignore the explosion, so this is oscillating, not converged.
  TrialRecord good = make_trial(1, "sgd", 0.1, 0, 3, converging(2, 0.2, 0.9, 1.0), 1);
  TrialRecord t = make_trial(2, "sgd", 3.0, 0, 3, oscillating(2, kLn2, 0.3), 5);
  set_loss(t, [](int e, int w) {
    if (e == 0 && w < 3) return 8.0;
    return kLn2 * (1.0 + (w % 2 == 0 ? 0.3 : -0.3));
  });
  const SweepRecord sweep = make_sweep({good, t});
  CHECK(diagnose(sweep, sweep.trials[1]).label == "oscillating");
}

TEST_CASE("a 100,000-trial random search is diagnosed whole, every verdict on its side",
          "[diagnosis][scale]") {
  // Distinct log-uniform rates: each trial is its own configuration, the case
  // that made the diagnosis quadratic. Per optimizer the optimum is known
  // (sgd 0.5, adam 0.02, rmsprop 0.01; see random_search_sweep). Under the
  // sanitizers a tenth of it (100,000 take over two minutes there).
  const int n = SWEEP_SANITIZED ? 10'000 : 100'000;
  const SweepRecord sweep = random_search_sweep(n, 2, 11);
  const auto groups = rate_groups(sweep);
  REQUIRE(groups.size() == 3);
  for (const RateGroup& group : groups) {
    INFO(group.optimizer);
    REQUIRE(group.best);
    const double optimum = group.optimizer == "sgd" ? 0.5 : group.optimizer == "adam" ? 0.02 : 0.01;
    const double best_rate = group.configs[*group.best].learning_rate;
    CHECK(std::fabs(std::log10(best_rate / optimum)) < 0.5);
  }
  const auto all = diagnose_all(sweep, groups);
  REQUIRE(all.size() == static_cast<std::size_t>(n));
  std::map<std::string, int> labels;
  int diverged = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const TrialRecord& trial = sweep.trials[i];
    const Diagnosis& d = all[i];
    ++labels[d.label];
    REQUIRE(d.reference);
    const double rate = trial.params.at("learning_rate").get<double>();
    if (trial.status == "diverged") {
      ++diverged;
      REQUIRE(d.label == "diverged");
      REQUIRE(d.direction == "high");
    }
    // Two decades or more below the group's best: always too low; a decade
    // or more above it: too high.
    if (rate < d.reference->learning_rate / 100) REQUIRE(d.direction == "low");
    if (rate > d.reference->learning_rate * 10) REQUIRE(d.direction == "high");
  }
  CHECK(diverged > n / 20);
  for (const char* label : {"converged", "stalled", "oscillating", "saturated", "diverged"}) {
    INFO(label);
    CHECK(labels[label] > 100);
  }
}
