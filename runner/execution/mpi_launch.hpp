// What an MPI launcher (mpirun, mpiexec, srun) tells a process it starts,
// read from the environment alone, so that a binary built without MPI can
// see that it runs as one of N copies and refuse, instead of running N
// independent sweeps into one database.
#pragma once

#include <optional>
#include <string>

namespace sweep::runner {

struct MpiLaunch {
  int rank = 0;
  // The job's size; 0 when the launcher says it started this process but not
  // how many (PMIx without Slurm's task count).
  int size = 0;
  std::string variable;  // the variable that told: "OMPI_COMM_WORLD_SIZE", ...
};

// The launch this process is part of, from OMPI_COMM_WORLD_SIZE/RANK (Open
// MPI), PMI_SIZE/RANK (MPICH's Hydra, Intel MPI, Slurm's PMI-2), PMIX_RANK
// with SLURM_STEP_NUM_TASKS (PMIx, srun --mpi=pmix); none when no launcher
// started it.
std::optional<MpiLaunch> detect_mpi_launch();

// For a binary built without MPI: the one line to print (on rank 0; the
// other ranks print nothing) when `launch` has more than one rank, else none.
std::optional<std::string> refuse_without_mpi(const std::optional<MpiLaunch>& launch);

}  // namespace sweep::runner
