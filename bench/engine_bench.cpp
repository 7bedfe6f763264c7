// engine_bench: sweep's engine measured as bench/torch_engine.py measures
// PyTorch, printing the same JSON lines (one per measurement):
//   engine_bench throughput [--train-limit 20000] [--epochs 2]
//                           [--models 784-256-128-10,784-128-10] [--batches 32,64,256]
//   engine_bench accuracy [--epochs 5] [--batch 64] [--model 784-256-128-10] [--seeds 0,1,2]
//   engine_bench matmul [--size 1024] [--repeats 5]
// Training goes through Sequential::fit exactly as a trial does (accuracy
// metric on, one thread); the clock is read by a callback at the end of each
// epoch, so that the warm-up epoch is left out and the engine's own timers
// are not trusted.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/datasets/dataset.hpp"
#include "engine/model.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "engine/tensor.hpp"

namespace {

using namespace sweep::engine;
using Clock = std::chrono::steady_clock;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

std::vector<int> integers(const std::string& text, char separator) {
  std::vector<int> values;
  for (const std::string& part : split(text, separator)) values.push_back(std::stoi(part));
  return values;
}

// Records when each epoch ends.
class EpochClock : public Callback {
 public:
  bool on_epoch_end(const EpochLog& /*log*/) override {
    ends.push_back(Clock::now());
    return true;
  }
  std::vector<Clock::time_point> ends;
};

long long weights(const std::vector<int>& sizes) {
  long long total = 0;
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) total += 1LL * sizes[i] * sizes[i + 1];
  return total;
}

// 784-256-128-10: relu hidden layers, softmax output; glorot-uniform kernels
// and zero biases are the dense layer's defaults, as in Keras.
Sequential make_model(const std::vector<int>& sizes, Rng& rng) {
  Sequential model;
  for (std::size_t i = 1; i < sizes.size(); ++i) {
    const bool last = i + 1 == sizes.size();
    model.add(make_layer({"dense",
                          {{"units", static_cast<double>(sizes[i])},
                           {"activation", std::string(last ? "softmax" : "relu")}}}));
  }
  model.build(static_cast<std::size_t>(sizes.front()), rng);
  model.compile(make_optimizer({"adam", {{"learning_rate", 1e-3}, {"epsilon", 1e-7}}}),
                make_loss({"categorical_crossentropy", {}}), {{"accuracy", {}}});
  return model;
}

std::shared_ptr<const Dataset> load(long long train_limit) {
  Params params{{"validation_split", 0.0}};
  if (train_limit > 0) params["train_limit"] = static_cast<double>(train_limit);
  return load_dataset({"fashion_mnist", params}, 0);
}

double log_value(const Logs& logs, const std::string& key) {
  auto it = logs.find(key);
  return it == logs.end() ? -1.0 : it->second;
}

int throughput(const std::map<std::string, std::string>& options) {
  const long long limit = std::stoll(options.at("train-limit"));
  const int epochs = std::stoi(options.at("epochs"));
  auto data = load(limit);
  for (const std::string& name : split(options.at("models"), ',')) {
    const std::vector<int> sizes = integers(name, '-');
    for (int batch : integers(options.at("batches"), ',')) {
      Rng rng(std::stoull(options.at("seed")));
      Sequential model = make_model(sizes, rng);
      EpochClock clock;
      FitOptions fit;
      fit.epochs = 1 + epochs;
      fit.batch_size = batch;
      History history = model.fit(data->train, nullptr, fit, rng, {&clock});
      if (clock.ends.size() != static_cast<std::size_t>(epochs) + 1) {
        std::fprintf(stderr, "engine_bench: fit stopped after %zu epochs: %s\n", clock.ends.size(),
                     history.stop_reason.c_str());
        return 1;
      }
      const double seconds =
          std::chrono::duration<double>(clock.ends.back() - clock.ends.front()).count();
      const double rate =
          static_cast<double>(epochs) * static_cast<double>(data->train.rows()) / seconds;
      const Logs& last = history.epochs.back().values;
      std::printf(
          "{\"tool\": \"sweep\", \"mode\": \"throughput\", \"model\": \"%s\", \"batch\": %d, "
          "\"samples\": %zu, \"epochs\": %d, \"seconds\": %.6f, \"samples_per_s\": %.3f, "
          "\"gflops\": %.4f, \"loss\": %.6f, \"accuracy\": %.6f}\n",
          name.c_str(), batch, data->train.rows(), epochs, seconds, rate,
          rate * 6.0 * static_cast<double>(weights(sizes)) / 1e9, log_value(last, "loss"),
          log_value(last, "accuracy"));
      std::fflush(stdout);
    }
  }
  return 0;
}

