#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "engine/callbacks/best_epoch.hpp"
#include "engine/callbacks/early_stopping.hpp"
#include "engine/callbacks/terminate_on_nan.hpp"
#include "engine/errors.hpp"
#include "engine/layers/dense.hpp"
#include "engine/losses/loss.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "engine/schedules/schedule.hpp"
#include "tests/engine/model/model_data.hpp"

using namespace sweep::engine;

namespace {

std::vector<Matrix> snapshot(const Sequential& model) {
  std::vector<Matrix> weights;
  for (const Matrix* w : model.weights()) weights.push_back(*w);
  return weights;
}

class BatchRecorder : public Callback {
 public:
  void on_epoch_begin(int epoch) override { events.push_back("begin " + std::to_string(epoch)); }
  bool on_batch_end(int epoch, int batch, double loss) override {
    epochs.push_back(epoch);
    batches.push_back(batch);
    losses.push_back(loss);
    events.push_back("batch");
    return true;
  }
  bool on_epoch_end(const EpochLog& log) override {
    epoch_ends.push_back(log.epoch);
    events.push_back("end " + std::to_string(log.epoch));
    return true;
  }
  std::vector<int> epochs, batches, epoch_ends;
  std::vector<double> losses;
  std::vector<std::string> events;  // the calls in order
};

// The model's weights after every epoch, as the trainer sees them then.
class Snapshots : public Callback {
 public:
  explicit Snapshots(const Sequential& model) : model_(model) {}
  bool on_epoch_end(const EpochLog& /*log*/) override {
    after_epoch.push_back(snapshot(model_));
    return true;
  }
  std::vector<std::vector<Matrix>> after_epoch;

 private:
  const Sequential& model_;
};

class StopAfter : public Callback {
 public:
  explicit StopAfter(int epoch) : epoch_(epoch) {}
  bool on_epoch_end(const EpochLog& log) override { return log.epoch < epoch_; }
  std::string stop_reason() const override { return "stopped by the test"; }

 private:
  int epoch_;
};

// What a schedule of the test's own was told, kept outside it: fit owns the
// schedule it makes.
struct ScheduleCalls {
  std::vector<std::pair<double, long long>> made;  // (base rate, steps per epoch)
  std::vector<std::pair<long long, int>> seen;
  std::vector<int> ended;
  std::vector<double> losses;
};

// 0.01 / (1 + step), recording what it is told.
class Recorded : public Schedule {
 public:
  explicit Recorded(ScheduleCalls& calls) : calls_(calls) {}
  double learning_rate(long long step, int epoch) const override {
    calls_.seen.emplace_back(step, epoch);
    return 0.01 / static_cast<double>(1 + step);
  }
  void on_epoch_end(int epoch, const std::map<std::string, double>& logs) override {
    calls_.ended.push_back(epoch);
    calls_.losses.push_back(logs.at("loss"));
  }

 private:
  ScheduleCalls& calls_;
};

ScheduleFactory recorded(ScheduleCalls& calls) {
  return [&calls](double base_learning_rate, long long steps_per_epoch) {
    calls.made.emplace_back(base_learning_rate, steps_per_epoch);
    return std::make_unique<Recorded>(calls);
  };
}

}  // namespace

