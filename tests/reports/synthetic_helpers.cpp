#include "tests/reports/synthetic_helpers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace sweep::reports::testing {
namespace {

constexpr int kTraceWindows = 20;

// Uniform in [-1, 1], the same on every standard library (unlike <random>'s
// distributions).
double noise_unit(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) / static_cast<double>(1ULL << 53) * 2.0 - 1.0;
}

std::string hash_of(const nlohmann::json& params) {
  const std::size_t h = std::hash<std::string>{}(params.dump());
  char text[17];
  std::snprintf(text, sizeof text, "%016zx", h);
  return text;
}

}  // namespace

TrialRecord make_trial(std::int64_t id, const std::string& optimizer, double learning_rate,
                       int repeat, int epochs, const CurveShapes& shapes, std::uint64_t seed,
                       const nlohmann::json& extra) {
  TrialRecord trial;
  trial.id = id;
  trial.params = {{"optimizer", optimizer}, {"learning_rate", learning_rate}};
  for (const auto& [key, value] : extra.items()) trial.params[key] = value;
  nlohmann::json config = {{"dataset", {{"name", "spirals"}}}, {"training", {{"epochs", epochs}}}};
  config["optimizer"] = {{"name", optimizer}, {"learning_rate", learning_rate}};
  trial.config = std::move(config);
  trial.config_hash = hash_of(trial.params);
  trial.repeat = repeat;
  trial.seed = seed;
  trial.status = "completed";
  trial.started_at = "2024-05-01T10:00:00Z";
  trial.finished_at = "2024-05-01T10:00:07Z";
  std::mt19937_64 rng(seed);
  for (int e = 0; e < epochs; ++e) {
    EpochRecord epoch;
    epoch.epoch = e + 1;
    epoch.learning_rate = learning_rate;
    epoch.seconds = 1.25;
    double sum = 0.0;
    for (int w = 0; w < kTraceWindows; ++w) {
      const double t = e + (w + 0.5) / kTraceWindows;
      const double x = shapes.loss(t) * (1.0 + shapes.noise * noise_unit(rng));
      epoch.loss_trace.push_back(x);
      sum += x;
    }
    const double end = e + 1.0;
    auto noisy = [&](const Shape& f) { return f(end) * (1.0 + shapes.noise * noise_unit(rng)); };
    epoch.metrics["loss"] = sum / kTraceWindows;
    if (shapes.accuracy) epoch.metrics["accuracy"] = std::min(1.0, noisy(shapes.accuracy));
    if (shapes.val_loss) epoch.metrics["val_loss"] = noisy(shapes.val_loss);
    if (shapes.val_accuracy)
      epoch.metrics["val_accuracy"] = std::min(1.0, noisy(shapes.val_accuracy));
    trial.epochs.push_back(std::move(epoch));
    trial.seconds += 1.25;
  }
  if (!trial.epochs.empty()) {
    trial.test_metrics = {{"loss", trial.epochs.back().metrics["val_loss"] * 1.02},
                          {"accuracy", trial.epochs.back().metrics["val_accuracy"] * 0.99}};
  }
  return trial;
}

CurveShapes converging(int classes, double final_loss, double final_accuracy, double speed,
                       double noise) {
  const double chance = std::log(static_cast<double>(classes));
  const double chance_accuracy = 1.0 / classes;
  CurveShapes s;
  s.loss = [=](double t) { return final_loss + (chance - final_loss) * std::exp(-speed * t); };
  s.val_loss = [=](double t) {
    return 1.05 * (final_loss + (chance - final_loss) * std::exp(-speed * t));
  };
  s.accuracy = [=](double t) {
    return final_accuracy - (final_accuracy - chance_accuracy) * std::exp(-speed * t);
  };
  s.val_accuracy = [=](double t) {
    return 0.98 * final_accuracy - (0.98 * final_accuracy - chance_accuracy) * std::exp(-speed * t);
  };
  s.noise = noise;
  return s;
}

CurveShapes flat(int classes, double level, double noise) {
  const double chance_accuracy = 1.0 / classes;
  CurveShapes s;
  s.loss = [=](double) { return level; };
  s.val_loss = [=](double) { return level * 1.01; };
  s.accuracy = [=](double) { return chance_accuracy; };
  s.val_accuracy = [=](double) { return chance_accuracy; };
  s.noise = noise;
  return s;
}

CurveShapes oscillating(int classes, double level, double amplitude) {
  const double chance_accuracy = 1.0 / classes;
  CurveShapes s;
  // Alternates between windows: a period of two trace windows.
  s.loss = [=](double t) {
    const long window = std::lround(std::floor(t * kTraceWindows));
    return level * (1.0 + (window % 2 == 0 ? amplitude : -amplitude));
  };
  s.val_loss = [=](double) { return level * 1.1; };
  s.accuracy = [=](double) { return chance_accuracy + 0.1; };
  s.val_accuracy = [=](double) { return chance_accuracy + 0.08; };
  s.noise = 0.02;
  return s;
}

