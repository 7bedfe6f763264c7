// The `sweep` executable: all logic lives in sweep::runner (built with MPI,
// also in the sweep::mpi library, runner/mpi/).
#include <cstdio>

#include "runner/cli.hpp"
#include "runner/execution/mpi_launch.hpp"
#ifdef SWEEP_WITH_MPI
#include "runner/mpi/mpi_main.hpp"
#endif

int main(int argc, char** argv) {
#ifdef SWEEP_WITH_MPI
  return sweep::runner::run_mpi_cli(argc, argv);
#else
  // Under mpirun with N ranks, N copies would run one sweep N times over.
  const auto launch = sweep::runner::detect_mpi_launch();
  if (const auto refusal = sweep::runner::refuse_without_mpi(launch)) {
    if (launch->rank == 0) std::fprintf(stderr, "sweep: %s\n", refusal->c_str());
    return sweep::runner::kExitUsage;
  }
  return sweep::runner::run_cli(argc, argv);
#endif
}
