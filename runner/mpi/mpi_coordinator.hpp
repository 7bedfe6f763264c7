// Rank 0's view of an MPI job (the Cluster run_sweep is given): it hands the
// spec to every other rank, checks that each loaded the same data, makes the
// executor that spreads the trials over the ranks, and at the end tells
// every rank to exit.
#pragma once

#include "runner/execution/cluster.hpp"
#include "runner/mpi/mpi_comm.hpp"
#include "runner/mpi/mpi_executor.hpp"

namespace sweep::runner {

class MpiCoordinator final : public Cluster {
 public:
  explicit MpiCoordinator(MpiComm& comm);
  int default_jobs() const override;
  // Throws std::runtime_error when a rank runs another sweep build or wire
  // format, engine::DatasetError when a rank could not load its data or
  // loaded other data (one line naming the hosts).
  void prepare(const Spec& spec, int jobs_option, std::uint64_t fingerprint) override;
  std::unique_ptr<Executor> executor(int jobs) override;
  nlohmann::json stats() const override;
  // Tells every other rank to exit (bye): call once the command returned,
  // whether or not a sweep ran. Idempotent.
  void finish(int code);

 private:
  MpiComm& comm_;
  MpiTally tally_;
  bool finished_ = false;
};

}  // namespace sweep::runner