int accuracy(const std::map<std::string, std::string>& options) {
  const int epochs = std::stoi(options.at("epochs"));
  const int batch = std::stoi(options.at("batch"));
  const std::string name = options.at("model");
  const std::vector<int> sizes = integers(name, '-');
  auto data = load(std::stoll(options.at("train-limit")));
  for (int seed : integers(options.at("seeds"), ',')) {
    Rng rng(static_cast<std::uint64_t>(seed));
    Sequential model = make_model(sizes, rng);
    FitOptions fit;
    fit.epochs = epochs;
    fit.batch_size = batch;
    const auto start = Clock::now();
    History history = model.fit(data->train, nullptr, fit, rng);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const Logs test = model.evaluate(data->test);
    const Logs& last = history.epochs.back().values;
    std::printf(
        "{\"tool\": \"sweep\", \"mode\": \"accuracy\", \"model\": \"%s\", \"batch\": %d, "
        "\"samples\": %zu, \"epochs\": %zu, \"seed\": %d, \"seconds\": %.6f, \"loss\": %.6f, "
        "\"accuracy\": %.6f, \"test_accuracy\": %.6f}\n",
        name.c_str(), batch, data->train.rows(), history.epochs.size(), seed, seconds,
        log_value(last, "loss"), log_value(last, "accuracy"), log_value(test, "accuracy"));
    std::fflush(stdout);
  }
  return 0;
}

// The limit of this core: a large float32 product with Eigen, single thread
// (EIGEN_DONT_PARALLELIZE), best of `repeats`.
int matmul(const std::map<std::string, std::string>& options) {
  const int n = std::stoi(options.at("size"));
  const int repeats = std::stoi(options.at("repeats"));
  Rng rng(0);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  Matrix a(n, n), b(n, n), c(n, n);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = uniform(rng);
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = uniform(rng);
  c.noalias() = a * b;  // warm-up: caches, page faults, frequency
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    c.noalias() = a * b;
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::printf(
      "{\"tool\": \"sweep\", \"mode\": \"matmul\", \"size\": %d, \"seconds\": %.6f, "
      "\"gflops\": %.4f, \"checksum\": %.6g}\n",
      n, best, 2.0 * n * n * static_cast<double>(n) / best / 1e9, static_cast<double>(c.sum()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: engine_bench throughput|accuracy|matmul [--key value ...]\n");
    return 2;
  }
  const std::string mode = argv[1];
  std::map<std::string, std::string> options{{"train-limit", "20000"},
                                             {"epochs", "2"},
                                             {"models", "784-256-128-10,784-128-10"},
                                             {"batches", "32,64,256"},
                                             {"seed", "0"},
                                             {"batch", "64"},
                                             {"model", "784-256-128-10"},
                                             {"seeds", "0,1,2"},
                                             {"size", "1024"},
                                             {"repeats", "10"}};
  if (mode == "accuracy") {
    options["train-limit"] = "0";  // all 60,000
    options["epochs"] = "5";
  }
  for (int i = 2; i < argc; i += 2) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc || !options.contains(key.substr(2))) {
      std::fprintf(stderr, "engine_bench: unknown or incomplete option \"%s\"\n", key.c_str());
      return 2;
    }
    options[key.substr(2)] = argv[i + 1];
  }
  try {
    if (mode == "throughput") return throughput(options);
    if (mode == "accuracy") return accuracy(options);
    if (mode == "matmul") return matmul(options);
    std::fprintf(stderr,
                 "engine_bench: unknown mode \"%s\" (accepted: throughput, accuracy, matmul)\n",
                 mode.c_str());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "engine_bench: %s\n", error.what());
    return 1;
  }
}
