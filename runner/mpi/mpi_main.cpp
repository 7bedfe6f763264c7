#include "runner/mpi/mpi_main.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <optional>
#include <string_view>

#include "runner/cli.hpp"
#include "runner/execution/mpi_launch.hpp"
#include "runner/mpi/mpi_comm.hpp"
#include "runner/mpi/mpi_coordinator.hpp"
#include "runner/mpi/mpi_worker.hpp"

namespace sweep::runner {

int run_mpi_cli(int argc, char** argv) {
  const std::optional<MpiLaunch> launch = detect_mpi_launch();
  if (!launch || launch->size == 1) return run_cli(argc, argv);
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command != "run" && command != "resume") {
    // show, export, ... need no MPI: rank 0 answers, once.
    return launch->rank == 0 ? run_cli(argc, argv) : kExitOk;
  }
  MpiComm comm(&argc, &argv);
  if (comm.size() == 1) return run_cli(argc, argv);
  if (comm.rank() != 0) {
    try {
      return run_worker(comm);
    } catch (const std::exception& e) {
      // The conversation with rank 0 broke: nothing sensible is left to do.
      fmt::print(stderr, "sweep: rank {} on host {}: {}\n", comm.rank(), comm.host(), e.what());
      comm.abort(kExitFailure);
    }
  }
  MpiCoordinator coordinator(comm);
  const int code = run_cli(argc, argv, &coordinator);
  std::fflush(stdout);
  std::fflush(stderr);
  try {
    coordinator.finish(code);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sweep: {}\n", e.what());
    comm.abort(kExitFailure);
  }
  return code;
}

}  // namespace sweep::runner