TEST_CASE("fit logs Keras's sample-weighted loss, metrics and validation", "[model][fit]") {
  // 70 training rows in batches of 32: 32, 32, 6.
  const auto data = testing::spirals(30, 0.2, 20.0 / 90.0, 3);
  REQUIRE(data.train.rows() == 70);
  Rng rng(5);
  Sequential model = testing::mlp(2, {8}, 3, rng);
  BatchRecorder recorder;
  FitOptions options;
  options.epochs = 2;
  options.batch_size = 32;
  options.trace_points = 2;  // window of max(1, 3 / 2) = 1 batch -> 3 points
  const History history = model.fit(data.train, &data.validation, options, rng, {&recorder});
  REQUIRE(history.epochs.size() == 2);
  CHECK_FALSE(history.stopped);
  CHECK(recorder.batches == std::vector<int>{0, 1, 2, 0, 1, 2});
  CHECK(recorder.epochs == std::vector<int>{1, 1, 1, 2, 2, 2});
  CHECK(recorder.epoch_ends == std::vector<int>{1, 2});
  CHECK(recorder.events == std::vector<std::string>{"begin 1", "batch", "batch", "batch", "end 1",
                                                    "begin 2", "batch", "batch", "batch", "end 2"});
  const EpochLog& first = history.epochs[0];
  CHECK(first.epoch == 1);
  const double weighted =
      (recorder.losses[0] * 32 + recorder.losses[1] * 32 + recorder.losses[2] * 6) / 70;
  CHECK(first.values.at("loss") == Approx(weighted).epsilon(1e-12));
  CHECK(first.loss_trace ==
        std::vector<double>(recorder.losses.begin(), recorder.losses.begin() + 3));
  CHECK(first.learning_rate == Approx(0.01));
  for (const char* key : {"loss", "accuracy", "val_loss", "val_accuracy"})
    CHECK(first.values.count(key) == 1);
  CHECK(first.values.size() == 4);
  CHECK(first.seconds >= 0.0);
}

TEST_CASE("the loss trace has one point per window of batches", "[model][fit]") {
  const auto data = testing::spirals(100, 0.2, 0.0, 3);  // 300 rows -> 19 batches of 16
  Rng rng(5);
  Sequential model = testing::mlp(2, {8}, 3, rng);
  BatchRecorder recorder;
  FitOptions options;
  options.batch_size = 16;
  options.trace_points = 4;  // windows of 19 / 4 = 4 batches: 4 full, then 3 batches
  const History history = model.fit(data.train, nullptr, options, rng, {&recorder});
  const auto& trace = history.epochs[0].loss_trace;
  REQUIRE(trace.size() == 5);
  CHECK(trace[0] ==
        Approx(std::accumulate(recorder.losses.begin(), recorder.losses.begin() + 4, 0.0) / 4));
  CHECK(trace[4] ==
        Approx(std::accumulate(recorder.losses.begin() + 16, recorder.losses.end(), 0.0) / 3));
  CHECK(history.epochs[0].values.count("val_loss") == 0);
}

TEST_CASE("a callback returning false stops fit at once", "[model][fit]") {
  const auto data = testing::spirals(50, 0.2, 0.2, 3);
  Rng rng(5);
  Sequential model = testing::mlp(2, {8}, 3, rng);
  StopAfter stop(3);
  BatchRecorder after;
  FitOptions options;
  options.epochs = 10;
  const History history = model.fit(data.train, &data.validation, options, rng, {&stop, &after});
  CHECK(history.stopped);
  CHECK(history.stop_reason == "stopped by the test");
  CHECK(history.epochs.size() == 3);
  // Stopping at once: the callback after it is not told about epoch 3.
  CHECK(after.epoch_ends == std::vector<int>{1, 2});
}

TEST_CASE("terminate on nan stops at the first non-finite batch loss", "[model][fit]") {
  // 100 rows, row 70 holds a NaN: without shuffling it is in batch 2 (of 32).
  std::vector<float> x(200, 0.5f);
  x[140] = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::int32_t> y(100);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<std::int32_t>(i % 3);
  const Split train(2, {}, std::move(x), std::move(y), {}, {});
  Rng rng(5);
  Sequential model = testing::mlp(2, {8}, 3, rng);
  TerminateOnNaN terminate;
  FitOptions options;
  options.epochs = 3;
  options.shuffle = false;
  const History history = model.fit(train, nullptr, options, rng, {&terminate});
  CHECK(history.stopped);
  CHECK(history.stop_reason == "terminate on nan: loss is nan at epoch 1, batch 2");
  CHECK(history.epochs.empty());
}

