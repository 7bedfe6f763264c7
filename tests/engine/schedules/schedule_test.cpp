// Learning-rate schedules against hand-computed values, reduce_on_plateau
// against synthetic val_loss sequences, and the registry's messages.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "engine/schedules/cosine_decay.hpp"
#include "engine/schedules/exponential_decay.hpp"
#include "engine/schedules/reduce_on_plateau.hpp"
#include "engine/schedules/schedule.hpp"

namespace sweep::engine {
namespace {

// Feeds one value of `monitor` per epoch and returns the rate after each.
std::vector<double> rates_after(Schedule& schedule, const std::string& monitor,
                                const std::vector<double>& values) {
  std::vector<double> rates;
  for (std::size_t epoch = 0; epoch < values.size(); ++epoch) {
    schedule.on_epoch_end(static_cast<int>(epoch), {{monitor, values[epoch]}, {"loss", 1.0}});
    rates.push_back(schedule.learning_rate(0, static_cast<int>(epoch) + 1));
  }
  return rates;
}

}  // namespace

TEST_CASE("schedule_specs lists every schedule in order", "[schedules][registry]") {
  std::vector<std::string> names;
  for (const auto& spec : schedule_specs()) names.push_back(spec.name);
  CHECK(names == std::vector<std::string>{"constant", "step_decay", "exponential_decay",
                                          "cosine_decay", "reduce_on_plateau"});
}

TEST_CASE("constant gives the base rate at every step", "[schedules]") {
  const auto schedule = make_schedule({"constant", {}}, 0.01, 10);
  CHECK(schedule->learning_rate(0, 0) == 0.01);
  CHECK(schedule->learning_rate(12345, 99) == 0.01);
}

TEST_CASE("step_decay multiplies by factor every every_epochs epochs", "[schedules]") {
  SECTION("defaults: halve every 10 epochs") {
    const auto schedule = make_schedule({"step_decay", {}}, 0.8, 10);
    CHECK(schedule->learning_rate(0, 0) == 0.8);
    CHECK(schedule->learning_rate(0, 9) == 0.8);
    CHECK(schedule->learning_rate(0, 10) == 0.4);
    CHECK(schedule->learning_rate(0, 25) == 0.2);
  }
  SECTION("factor 0.1 every 3 epochs") {
    const auto schedule =
        make_schedule({"step_decay", {{"factor", 0.1}, {"every_epochs", 3.0}}}, 1.0, 10);
    CHECK(schedule->learning_rate(0, 2) == 1.0);
    CHECK(schedule->learning_rate(0, 3) == Approx(0.1));
    CHECK(schedule->learning_rate(0, 6) == Approx(0.01));
  }
}

TEST_CASE("exponential_decay follows Keras ExponentialDecay", "[schedules]") {
  SECTION("continuous") {
    const auto schedule = make_schedule(
        {"exponential_decay", {{"decay_steps", 100.0}, {"decay_rate", 0.5}}}, 0.1, 10);
    CHECK(schedule->learning_rate(0, 0) == 0.1);
    CHECK(schedule->learning_rate(50, 0) == Approx(0.1 * std::sqrt(0.5)));
    CHECK(schedule->learning_rate(100, 0) == Approx(0.05));
    CHECK(schedule->learning_rate(150, 0) == Approx(0.1 * std::pow(0.5, 1.5)));
  }
  SECTION("staircase") {
    const auto schedule = make_schedule(
        {"exponential_decay", {{"decay_steps", 100.0}, {"decay_rate", 0.5}, {"staircase", true}}},
        0.1, 10);
    CHECK(schedule->learning_rate(99, 0) == 0.1);
    CHECK(schedule->learning_rate(150, 0) == Approx(0.05));
    CHECK(schedule->learning_rate(199, 0) == Approx(0.05));
    CHECK(schedule->learning_rate(200, 0) == Approx(0.025));
  }
  SECTION("decay_steps 0 means one epoch") {
    const auto schedule = make_schedule({"exponential_decay", {}}, 1.0, 20);
    CHECK(dynamic_cast<const ExponentialDecay&>(*schedule).options().decay_steps == 20);
    CHECK(schedule->learning_rate(20, 1) == Approx(0.96));
    CHECK(schedule->learning_rate(40, 2) == Approx(0.96 * 0.96));
  }
}

TEST_CASE("cosine_decay warms up linearly from 0, then follows half a cosine to alpha * base",
          "[schedules]") {
  SECTION("with warm-up and alpha") {
    const auto schedule = make_schedule(
        {"cosine_decay", {{"decay_steps", 100.0}, {"alpha", 0.1}, {"warmup_steps", 10.0}}}, 1.0,
        10);
    CHECK(schedule->learning_rate(0, 0) == 0.0);
    CHECK(schedule->learning_rate(5, 0) == Approx(0.5));
    CHECK(schedule->learning_rate(10, 1) == Approx(1.0));
    // 25 steps into 100: 0.9 * 0.5 (1 + cos(pi / 4)) + 0.1
    CHECK(schedule->learning_rate(35, 3) == Approx(0.9 * 0.5 * (1.0 + std::sqrt(0.5)) + 0.1));
    CHECK(schedule->learning_rate(60, 6) == Approx(0.55));
    CHECK(schedule->learning_rate(110, 11) == Approx(0.1));
    CHECK(schedule->learning_rate(1000, 100) == Approx(0.1));
  }
  SECTION("without warm-up it starts at the base rate, as Keras CosineDecay") {
    const auto schedule = make_schedule({"cosine_decay", {{"decay_steps", 4.0}}}, 0.2, 10);
    CHECK(schedule->learning_rate(0, 0) == 0.2);
    CHECK(schedule->learning_rate(2, 0) == Approx(0.1));
    CHECK(schedule->learning_rate(4, 0) == Approx(0.0).margin(1e-15));
  }
  SECTION("decay_steps 0 means decay_epochs epochs") {
    const auto schedule = make_schedule({"cosine_decay", {{"decay_epochs", 2.5}}}, 1.0, 8);
    CHECK(dynamic_cast<const CosineDecay&>(*schedule).options().decay_steps == 20);
    CHECK(schedule->learning_rate(10, 1) == Approx(0.5));
  }
}

TEST_CASE("reduce_on_plateau has Keras's defaults", "[schedules][plateau]") {
  const auto schedule = make_schedule({"reduce_on_plateau", {}}, 0.01, 10);
  const auto& options = dynamic_cast<const ReduceOnPlateau&>(*schedule).options();
  CHECK(options.monitor == "val_loss");
  CHECK(options.factor == 0.1);
  CHECK(options.patience == 10);
  CHECK(options.min_delta == 1e-4);
  CHECK(options.cooldown == 0);
  CHECK(options.min_lr == 0.0);
  CHECK_FALSE(dynamic_cast<const ReduceOnPlateau&>(*schedule).maximizes());
  CHECK(schedule->learning_rate(0, 0) == 0.01);
}

TEST_CASE("reduce_on_plateau reduces after patience epochs without a min_delta improvement",
          "[schedules][plateau]") {
  const auto schedule = make_schedule(
      {"reduce_on_plateau", {{"patience", 2.0}, {"factor", 0.5}, {"min_delta", 0.01}}}, 1.0, 10);
  // 0.995 is not 0.01 better than 1.0 (wait 1); 0.98 is (wait 0); 0.979 and
  // 0.978 are not (wait 1, 2: halve); 0.99 (wait 1); 0.5 improves; 0.6, 0.6 halve.
  const auto rates =
      rates_after(*schedule, "val_loss", {1.0, 0.995, 0.98, 0.979, 0.978, 0.99, 0.5, 0.6, 0.6});
  CHECK(rates == std::vector<double>{1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25});
  // The rate a step asks for is the current one, whatever the step.
  CHECK(schedule->learning_rate(999, 9) == 0.25);
}

TEST_CASE("reduce_on_plateau never goes below min_lr", "[schedules][plateau]") {
  const auto schedule = make_schedule(
      {"reduce_on_plateau", {{"patience", 1.0}, {"factor", 0.1}, {"min_lr", 0.05}}}, 1.0, 10);
  const auto rates = rates_after(*schedule, "val_loss", {1.0, 1.0, 1.0, 1.0});
  REQUIRE(rates.size() == 4);
  CHECK(rates[0] == 1.0);
  CHECK(rates[1] == Approx(0.1));
  CHECK(rates[2] == 0.05);
  CHECK(rates[3] == 0.05);
}

TEST_CASE("reduce_on_plateau's cooldown suspends waiting as Keras counts it",
          "[schedules][plateau]") {
  // Keras counts the cooldown down before testing it: cooldown 3 after the
  // reduction at epoch 1 suspends epochs 2 and 3; epoch 4 waits and reduces.
  const auto with_cooldown = make_schedule(
      {"reduce_on_plateau", {{"patience", 1.0}, {"factor", 0.5}, {"cooldown", 3.0}}}, 1.0, 10);
  CHECK(rates_after(*with_cooldown, "val_loss", {1.0, 1.0, 1.0, 1.0, 1.0, 1.0}) ==
        std::vector<double>{1.0, 0.5, 0.5, 0.5, 0.25, 0.25});
  const auto without =
      make_schedule({"reduce_on_plateau", {{"patience", 1.0}, {"factor", 0.5}}}, 1.0, 10);
  CHECK(rates_after(*without, "val_loss", {1.0, 1.0, 1.0, 1.0}) ==
        std::vector<double>{1.0, 0.5, 0.25, 0.125});
}

TEST_CASE("reduce_on_plateau maximises accuracy-like monitors", "[schedules][plateau]") {
  const auto schedule = make_schedule(
      {"reduce_on_plateau", {{"monitor", std::string{"val_accuracy"}}, {"patience", 1.0}}}, 1.0,
      10);
  CHECK(dynamic_cast<const ReduceOnPlateau&>(*schedule).maximizes());
  const auto rates = rates_after(*schedule, "val_accuracy", {0.5, 0.6, 0.6, 0.7});
  REQUIRE(rates.size() == 4);
  CHECK(rates[0] == 1.0);
  CHECK(rates[1] == 1.0);
  CHECK(rates[2] == Approx(0.1));
  CHECK(rates[3] == Approx(0.1));

  const auto forced_min =
      make_schedule({"reduce_on_plateau",
                     {{"monitor", std::string{"val_accuracy"}}, {"mode", std::string{"min"}}}},
                    1.0, 10);
  CHECK_FALSE(dynamic_cast<const ReduceOnPlateau&>(*forced_min).maximizes());
  const auto f1 =
      make_schedule({"reduce_on_plateau", {{"monitor", std::string{"val_f1_score"}}}}, 1.0, 10);
  CHECK(dynamic_cast<const ReduceOnPlateau&>(*f1).maximizes());
}

TEST_CASE("reduce_on_plateau names a monitor missing from the logs", "[schedules][plateau]") {
  const auto schedule = make_schedule({"reduce_on_plateau", {}}, 1.0, 10);
  CHECK_THROWS_AS(schedule->on_epoch_end(0, {{"loss", 1.0}, {"accuracy", 0.5}}), TrainingError);
  CHECK_THROWS_WITH(schedule->on_epoch_end(0, {{"loss", 1.0}, {"accuracy", 0.5}}),
                    "reduce_on_plateau: monitor \"val_loss\" is not in the epoch's logs; "
                    "logged: accuracy, loss");
}

TEST_CASE("make_schedule rejects bad names and values with exact messages",
          "[schedules][registry][errors]") {
  CHECK_THROWS_AS(make_schedule({"cosine", {}}, 0.1, 10), ConfigError);
  CHECK_THROWS_WITH(make_schedule({"cosine", {}}, 0.1, 10),
                    "unknown schedule \"cosine\"; known: constant, step_decay, "
                    "exponential_decay, cosine_decay, reduce_on_plateau");
  CHECK_THROWS_WITH(make_schedule({"step_dcay", {}}, 0.1, 10),
                    "unknown schedule \"step_dcay\"; did you mean \"step_decay\"? known: "
                    "constant, step_decay, exponential_decay, cosine_decay, reduce_on_plateau");
  CHECK_THROWS_WITH(make_schedule({"reduce_on_plateau", {{"factor", 1.0}}}, 0.1, 10),
                    "reduce_on_plateau.factor: 1 is not accepted; expected a number in (0, 1)");
  CHECK_THROWS_WITH(
      make_schedule({"reduce_on_plateau", {{"mode", std::string{"up"}}}}, 0.1, 10),
      "reduce_on_plateau.mode: \"up\" is not accepted; expected one of: auto, min, max");
  CHECK_THROWS_WITH(make_schedule({"step_decay", {{"every_epochs", 2.5}}}, 0.1, 10),
                    "step_decay.every_epochs: 2.5 is not accepted; expected an integer >= 1");
  CHECK_THROWS_WITH(make_schedule({"constant", {{"rate", 1.0}}}, 0.1, 10),
                    "constant: unknown parameter \"rate\"; it takes none");
  CHECK_THROWS_WITH(make_schedule({"cosine_decay", {}}, 0.1, 0),
                    "cosine_decay: steps_per_epoch 0 is not accepted; expected an integer >= 1");
  CHECK_THROWS_WITH(make_schedule({"constant", {}}, 0.0, 10),
                    "constant: base learning rate 0 is not accepted; expected a number > 0");
}

}  // namespace sweep::engine
