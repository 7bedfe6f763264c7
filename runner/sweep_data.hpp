// The data a sweep's trials train on, loaded once per process and shared
// read-only by every trial, and the function that trains one trial on it.
// Locally run_sweep uses them; under MPI every rank loads its own copy and
// rank 0 compares their fingerprints before anything runs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/datasets/dataset.hpp"
#include "runner/execution/executor.hpp"
#include "runner/execution/rung_executor.hpp"
#include "runner/pruning/pruner.hpp"
#include "runner/search/sampler.hpp"
#include "runner/spec/spec.hpp"

namespace sweep::runner {

struct SweepData {
  // Every distinct dataset the trials use, keyed by its config's JSON dump.
  std::map<std::string, std::shared_ptr<const engine::Dataset>> datasets;
  // What a model that learnt nothing scores on each (the divergence rule).
  std::map<std::string, double> dead_accuracies;
};

// Loads every distinct dataset the plans use, once. Throws one SpecError with
// every problem: a dataset that cannot be loaded (path "dataset", the
// loader's message naming the file, line and column), a model whose output
// does not fit its dataset's classes, a class_weight naming no class.
SweepData load_sweep_data(const Spec& spec, const std::vector<TrialPlan>& plans);

// A hash of every dataset's shapes, labels and scaled feature values: equal
// on two processes that loaded the same data, whatever the host.
std::uint64_t data_fingerprint(const SweepData& data);

// Trains one trial of `spec` on `data` with the sweep's pruners; every
// reference must outlive the function.
TrainFn make_train_fn(const Spec& spec, const SweepData& data,
                      const std::vector<std::unique_ptr<Pruner>>& pruners);
// Starts one trial of `spec` on `data` that may pause at rungs (TrialRun).
StartRunFn make_start_fn(const Spec& spec, const SweepData& data,
                         const std::vector<std::unique_ptr<Pruner>>& pruners);

}  // namespace sweep::runner