TEST_CASE("early stopping waits patience epochs and restores the best weights", "[model][fit]") {
  const auto data = testing::spirals(50, 0.2, 0.2, 3);
  FitOptions options;
  options.epochs = 10;

  // Reference: the weights after exactly one epoch.
  Rng reference_rng(8);
  Sequential reference = testing::mlp(2, {8}, 3, reference_rng);
  options.epochs = 1;
  reference.fit(data.train, &data.validation, options, reference_rng);
  const auto after_one = snapshot(reference);

  // min_delta so large that only the first epoch (from +inf) counts as improving.
  options.epochs = 10;
  for (const bool restore : {false, true}) {
    DYNAMIC_SECTION("restore_best_weights " << restore) {
      Rng rng(8);
      Sequential model = testing::mlp(2, {8}, 3, rng);
      EarlyStopping stopping({.monitor = "val_loss",
                              .patience = 2,
                              .min_delta = 1e9,
                              .restore_best_weights = restore});
      const History history = model.fit(data.train, &data.validation, options, rng, {&stopping});
      CHECK(history.stopped);
      REQUIRE(history.epochs.size() == 3);
      CHECK(stopping.best_epoch() == 1);
      CHECK(stopping.stopped_epoch() == 3);
      CHECK(history.stop_reason == "early stopping: val_loss did not improve for 2 epochs (best " +
                                       [&] {
                                         std::ostringstream out;
                                         out << history.epochs[0].values.at("val_loss");
                                         return out.str();
                                       }() +
                                       " at epoch 1)");
      const bool same = snapshot(model) == after_one;
      CHECK(same == restore);
    }
  }
}

TEST_CASE("early stopping follows Keras's improvement rule", "[model][fit]") {
  EarlyStopping stopping({.monitor = "val_accuracy", .patience = 1, .min_delta = 0.01});
  CHECK(stopping.maximize());
  const auto epoch = [](int n, double value) {
    EpochLog log;
    log.epoch = n;
    log.values["val_accuracy"] = value;
    return log;
  };
  stopping.on_train_begin();
  CHECK(stopping.on_epoch_end(epoch(1, 0.50)));
  CHECK(stopping.on_epoch_end(epoch(2, 0.60)));         // +0.10: improves
  CHECK_FALSE(stopping.on_epoch_end(epoch(3, 0.605)));  // +0.005 < min_delta, patience 1: stop
  CHECK(stopping.best_epoch() == 2);
  CHECK_FALSE(EarlyStopping({.monitor = "loss"}).maximize());
  CHECK(EarlyStopping({.monitor = "val_f1_score"}).maximize());
  CHECK_FALSE(EarlyStopping({.monitor = "val_accuracy", .mode = "min"}).maximize());
  CHECK_THROWS_WITH(
      EarlyStopping({.monitor = "val_thing"}),
      "early_stopping: cannot tell whether \"val_thing\" should fall or rise; set mode to "
      "\"min\" or \"max\"");
  CHECK_THROWS_WITH(EarlyStopping({.mode = "up"}),
                    "early_stopping.mode: \"up\" is not accepted; expected one of: auto, min, max");
}

TEST_CASE("fit keeps the best epoch's weights by best_monitor", "[model][fit]") {
  const auto data = testing::spirals(50, 0.2, 0.2, 3);
  Rng rng(9);
  Sequential model = testing::mlp(2, {16}, 3, rng);
  CHECK_FALSE(model.has_best_weights());
  FitOptions options;
  options.epochs = 6;
  options.best_monitor = "val_loss";
  options.best_maximize = false;
  const History history = model.fit(data.train, &data.validation, options, rng);
  REQUIRE(model.has_best_weights());
  int best = 1;
  for (const auto& log : history.epochs) {
    if (log.values.at("val_loss") <
        history.epochs[static_cast<std::size_t>(best - 1)].values.at("val_loss")) {
      best = log.epoch;
    }
  }
  CHECK(history.best_epoch == best);
  model.restore_best_weights();
  CHECK(model.evaluate(data.validation).at("loss") ==
        Approx(history.epochs[static_cast<std::size_t>(best - 1)].values.at("val_loss")));
}