CurveShapes overfitting(int classes, double turn) {
  const double chance = std::log(static_cast<double>(classes));
  CurveShapes s;
  s.loss = [=](double t) { return 0.02 + (chance - 0.02) * std::exp(-0.5 * t); };
  s.val_loss = [=](double t) {
    const double fall = 0.3 + (chance - 0.3) * std::exp(-0.5 * t);
    return t <= turn ? fall : fall + 0.08 * (t - turn);
  };
  s.accuracy = [=](double t) { return 0.99 - 0.49 * std::exp(-0.5 * t); };
  s.val_accuracy = [=](double t) { return 0.88 - 0.38 * std::exp(-0.5 * t); };
  s.noise = 0.0;
  return s;
}

void diverge(TrialRecord& trial, int epoch, int batch, double loss) {
  trial.status = "diverged";
  trial.divergence = Divergence{epoch, batch, loss};
  trial.test_metrics.clear();
  if (std::isfinite(loss)) {
    // Stopped after a whole epoch: the epochs up to it stay as they are.
    while (!trial.epochs.empty() && trial.epochs.back().epoch > epoch) trial.epochs.pop_back();
    return;
  }
  while (!trial.epochs.empty() && trial.epochs.back().epoch >= epoch) trial.epochs.pop_back();
  // The epoch the stop cut short, as the runner records it: the loss over the
  // batches run, a trace ending in the explosion, no val_* values.
  EpochRecord partial;
  partial.epoch = epoch;
  partial.learning_rate = trial.params.value("learning_rate", 0.0);
  partial.metrics["loss"] = loss;
  partial.loss_trace = {loss};
  trial.epochs.push_back(std::move(partial));
}

SweepRecord make_sweep(std::vector<TrialRecord> trials, int classes) {
  SweepRecord sweep;
  sweep.id = 7;
  sweep.name = "spirals_lr";
  sweep.description = "which learning rate suits sgd and adam on spirals";
  sweep.status = "completed";
  sweep.spec = {{"name", sweep.name},
                {"dataset", {{"name", "spirals"}}},
                {"search", {{"optimizer", {"sgd", "adam"}}}}};
  sweep.spec_hash = "00112233aabbccdd";
  sweep.started_at = "2024-05-01T10:00:00Z";
  sweep.finished_at = "2024-05-01T10:02:30Z";
  sweep.duration_seconds = 150.0;
  sweep.jobs = 2;
  sweep.version = "0.1.0";
  sweep.host = "testhost";
  sweep.objective_metric = "val_accuracy";
  sweep.maximize = true;
  sweep.classes = classes;
  sweep.swept = {"optimizer", "learning_rate"};
  sweep.trials = std::move(trials);
  return sweep;
}

SweepRecord spirals_like_sweep() {
  const int k = 2;
  const double ln2 = std::log(2.0);
  std::vector<TrialRecord> trials;
  std::int64_t id = 1;
  // SGD: progress grows with the rate up to 1e-1; 1 is fast but noisy; 10 explodes.
  trials.push_back(make_trial(id++, "sgd", 1e-4, 0, 5, converging(k, 0.2, 0.9, 0.0008), 11));
  trials.push_back(make_trial(id++, "sgd", 1e-3, 0, 5, converging(k, 0.2, 0.9, 0.008), 12));
  trials.push_back(make_trial(id++, "sgd", 1e-2, 0, 5, converging(k, 0.2, 0.9, 0.08), 13));
  trials.push_back(make_trial(id++, "sgd", 1e-1, 0, 5, converging(k, 0.2, 0.92, 0.9), 14));
  trials.push_back(make_trial(id++, "sgd", 1e0, 0, 5, converging(k, 0.3, 0.86, 1.5, 0.08), 15));
  TrialRecord exploded = make_trial(id++, "sgd", 1e1, 0, 5, flat(k, ln2), 16);
  diverge(exploded, 1, 3, std::numeric_limits<double>::infinity());
  trials.push_back(std::move(exploded));
  // Adam: 1e-1 spikes then sits at ln 2 for good.
  trials.push_back(make_trial(id++, "adam", 1e-4, 0, 5, converging(k, 0.2, 0.9, 0.05), 21));
  trials.push_back(make_trial(id++, "adam", 1e-3, 0, 5, converging(k, 0.2, 0.9, 0.5), 22));
  trials.push_back(make_trial(id++, "adam", 1e-2, 0, 5, converging(k, 0.15, 0.93, 1.2), 23));
  CurveShapes dead = flat(k, ln2);
  dead.loss = [=](double t) { return t < 0.2 ? 6.0 : ln2 * 1.002; };
  trials.push_back(make_trial(id++, "adam", 1e-1, 0, 5, dead, 24));
  return make_sweep(std::move(trials), k);
}

