// What the `sweep` subcommands share. run_cli (runner/cli.cpp) parses the
// command line into Args and calls one of the functions below, each in its own
// file (runner/cli/NAME_command.cpp). Each returns the exit code; failures
// are thrown (SpecError, UsageError, StorageError, ...) for run_cli to map.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runner/spec/spec.hpp"
#include "runner/store/storage.hpp"
#include "runner/sweep_runner.hpp"

namespace sweep::runner::cli {

// Every subcommand's options; each reads those it declared.
struct Args {
  std::string spec;
  std::string name;
  std::string db = "sweep.db";
  std::string out;
  std::string output;
  std::string stats;
  int jobs = 0;
  int rank0_jobs = -1;  // under MPI; -1: as jobs
  bool json = false;
  bool spec_out = false;
  bool csv = false;
  bool markdown = false;
  bool no_data = false;     // validate: check the spec only
  std::string data;         // predict --data
  std::int64_t trial = 0;   // predict / best --trial; 0: the winner
  std::size_t limit = 0;    // predict --limit; 0: every row
  bool evaluate = false;    // predict --evaluate
  std::string weights_out;  // best --weights
  std::vector<std::string> overrides;
  Cluster* cluster = nullptr;  // the other ranks of an MPI job, on its rank 0
};

int cmd_run(const Args& args);
int cmd_resume(const Args& args);
int cmd_validate(const Args& args);
int cmd_plan(const Args& args);
int cmd_ls(const Args& args);
int cmd_show(const Args& args);
int cmd_best(const Args& args);
int cmd_suggest(const Args& args);
int cmd_report(const Args& args);
int cmd_export(const Args& args);
int cmd_datasets(const Args& args);
int cmd_components(const Args& args);
int cmd_predict(const Args& args);

// The sweep of that name in the store; else a UsageError naming the database
// and the sweeps it holds (with a "did you mean").
SweepInfo find_or_fail(Storage& store, const std::string& name);

// The sweep with only what choosing its winner reads: the trials of its two
// best configurations (the runner-up decides whether the winner is tied),
// found by ranking the trials' scores in the store. Its report's "best" is
// the whole sweep's, at a cost that does not grow with the other trials'
// epochs. With `trial` given (not 0): the whole sweep, as load_record.
reports::SweepRecord record_for_choice(Storage& store, const SweepInfo& info, std::int64_t trial);

// The trial `requested` (an id) of the sweep, or, when it is 0, the one the
// report quotes as the best: the winning configuration's repeat with the best
// value. Throws UsageError for an id the sweep does not have, and
// std::runtime_error when nothing has won yet.
const reports::TrialRecord& chosen_trial(const reports::SweepRecord& record,
                                         std::int64_t requested);

// The trial's stored weights; std::runtime_error saying why there are none.
TrialWeights stored_weights(Storage& store, const reports::SweepRecord& record,
                            const reports::TrialRecord& trial);

// What run and resume pass to run_sweep.
RunOptions run_options(const Args& args);

// The spec's warnings, one line each on stderr; they never change the exit code.
void print_warnings(const Spec& spec);

}  // namespace sweep::runner::cli
