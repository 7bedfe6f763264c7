#include "runner/sweep_data.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <set>
#include <stdexcept>

#include "engine/errors.hpp"
#include "engine/tensor.hpp"
#include "runner/errors.hpp"
#include "runner/memory_estimate.hpp"
#include "runner/trial_runner.hpp"

namespace sweep::runner {
namespace {

// A 64-bit running hash over 64-bit words (a multiply-rotate round, as in
// xxHash): fast enough for Fashion-MNIST's 42 million values in tens of
// milliseconds; it detects different data, it does not resist an adversary.
class WordHash {
 public:
  void add(std::uint64_t word) {
    h_ ^= word * 0x9E3779B97F4A7C15ULL;
    h_ = std::rotl(h_, 31) * 0xBF58476D1CE4E5B9ULL;
  }
  void add_bytes(const void* bytes, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(bytes);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      add(word);
    }
    std::uint64_t tail = 0;
    if (size > i) std::memcpy(&tail, p + i, size - i);
    add(tail ^ (static_cast<std::uint64_t>(size) << 56));
  }
  std::uint64_t value() const { return h_ ^ (h_ >> 29); }

 private:
  std::uint64_t h_ = 0x243F6A8885A308D3ULL;
};

// The split's labels and its features as the trials see them (scaled
// float32), read through gather_range a block of rows at a time.
void add_split(WordHash& hash, const engine::Split& split) {
  hash.add(split.rows());
  hash.add(split.features());
  const auto labels = split.labels();
  hash.add_bytes(labels.data(), labels.size_bytes());
  constexpr std::size_t kBlock = 1024;
  engine::Matrix x(static_cast<Eigen::Index>(std::min(kBlock, split.rows())),
                   static_cast<Eigen::Index>(split.features()));
  for (std::size_t first = 0; first < split.rows(); first += kBlock) {
    const std::size_t count = std::min(kBlock, split.rows() - first);
    split.gather_range(first, count, x);
    hash.add_bytes(x.data(), count * split.features() * sizeof(float));
  }
}

// Refuses, before any trial allocates, a model that this machine's memory
// cannot hold even once, naming the estimate.
void check_memory(const Spec& spec, const std::vector<TrialPlan>& plans, const SweepData& data) {
  const std::uint64_t physical = physical_memory_bytes();
  if (physical == 0) return;
  MemoryEstimate largest;
  std::size_t largest_batch = 0;
  for (const auto& plan : plans) {
    const auto& dataset = *data.datasets.at(plan.config["dataset"].dump());
    const auto& training = plan.config["training"];
    const std::size_t batch = training.is_object() && training.contains("batch_size") &&
                                      training["batch_size"].is_number_unsigned()
                                  ? training["batch_size"].get<std::size_t>()
                                  : 32;
    const MemoryEstimate estimate =
        estimate_trial_memory(plan.config["model"], dataset.features, batch);
    if (estimate.bytes > largest.bytes) {
      largest = estimate;
      largest_batch = batch;
    }
  }
  if (largest.bytes <= static_cast<double>(physical)) return;
  throw SpecError(
      spec.source,
      {{"model.layers",
        fmt::format("a trial of this model needs about {} ({:.3g} parameters with their "
                    "gradients, optimizer slots and best-epoch copy, and the activations of "
                    "{} rows); this machine has {}",
                    describe_bytes(largest.bytes), largest.parameters,
                    std::max<std::size_t>(largest_batch, 256),
                    describe_bytes(static_cast<double>(physical)))}});
}

}  // namespace

SweepData load_sweep_data(const Spec& spec, const std::vector<TrialPlan>& plans) {
  SweepData out;
  std::vector<SpecProblem> problems;
  const auto report = [&problems](const std::string& path, const std::string& message) {
    for (const auto& p : problems)
      if (p.path == path && p.message == message) return;
    problems.push_back({path, message});
  };
  std::set<std::string> unloadable;
  for (const auto& plan : plans) {
    const std::string key = plan.config["dataset"].dump();
    if (unloadable.count(key) != 0) continue;
    if (out.datasets.count(key) == 0) {
      try {
        auto data = engine::load_dataset(to_component(plan.config["dataset"]), spec.seed);
        out.dead_accuracies[key] = dead_accuracy(
            data->validation.rows() > 0 ? data->validation.labels() : data->train.labels());
        out.datasets.emplace(key, std::move(data));
      } catch (const engine::EngineError& e) {
        report("dataset", e.what());
        unloadable.insert(key);
        continue;
      }
    }
    const engine::Dataset& data = *out.datasets.at(key);
    const std::size_t units = output_units(plan.config["model"]);
    const bool binary_ok = units == 1 && data.classes == 2;
    if (units != data.classes && !binary_ok) {
      report("model.layers", fmt::format("the last layer has {} units but dataset {} has {} "
                                         "classes; give it {} units",
                                         units, data.name, data.classes, data.classes));
    }
    try {
      class_weights(plan.config["training"].value("class_weight", nlohmann::json()), data);
    } catch (const std::invalid_argument& e) {
      report("training.class_weight", e.what());
    }
  }
  if (!problems.empty()) throw SpecError(spec.source, std::move(problems));
  check_memory(spec, plans, out);
  return out;
}

std::uint64_t data_fingerprint(const SweepData& data) {
  WordHash hash;
  for (const auto& [key, dataset] : data.datasets) {
    hash.add_bytes(key.data(), key.size());
    hash.add(dataset->features);
    hash.add(dataset->classes);
    add_split(hash, dataset->train);
    add_split(hash, dataset->validation);
    add_split(hash, dataset->test);
  }
  return hash.value();
}

namespace {

TrialSettings trial_settings(const Spec& spec, const SweepData& data,
                             const std::vector<std::unique_ptr<Pruner>>& pruners,
                             const TrialTask& task, const std::string& data_key) {
  TrialSettings settings;
  settings.config = task.plan->config;
  settings.seed = task.plan->seed;
  settings.objective_metric = spec.objective_metric;
  settings.maximize = spec.maximize;
  settings.pruners = &pruners;
  settings.dead_accuracy = data.dead_accuracies.at(data_key);
  settings.keep_weights = spec.weights != WeightsPolicy::none;
  return settings;
}

}  // namespace

TrainFn make_train_fn(const Spec& spec, const SweepData& data,
                      const std::vector<std::unique_ptr<Pruner>>& pruners) {
  return [&spec, &data, &pruners](const TrialTask& task, const TrialHooks& hooks) {
    const std::string data_key = task.plan->config["dataset"].dump();
    return run_trial(trial_settings(spec, data, pruners, task, data_key),
                     *data.datasets.at(data_key), hooks);
  };
}

StartRunFn make_start_fn(const Spec& spec, const SweepData& data,
                         const std::vector<std::unique_ptr<Pruner>>& pruners) {
  return [&spec, &data, &pruners](const TrialTask& task) {
    const std::string data_key = task.plan->config["dataset"].dump();
    return std::make_unique<TrialRun>(trial_settings(spec, data, pruners, task, data_key),
                                      *data.datasets.at(data_key));
  };
}

}  // namespace sweep::runner