TEST_CASE("best_monitor and early stopping keep their own best weights, one mechanism",
          "[model][fit]") {
  const auto data = testing::spirals(50, 0.2, 0.2, 3);
  Rng rng(8);
  Sequential model = testing::mlp(2, {8}, 3, rng);
  Snapshots snapshots(model);
  // Only epoch 1 improves on +inf by min_delta: stops after epoch 3, best epoch 1.
  EarlyStopping stopping(
      {.monitor = "val_loss", .patience = 2, .min_delta = 1e9, .restore_best_weights = true});
  FitOptions options;
  options.epochs = 10;
  options.best_monitor = "val_loss";
  options.best_maximize = false;
  const History history =
      model.fit(data.train, &data.validation, options, rng, {&snapshots, &stopping});
  REQUIRE(history.epochs.size() == 3);
  REQUIRE(stopping.best_epoch() == 1);
  int best = 1;
  for (const auto& log : history.epochs) {
    if (log.values.at("val_loss") <
        history.epochs[static_cast<std::size_t>(best - 1)].values.at("val_loss")) {
      best = log.epoch;
    }
  }
  CHECK(history.best_epoch == best);
  CHECK(best != 1);  // val_loss still falls over the first epochs of this seed
  // The stop restored early stopping's copy; the model's own is the best_monitor epoch's.
  CHECK(snapshot(model) == snapshots.after_epoch[0]);
  REQUIRE(model.has_best_weights());
  model.restore_best_weights();
  CHECK(snapshot(model) == snapshots.after_epoch[static_cast<std::size_t>(best - 1)]);
}

TEST_CASE("the best epoch is strictly better, skips epochs without the key and never NaN",
          "[model][fit]") {
  const auto epoch = [](int n, std::optional<double> value) {
    EpochLog log;
    log.epoch = n;
    if (value) log.values["val_accuracy"] = *value;
    return log;
  };
  BestEpoch best("val_accuracy", true);
  CHECK(best.keeps_best_weights());
  CHECK(best.best_epoch() == 0);
  CHECK(best.on_epoch_end(epoch(1, std::numeric_limits<double>::quiet_NaN())));
  CHECK(best.best_epoch() == 0);
  best.on_epoch_end(epoch(2, 0.5));
  best.on_epoch_end(epoch(3, 0.5));  // equal: not better
  best.on_epoch_end(epoch(4, std::nullopt));
  CHECK(best.best_epoch() == 2);
  best.on_epoch_end(epoch(5, 0.6));
  CHECK(best.best_epoch() == 5);
  CHECK(best.best() == 0.6);
  best.on_train_begin();
  CHECK(best.best_epoch() == 0);
  BestEpoch lowest("val_accuracy", false);
  lowest.on_epoch_end(epoch(1, 0.5));
  lowest.on_epoch_end(epoch(2, 0.4));
  CHECK(lowest.best_epoch() == 2);
}

TEST_CASE("a stop after a batch keeps the epoch it cut short", "[model][fit]") {
  class StopAtBatch : public Callback {
   public:
    bool on_batch_end(int epoch, int batch, double loss) override {
      if (epoch == 2) losses.push_back(loss);
      return !(epoch == 2 && batch == 2);
    }
    std::string stop_reason() const override { return "stopped at a batch"; }
    std::vector<double> losses;  // epoch 2's batch losses
  };
  const auto data = testing::spirals(50, 0.2, 0.2, 3);  // 120 training rows: 4 batches of 32
  Rng rng(5);
  Sequential model = testing::mlp(2, {8}, 3, rng);
  StopAtBatch stop;
  BatchRecorder after;
  FitOptions options;
  options.epochs = 5;
  options.trace_points = 2;  // windows of 2 batches: one full, then the stop's 1
  options.best_monitor = "val_accuracy";
  const History history = model.fit(data.train, &data.validation, options, rng, {&stop, &after});
  CHECK(history.stopped);
  CHECK(history.stop_reason == "stopped at a batch");
  REQUIRE(history.epochs.size() == 1);
  CHECK(history.best_epoch == 1);
  REQUIRE(history.partial_epoch.has_value());
  const EpochLog& cut = *history.partial_epoch;
  CHECK(cut.epoch == 2);
  REQUIRE(stop.losses.size() == 3);
  CHECK(cut.values.at("loss") ==
        Approx((stop.losses[0] + stop.losses[1] + stop.losses[2]) / 3).epsilon(1e-12));
  CHECK(cut.loss_trace.size() == 2);
  CHECK(cut.loss_trace[1] == stop.losses[2]);
  CHECK(cut.values.count("accuracy") == 1);
  CHECK(cut.values.count("val_loss") == 0);
  CHECK(cut.learning_rate == Approx(0.01));
  // Stopping at once: the callback after it did not see the stopping batch.
  CHECK(after.batches == std::vector<int>{0, 1, 2, 3, 0, 1});
}

