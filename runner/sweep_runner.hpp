// Runs a sweep: expands the spec, records the trials in the store, trains the
// ones not done in parallel in a oneTBB arena (on every rank of an MPI job
// when given its Cluster), and writes the reports.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/records.hpp"
#include "runner/spec/spec.hpp"
#include "runner/store/storage.hpp"

namespace sweep::runner {

class Cluster;

struct RunOptions {
  std::string db_path = "sweep.db";
  std::string out_dir;  // empty: sweep-reports/NAME
  int jobs = 0;         // 0: all cores
  bool terminal = false;
  std::string stats_path;  // optional JSON with timings, for the benchmark
  // The other ranks of an MPI job, when this process is its rank 0; null
  // for a local run.
  Cluster* cluster = nullptr;
  // Under MPI, the trials rank 0 runs itself besides coordinating: -1 as
  // `jobs`, 0 none.
  int rank0_jobs = -1;
  // The process ends once run_sweep returns (the CLI): its largest objects
  // are left for the exit to free (exit_memory.hpp).
  bool process_ends_after = false;
};

// Returns the exit code (0 ok, 130 interrupted). Throws SpecError,
// UsageError, StorageError, engine::DatasetError for the caller to map.
int run_sweep(const Spec& spec, const RunOptions& options);

// The sweep as plain records for the reports, from the store alone.
reports::SweepRecord load_record(Storage& store, const SweepInfo& info);
// The same with only the trials `query` selects; pruning is left null (its
// summary needs every trial).
reports::SweepRecord load_record(Storage& store, const SweepInfo& info, const TrialQuery& query);
// The spec a sweep was run with, as stored.
Spec stored_spec(const SweepInfo& info);
// sweep-reports/NAME; throws UsageError for a name that is not a valid sweep
// name (one read back from a crafted database: "../../x").
std::string default_report_dir(const std::string& name);
// `text` with every control character (and DEL) replaced by '?', for printing.
std::string terminal_safe(std::string text);
int default_jobs();

}  // namespace sweep::runner
