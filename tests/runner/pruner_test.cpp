// The divergence pruner's rule, batch by batch and epoch by epoch, and the
// pruner registry.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "runner/pruning/divergence_pruner.hpp"
#include "runner/pruning/pruner.hpp"
#include "runner/pruning/rung_board.hpp"
#include "runner/spec/spec.hpp"

using sweep::engine::EpochLog;
using sweep::runner::DivergencePruner;
using sweep::runner::PruneDecision;
using sweep::runner::TrialContext;
using Verdict = PruneDecision::Verdict;

namespace {

TrialContext context(double dead_accuracy = 0.14) {
  TrialContext c;
  c.dead_accuracy = dead_accuracy;
  c.accuracy_key = "val_accuracy";
  return c;
}

EpochLog epoch_log(int epoch, double val_accuracy) {
  EpochLog log;
  log.epoch = epoch;
  log.values["val_accuracy"] = val_accuracy;
  return log;
}

// Runs one epoch of `batches` batches at `loss` (the first batch of the
// first epoch sets the reference) and returns the epoch's decision.
Verdict epoch(sweep::runner::TrialPruner& pruner, int number, int batches, double loss,
              double val_accuracy) {
  for (int b = 0; b < batches; ++b) {
    const auto d = pruner.after_batch(number, b, loss);
    if (!d.keeps()) return d.verdict;
  }
  return pruner.after_epoch(epoch_log(number, val_accuracy)).verdict;
}

}  // namespace

TEST_CASE("divergence: a non-finite loss stops at once: before any update it is a setup error",
          "[pruner]") {
  const DivergencePruner pruner({.finite_rule = false, .factor = 4, .epochs = 2});
  auto first = pruner.start(context());
  const PruneDecision setup = first->after_batch(1, 0, std::nan(""));
  CHECK(setup.verdict == Verdict::setup_error);
  CHECK(setup.reason ==
        "the loss was nan on the first batch, before any update: the model and loss do not fit "
        "(check the output layer's activation against the loss), not a learning-rate problem");

  auto later = pruner.start(context());
  CHECK(later->after_batch(1, 0, 2.3).keeps());
  const PruneDecision inf = later->after_batch(1, 1, std::numeric_limits<double>::infinity());
  CHECK(inf.verdict == Verdict::diverged);
  CHECK(inf.divergence.epoch == 1);
  CHECK(inf.divergence.batch == 1);
  CHECK(std::isinf(inf.divergence.loss));
}

TEST_CASE("divergence: a finite loss needs whole dead epochs in a row", "[pruner]") {
  const DivergencePruner pruner({.finite_rule = true, .factor = 4, .epochs = 2});
  SECTION("exploded and at chance for two epochs: diverged after the second") {
    auto trial = pruner.start(context());
    CHECK(epoch(*trial, 1, 10, 2.3, 0.1) == Verdict::keep);  // sets the reference 2.3
    CHECK(epoch(*trial, 2, 10, 50.0, 0.1) == Verdict::keep);
    auto* p = trial.get();
    for (int b = 0; b < 10; ++b) CHECK(p->after_batch(3, b, 60.0).keeps());
    const PruneDecision d = p->after_epoch(epoch_log(3, 0.12));
    CHECK(d.verdict == Verdict::diverged);
    CHECK(d.divergence.epoch == 3);
    CHECK(d.divergence.batch == 9);
    CHECK(d.divergence.loss == 60.0);
  }
  SECTION("one batch back under the factor resets the count") {
    auto trial = pruner.start(context());
    CHECK(epoch(*trial, 1, 10, 2.3, 0.1) == Verdict::keep);
    CHECK(epoch(*trial, 2, 10, 50.0, 0.1) == Verdict::keep);
    for (int b = 0; b < 10; ++b) CHECK(trial->after_batch(3, b, b == 4 ? 3.0 : 50.0).keeps());
    CHECK(trial->after_epoch(epoch_log(3, 0.1)).keeps());
    CHECK(epoch(*trial, 4, 10, 50.0, 0.1) == Verdict::keep);
    CHECK(epoch(*trial, 5, 10, 50.0, 0.1) == Verdict::diverged);
  }
  SECTION("a huge loss that still classifies is not divergence") {
    auto trial = pruner.start(context());
    CHECK(epoch(*trial, 1, 10, 2.3, 0.1) == Verdict::keep);
    for (int e = 2; e <= 20; ++e) CHECK(epoch(*trial, e, 10, 4000.0, 0.83) == Verdict::keep);
  }
  SECTION("a spike is not divergence") {
    auto trial = pruner.start(context());
    CHECK(trial->after_batch(1, 0, 0.69).keeps());
    for (int e = 1; e <= 5; ++e) {
      for (int b = 0; b < 8; ++b) CHECK(trial->after_batch(e, b, b == 3 ? 90.0 : 0.3).keeps());
      CHECK(trial->after_epoch(epoch_log(e, 0.1)).keeps());
    }
  }
  SECTION("off without an accuracy to judge by, or with pruning.divergence false") {
    TrialContext blind = context();
    blind.accuracy_key.clear();
    for (const auto& [p, c] :
         {std::pair{DivergencePruner({.finite_rule = true, .factor = 4, .epochs = 2}), blind},
          std::pair{DivergencePruner({.finite_rule = false, .factor = 4, .epochs = 2}),
                    context()}}) {
      auto trial = p.start(c);
      CHECK(epoch(*trial, 1, 10, 2.3, 0.1) == Verdict::keep);
      for (int e = 2; e <= 6; ++e) CHECK(epoch(*trial, e, 10, 500.0, 0.1) == Verdict::keep);
    }
  }
}

TEST_CASE("pruners are chosen by name through one registry", "[pruner]") {
  CHECK(sweep::runner::pruner_names() ==
        std::vector<std::string>{"divergence", "successive_halving", "hyperband"});
  const sweep::runner::Spec spec =
      sweep::runner::parse_spec(nlohmann::json::parse(R"({"name": "p", "dataset": {"name": "xor"},
        "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]},
        "training": {"epochs": 9},
        "pruning": {"method": "hyperband", "min_epochs": 1, "reduction_factor": 3}})"),
                                "spec.json");
  const auto pruners = sweep::runner::sweep_pruners(spec);
  REQUIRE(pruners.size() == 2);
  CHECK(pruners[0]->rungs() == nullptr);  // divergence judges each trial alone
  REQUIRE(pruners[1]->rungs() != nullptr);
  CHECK(pruners[1]->rungs()->method == "hyperband");
  CHECK(pruners[1]->rungs()->epochs == 9);
  CHECK_THROWS_WITH(sweep::runner::make_pruner("median", spec),
                    "unknown pruner \"median\"; known: divergence, successive_halving, hyperband");
}