TEST_CASE("fit asks the schedule for every step's rate", "[model][fit]") {
  const auto data = testing::spirals(20, 0.2, 0.0, 3);  // 60 rows -> 2 batches of 32
  Rng rng(5);
  Sequential model = testing::mlp(2, {8}, 3, rng);
  ScheduleCalls calls;
  FitOptions options;
  options.epochs = 2;
  options.schedule = recorded(calls);
  const History history = model.fit(data.train, nullptr, options, rng);
  // Made once, from the optimizer's rate (testing::mlp's 0.01) and the fit's batches.
  CHECK(calls.made == std::vector<std::pair<double, long long>>{{0.01, 2}});
  const std::vector<std::pair<long long, int>> expected{{0, 0}, {1, 0}, {2, 1}, {3, 1}};
  CHECK(calls.seen == expected);
  CHECK(calls.ended == std::vector<int>{0, 1});
  CHECK(calls.losses[1] == history.epochs[1].values.at("loss"));
  CHECK(history.epochs[1].learning_rate == Approx(0.01 / 4));  // the epoch's last step
}

TEST_CASE("every fit makes its own schedule: copies of the options share no state",
          "[model][fit]") {
  // reduce_on_plateau halves the rate after every epoch but the first (which
  // improves on +inf): none improves val_loss by 10. A schedule shared between
  // fits would start the second one already reduced.
  const auto data = testing::spirals(30, 0.2, 0.2, 3);
  FitOptions options;
  options.epochs = 4;
  options.schedule = schedule_factory(
      {"reduce_on_plateau", {{"patience", 1.0}, {"factor", 0.5}, {"min_delta", 10.0}}});
  const FitOptions copy = options;
  std::vector<std::vector<double>> rates;
  for (const FitOptions* each : std::vector<const FitOptions*>{&options, &copy, &options}) {
    Rng rng(4);
    Sequential model = testing::mlp(2, {8}, 3, rng);
    const History history = model.fit(data.train, &data.validation, *each, rng);
    rates.emplace_back();
    for (const auto& log : history.epochs) rates.back().push_back(log.learning_rate);
  }
  CHECK(rates[0] == std::vector<double>{0.01, 0.01, 0.005, 0.0025});
  CHECK(rates[1] == rates[0]);
  CHECK(rates[2] == rates[0]);
  CHECK_THROWS_WITH(schedule_factory({"step_decay", {{"every", 2.0}}}),
                    "step_decay: unknown parameter \"every\"; known: factor, every_epochs");
}

