// FitRun: a fit that pauses after any epoch and goes on later, on another
// thread, gives bit for bit what one uninterrupted fit gives (successive
// halving keeps trials waiting at rungs this way).
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "engine/callbacks/early_stopping.hpp"
#include "engine/schedules/schedule.hpp"
#include "tests/engine/model/model_data.hpp"

using namespace sweep::engine;

namespace {

struct Outcome {
  std::vector<Matrix> weights;
  History history;
};

FitOptions options_with_schedule() {
  FitOptions options;
  options.epochs = 9;
  options.batch_size = 16;
  options.best_monitor = "val_accuracy";
  // A schedule with state across epochs: pausing must not reset it.
  options.schedule = schedule_factory(
      Component{"reduce_on_plateau", {{"patience", 1.0}, {"factor", 0.5}, {"min_delta", 0.5}}});
  return options;
}

Outcome weights_of(Sequential& model, History history) {
  Outcome out;
  for (const Matrix* w : model.weights()) out.weights.push_back(*w);
  out.history = std::move(history);
  return out;
}

// The paused fit's weights and every epoch's log equal the uninterrupted one's.
void check_same_fit(const Outcome& paused, const Outcome& whole) {
  REQUIRE(paused.weights.size() == whole.weights.size());
  for (std::size_t i = 0; i < whole.weights.size(); ++i)
    CHECK(paused.weights[i] == whole.weights[i]);
  REQUIRE(paused.history.epochs.size() == whole.history.epochs.size());
  for (std::size_t e = 0; e < whole.history.epochs.size(); ++e) {
    CHECK(paused.history.epochs[e].values == whole.history.epochs[e].values);
    CHECK(paused.history.epochs[e].loss_trace == whole.history.epochs[e].loss_trace);
    CHECK(paused.history.epochs[e].learning_rate == whole.history.epochs[e].learning_rate);
  }
  CHECK(paused.history.best_epoch == whole.history.best_epoch);
}

}  // namespace

TEST_CASE("a fit paused at epochs 1 and 3, resumed on other threads, equals one fit",
          "[model][fit_run][determinism]") {
  const auto data = testing::spirals(100, 0.2, 0.2, 7);
  const FitOptions options = options_with_schedule();

  Rng rng_a(5);
  Sequential a = testing::mlp(2, {32, 16}, 3, rng_a, "adam", 0.01);
  const Outcome whole = weights_of(a, a.fit(data.train, &data.validation, options, rng_a));

  Rng rng_b(5);
  Sequential b = testing::mlp(2, {32, 16}, 3, rng_b, "adam", 0.01);
  FitRun run(b, data.train, &data.validation, options, rng_b);
  CHECK(run.run_to(1));
  CHECK(run.epochs_done() == 1);
  bool goes_on = false;
  std::thread([&] { goes_on = run.run_to(3); }).join();
  CHECK(goes_on);
  CHECK(run.epochs_done() == 3);
  CHECK(run.best_epoch() >= 1);
  std::thread([&] { goes_on = run.run_to(100); }).join();  // past the end: stops at 9
  CHECK_FALSE(goes_on);
  const Outcome paused = weights_of(b, run.finish());
  REQUIRE(whole.history.epochs.size() == 9);
  check_same_fit(paused, whole);
}

TEST_CASE("a callback that stops a paused fit ends it as fit() would", "[model][fit_run]") {
  const auto data = testing::spirals(100, 0.2, 0.2, 7);
  FitOptions options;
  options.epochs = 20;
  options.batch_size = 16;
  EarlyStoppingOptions es;
  es.monitor = "val_loss";
  es.patience = 0;
  es.min_delta = 10.0;  // nothing improves by 10: stops after epoch 2
  es.restore_best_weights = true;

  Rng rng(9);
  Sequential model = testing::mlp(2, {16}, 3, rng);
  EarlyStopping stopper(es);
  FitRun run(model, data.train, &data.validation, options, rng, {&stopper});
  CHECK(run.run_to(1));
  CHECK_FALSE(run.run_to(5));
  CHECK(run.epochs_done() == 2);
  const History history = run.finish();
  CHECK(history.stopped);
  CHECK(history.epochs.size() == 2);
  CHECK_THROWS_WITH(run.finish(), "fit: the run is finished");
}

TEST_CASE("a fit paused inside epochs and evaluated there equals one fit",
          "[model][fit_run][determinism]") {
  const auto data = testing::spirals(100, 0.2, 0.2, 7);  // 240 training rows: 15 batches
  const FitOptions options = options_with_schedule();

  Rng rng_a(5);
  Sequential a = testing::mlp(2, {32, 16}, 3, rng_a, "adam", 0.01);
  const Outcome whole = weights_of(a, a.fit(data.train, &data.validation, options, rng_a));

  Rng rng_b(5);
  Sequential b = testing::mlp(2, {32, 16}, 3, rng_b, "adam", 0.01);
  FitRun run(b, data.train, &data.validation, options, rng_b);
  REQUIRE(run.batches_per_epoch() == 15);
  CHECK(run.run_to_batch(4));  // inside epoch 1
  CHECK(run.batches_done() == 4);
  CHECK(run.epochs_done() == 0);
  const EpochLog early = run.evaluate_now();
  CHECK(early.epoch == 1);
  CHECK(early.values.count("loss") == 1);
  CHECK(early.values.count("accuracy") == 1);
  CHECK(early.values.count("val_accuracy") == 1);
  // Evaluating again gives the same numbers: evaluate_now changes nothing.
  CHECK(run.evaluate_now().values == early.values);
  bool goes_on = false;
  std::thread([&] { goes_on = run.run_to_batch(30); }).join();  // epoch 2's last batch: stays open
  CHECK(goes_on);
  CHECK(run.epochs_done() == 1);
  CHECK(run.batches_done() == 30);
  CHECK(run.run_to_batch(40));  // closes epoch 2, pauses inside epoch 3
  CHECK(run.epochs_done() == 2);
  (void)run.evaluate_now();
  CHECK(run.run_to(4));  // finishes epoch 3 and 4
  CHECK(run.epochs_done() == 4);
  std::thread([&] { goes_on = run.run_to_batch(1000); }).join();  // past the end: stops at 9
  CHECK_FALSE(goes_on);
  const Outcome paused = weights_of(b, run.finish());
  REQUIRE(whole.history.epochs.size() == 9);
  check_same_fit(paused, whole);
}
