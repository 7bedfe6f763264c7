// The other processes a sweep runs on, as rank 0 of an MPI job sees them
// (runner/mpi/ implements it; a local run has none). run_sweep asks it for
// three things: the jobs of this process when --jobs is not given, to hand
// the spec to every other rank before the store is touched, and the executor
// that runs the trials on every rank.
//
// Contract: called from run_sweep's thread only, in this order: default_jobs
// (any time), prepare (once, after rank 0 loaded its data and before it
// opens the store), executor (once, after prepare). Whatever happens in
// between (an error, an interrupt), the process that owns the Cluster tells
// the other ranks to stop after run_sweep returned or threw.
#pragma once

#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "runner/execution/executor.hpp"
#include "runner/spec/spec.hpp"

namespace sweep::runner {

class Cluster {
 public:
  virtual ~Cluster() = default;
  // Trials this process runs at once when --jobs is not given: its host's
  // cores divided among the ranks on that host.
  virtual int default_jobs() const = 0;
  // Sends the resolved spec and --jobs (0: each rank's default) to every
  // other rank, which expands it and loads its data; returns once all did,
  // after checking that each rank's data_fingerprint equals `fingerprint`.
  // Throws engine::DatasetError naming the hosts whose data differs or could
  // not be loaded.
  virtual void prepare(const Spec& spec, int jobs_option, std::uint64_t fingerprint) = 0;
  // Runs the trials on every rank, `jobs` at once here and each other rank's
  // own jobs there; its jobs() is the total.
  virtual std::unique_ptr<Executor> executor(int jobs) = 0;
  // Figures for the benchmark (--stats): ranks, messages and bytes each way,
  // time spent waiting for rank 0; an object.
  virtual nlohmann::json stats() const = 0;
};

}  // namespace sweep::runner