TEST_CASE("softmax is fused with crossentropy: huge logits stay finite", "[model][fit]") {
  Sequential model;
  auto dense = std::make_unique<Dense>(DenseOptions{.units = 3, .activation = Activation::softmax});
  Dense* last = dense.get();
  model.add(std::move(dense));
  Rng rng(1);
  model.build(2, rng);
  model.compile(make_optimizer({"sgd", {}}), make_loss({"categorical_crossentropy", {}}),
                {{"accuracy", {}}});
  last->kernel() << 1e4f, -1e4f, 0.0f, -1e4f, 1e4f, 0.0f;  // logits of +-1e4
  std::vector<float> x{1, 0, 0, 1};
  const Split data(2, {}, std::move(x), {1, 1}, {}, {});
  const Logs logs = model.evaluate(data);
  CHECK(std::isfinite(logs.at("loss")));
  CHECK(logs.at("loss") == Approx(1e4));  // row 0: 2e4 wrong; row 1: right
  CHECK(logs.at("accuracy") == 0.5);
  Matrix predictions;
  model.predict(data, predictions);
  CHECK(predictions.allFinite());
  CHECK(predictions(1, 1) == 1.0f);  // predict gives probabilities
  FitOptions options;
  options.batch_size = 2;
  const History history = model.fit(data, nullptr, options, rng);
  CHECK(std::isfinite(history.epochs[0].values.at("loss")));
  CHECK(last->kernel().allFinite());
}

TEST_CASE("evaluate and predict agree and are repeatable with dropout", "[model][fit]") {
  const auto data = testing::spirals(40, 0.2, 0.25, 3);
  Sequential model;
  model.add(make_layer({"dense", {{"units", 16.0}, {"activation", std::string{"relu"}}}}));
  model.add(make_layer({"dropout", {{"rate", 0.3}}}));
  model.add(make_layer({"dense", {{"units", 3.0}, {"activation", std::string{"softmax"}}}}));
  Rng rng(2);
  model.build(2, rng);
  model.compile(make_optimizer({"adam", {}}), make_loss({"sparse_categorical_crossentropy", {}}),
                {{"accuracy", {}}, {"f1_score", {}}});
  FitOptions options;
  options.epochs = 3;
  model.fit(data.train, &data.validation, options, rng);
  const Logs once = model.evaluate(data.validation, 7);
  const Logs twice = model.evaluate(data.validation, 64);
  CHECK(once.at("accuracy") == twice.at("accuracy"));
  CHECK(once.at("loss") == Approx(twice.at("loss")).epsilon(1e-6));
  CHECK(once.count("f1_score") == 1);
  Matrix predictions;
  model.predict(data.validation, predictions, 5);
  REQUIRE(predictions.rows() == static_cast<Eigen::Index>(data.validation.rows()));
  long long right = 0;
  for (Eigen::Index r = 0; r < predictions.rows(); ++r) {
    Eigen::Index best = 0;
    predictions.row(r).maxCoeff(&best);
    right += best == data.validation.labels()[static_cast<std::size_t>(r)] ? 1 : 0;
    CHECK(predictions.row(r).sum() == Approx(1.0));
  }
  CHECK(static_cast<double>(right) / predictions.rows() == Approx(once.at("accuracy")));
}

TEST_CASE("fit refuses what it cannot do, with exact messages", "[model][fit]") {
  const auto data = testing::spirals(10, 0.2, 0.0, 3);
  Rng rng(1);
  Sequential uncompiled;
  uncompiled.add(make_layer({"dense", {{"units", 3.0}}}));
  uncompiled.build(2, rng);
  CHECK_THROWS_WITH(uncompiled.fit(data.train, nullptr, {}, rng),
                    "fit: the model is not compiled; call compile first");
  Sequential empty;
  CHECK_THROWS_WITH(empty.build(2, rng), "build: the model has no layers");

  Sequential model = testing::mlp(3, {4}, 3, rng);
  CHECK_THROWS_WITH(model.fit(data.train, nullptr, {}, rng),
                    "fit: data has 2 features; the model was built for 3");
  Sequential narrow = testing::mlp(2, {4}, 2, rng);
  CHECK_THROWS_WITH(narrow.fit(data.train, nullptr, {}, rng),
                    "fit: label 2 is out of range for an output of 2 units; expected 0..1");
  FitOptions bad;
  bad.batch_size = 0;
  Sequential fine = testing::mlp(2, {4}, 3, rng);
  CHECK_THROWS_WITH(fine.fit(data.train, nullptr, bad, rng),
                    "fit: batch_size 0 is not accepted; expected >= 1");
  CHECK_THROWS_WITH(fine.restore_best_weights(), "restore_best_weights: no best weights were kept");
  CHECK_THROWS_AS(
      fine.compile(make_optimizer({"adam", {}}), make_loss({"huber", {}}), {{"acuracy", {}}}),
      ConfigError);
}