SweepRecord large_sweep(int count, int epochs) {
  std::vector<TrialRecord> trials;
  const int per_optimizer = (count + 1) / 2;
  const int repeats = 5;
  const int rates = std::max(1, per_optimizer / repeats);
  for (int i = 0; i < count; ++i) {
    const bool adam = i >= per_optimizer;
    const int j = adam ? i - per_optimizer : i;
    const int r = j % rates;
    const double rate = std::pow(10.0, -5.0 + 5.0 * r / std::max(1, rates - 1));
    const double speed = 2.0 / (1.0 + std::fabs(std::log10(rate) + (adam ? 3.0 : 1.0)));
    trials.push_back(make_trial(i + 1, adam ? "adam" : "sgd", rate, j / rates, epochs,
                                converging(10, 0.3, 0.9, speed, 0.02),
                                static_cast<std::uint64_t>(1000 + i), {{"batch_size", 32}}));
  }
  SweepRecord sweep = make_sweep(std::move(trials), 10);
  sweep.swept.push_back("batch_size");
  return sweep;
}

namespace {

// The resolved config the runner stores for a trial of the random search.
nlohmann::json random_search_config(const std::string& optimizer, double learning_rate,
                                    int epochs) {
  using nlohmann::json;
  json opt = {{"name", optimizer},
              {"learning_rate", learning_rate},
              {"clipnorm", 0},
              {"clipvalue", 0},
              {"weight_decay", 0}};
  if (optimizer == "sgd") {
    opt["momentum"] = 0;
    opt["nesterov"] = false;
  } else if (optimizer == "adam") {
    opt["amsgrad"] = false;
    opt["beta_1"] = 0.9;
    opt["beta_2"] = 0.999;
    opt["epsilon"] = 1e-07;
  } else {
    opt["centered"] = false;
    opt["epsilon"] = 1e-07;
    opt["momentum"] = 0;
    opt["rho"] = 0.9;
  }
  auto dense = [](int units, const char* activation) {
    return json{{"activation", activation},
                {"kernel_initializer", "glorot_uniform"},
                {"l2", 0},
                {"type", "dense"},
                {"units", units},
                {"use_bias", true}};
  };
  return {{"dataset",
           {{"classes", 3},
            {"name", "spirals"},
            {"noise", 0.2},
            {"samples", 300},
            {"validation_split", 0.2},
            {"validation_split_mode", "stratified"}}},
          {"model", {{"layers", {dense(8, "relu"), dense(3, "softmax")}}}},
          {"training",
           {{"batch_size", 32},
            {"epochs", epochs},
            {"loss", {{"from_logits", false}, {"name", "categorical_crossentropy"}}},
            {"metrics", {{{"name", "accuracy"}}}},
            {"optimizer", std::move(opt)},
            {"schedule", {{"name", "constant"}}},
            {"shuffle", true}}}};
}

}  // namespace

SweepRecord random_search_sweep(int count, int epochs, std::uint64_t seed) {
  const int k = 3;
  const double chance = std::log(3.0);
  const std::vector<std::string> names = {"sgd", "adam", "rmsprop"};
  const std::vector<double> optimum = {0.5, 0.02, 0.01};  // each optimizer's best rate
  std::mt19937_64 rng(seed);
  auto unit = [&] { return static_cast<double>(rng() >> 11) / static_cast<double>(1ULL << 53); };
  std::vector<TrialRecord> trials;
  trials.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const std::size_t o = static_cast<std::size_t>(rng() % names.size());
    const double rate = std::pow(10.0, -5.0 + unit() * (5.0 + std::log10(3.0)));
    // Decades from the optimizer's optimum: < 0 too low, > 0 too high.
    const double off = std::log10(rate / optimum[o]);
    const std::uint64_t trial_seed = rng();
    CurveShapes shapes;
    if (off < 0.5) {
      // Below and at the optimum: learns at a speed that falls with each
      // decade down; the best reach ~0.8 validation accuracy.
      const double speed = 1.5 * std::pow(10.0, std::min(0.0, off));
      const double top = 0.82 - 0.02 * std::fabs(off);
      shapes = converging(k, 0.45, top, speed, 0.02);
    } else if (off < 1.0) {
      shapes = oscillating(k, 0.9, 0.3);
    } else {
      shapes = flat(k, chance);
      shapes.loss = [=](double t) { return t < 0.05 ? 2.0 : chance * 1.003; };
    }
    TrialRecord trial = make_trial(i + 1, names[o], rate, 0, epochs, shapes, trial_seed);
    trial.config = random_search_config(names[o], rate, epochs);
    trial.started_at = "2024-05-01T10:00:00.000Z";
    trial.finished_at = "2024-05-01T10:00:00.002Z";
    trial.seconds = 0.001;
    if (off >= 1.5) diverge(trial, 1, 2, std::numeric_limits<double>::infinity());
    trials.push_back(std::move(trial));
  }
  SweepRecord sweep = make_sweep(std::move(trials), k);
  sweep.name = "spirals_random";
  sweep.description = "random search over optimizer and learning rate on 3-class spirals";
  sweep.spec["search"] = {
      {"method", "random"},
      {"trials", count},
      {"parameters", {{"optimizer", names}, {"learning_rate", {{"loguniform", {1e-5, 3}}}}}}};
  sweep.data = {{"validation_rows", 60}, {"validation_classes", 3}};
  return sweep;
}

}  // namespace sweep::reports::testing
