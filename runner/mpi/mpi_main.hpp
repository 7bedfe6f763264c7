// The `sweep` executable's entry point when built with MPI. A process that
// an MPI launcher (mpirun, srun) started as one of N > 1 ranks for `sweep
// run` or `sweep resume` joins the job: rank 0 runs the command line and
// coordinates (MpiCoordinator), every other rank is a worker (run_worker).
// Any other command under a launcher runs on rank 0 alone; without a
// launcher, everything runs exactly as in a build without MPI, and MPI is
// never initialised.
#pragma once

namespace sweep::runner {

int run_mpi_cli(int argc, char** argv);

}  // namespace sweep::runner