TEST_CASE("callbacks are created from spec parameters", "[model][fit][registry]") {
  CHECK(callback_names() == std::vector<std::string>{"early_stopping", "terminate_on_nan"});
  const auto callback = make_callback({"early_stopping",
                                       {{"monitor", std::string{"val_accuracy"}},
                                        {"patience", 3.0},
                                        {"restore_best_weights", true}}});
  const auto* stopping = dynamic_cast<const EarlyStopping*>(callback.get());
  REQUIRE(stopping != nullptr);
  CHECK(stopping->options().monitor == "val_accuracy");
  CHECK(stopping->options().patience == 3);
  CHECK(stopping->options().min_delta == 0.0);
  CHECK(stopping->options().restore_best_weights);
  CHECK(stopping->maximize());
  CHECK(dynamic_cast<const TerminateOnNaN*>(make_callback({"terminate_on_nan", {}}).get()) !=
        nullptr);
  CHECK_THROWS_WITH(make_callback({"early_stopping", {{"patience", -1.0}}}),
                    "early_stopping.patience: -1 is not accepted; expected an integer >= 0");
  CHECK_THROWS_WITH(
      make_callback({"early_stopping", {{"patiense", 2.0}}}),
      "early_stopping: unknown parameter \"patiense\"; did you mean \"patience\"? known: "
      "monitor, patience, min_delta, mode, restore_best_weights");
  CHECK_THROWS_WITH(make_callback({"early_stoping", {}}),
                    "unknown callback \"early_stoping\"; did you mean \"early_stopping\"? known: "
                    "early_stopping, terminate_on_nan");
}

TEST_CASE("a callback without a reason still leaves one in the history", "[model][fit]") {
  class Quiet : public Callback {
   public:
    bool on_batch_end(int epoch, int batch, double /*loss*/) override {
      return !(epoch == 2 && batch == 1);
    }
  };
  const auto data = testing::spirals(30, 0.2, 0.0, 3);
  Rng rng(5);
  Sequential model = testing::mlp(2, {8}, 3, rng);
  Quiet quiet;
  FitOptions options;
  options.epochs = 5;
  const History history = model.fit(data.train, nullptr, options, rng, {&quiet});
  CHECK(history.stopped);
  CHECK(history.stop_reason == "a callback stopped training at epoch 2, batch 1");
  CHECK(history.epochs.size() == 1);
}

TEST_CASE("set_weights makes a fresh model predict and evaluate as the trained one",
          "[model][fit]") {
  const auto data = testing::spirals(50, 0.2, 0.2, 4);
  Rng rng(10);
  Sequential trained = testing::mlp(2, {16, 8}, 3, rng);
  FitOptions options;
  options.epochs = 3;
  trained.fit(data.train, &data.validation, options, rng);
  Rng other(11);
  Sequential copy = testing::mlp(2, {16, 8}, 3, other);
  copy.set_weights(snapshot(trained));
  CHECK_FALSE(copy.has_best_weights());
  Matrix a;
  Matrix b;
  trained.predict(data.validation, a);
  copy.predict(data.validation, b);
  CHECK(a == b);
  CHECK(trained.evaluate(data.validation) == copy.evaluate(data.validation));

  std::vector<Matrix> wrong = snapshot(trained);
  wrong.pop_back();
  CHECK_THROWS_WITH(copy.set_weights(wrong), "set_weights: 5 tensors given; the model has 6");
  wrong = snapshot(trained);
  wrong[2].resize(8, 16);
  CHECK_THROWS_WITH(copy.set_weights(wrong),
                    "set_weights: tensor 2 is 8 x 16; the model's is 16 x 8");
  // Nothing changed by a refused call.
  copy.predict(data.validation, b);
  CHECK(a == b);
}
