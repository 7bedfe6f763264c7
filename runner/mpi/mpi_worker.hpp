// What every rank but 0 of an MPI job runs: it waits for rank 0's spec,
// expands it and loads its own data (reporting the data's fingerprint), then
// runs trials in its own oneTBB arena, claiming each from rank 0 and sending
// every event to it (a TrialSink whose epoch() returns once rank 0 committed
// the epoch), until rank 0 says bye. It prints nothing: rank 0 reports.
#pragma once

#include "runner/mpi/mpi_comm.hpp"

namespace sweep::runner {

// Returns the worker's exit code, 0: rank 0 reports every rank's problems
// and exits with the sweep's code.
int run_worker(MpiComm& comm);

}  // namespace sweep::runner
