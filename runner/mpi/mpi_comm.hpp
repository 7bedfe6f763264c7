// Every MPI call sweep makes, behind one small class, so that <mpi.h> stays
// out of every other header. Messages are byte strings (runner/execution/
// mpi_wire.hpp encodes them) sent on MPI_COMM_WORLD with a tag.
//
// Waiting never spins: Open MPI's blocking receive polls a core at 100 %, so
// receive() probes (MPI_Improbe) and sleeps between probes, from a few
// microseconds doubling up to a cap. Thread-safe: with MPI_THREAD_MULTIPLE
// any thread may call at once; where the library offers less, every call
// holds one mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sweep::runner {

class MpiComm {
 public:
  static constexpr int kAnySource = -1;

  // MPI_Init_thread, asking for MPI_THREAD_MULTIPLE; MPI_Finalize in the
  // destructor.
  MpiComm(int* argc, char*** argv);
  ~MpiComm();
  MpiComm(const MpiComm&) = delete;
  MpiComm& operator=(const MpiComm&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // How many ranks of the job share this host (MPI_COMM_TYPE_SHARED).
  int ranks_on_host() const { return ranks_on_host_; }
  // The cores this process may run on: its CPU affinity, which the launcher
  // may have narrowed (mpirun binds each of 2 ranks to one core by default,
  // srun to the task's --cpus-per-task).
  int bound_cores() const { return bound_cores_; }
  // Trials this rank runs at once when --jobs is not given: its host's
  // cores divided among the ranks there, at most its bound cores.
  int default_jobs() const;
  const std::string& host() const { return host_; }
  bool thread_multiple() const { return thread_multiple_; }

  void send(int destination, int tag, const std::vector<std::uint8_t>& bytes);

  struct Received {
    int source = 0;
    std::vector<std::uint8_t> bytes;
  };
  // The next message from `source` (or kAnySource) with `tag`, if one has
  // arrived.
  std::optional<Received> try_receive(int source, int tag);
  // Waits for it, sleeping between probes: first_sleep, doubling up to
  // max_sleep (the latency a message that arrives during a long wait has).
  Received receive(int source, int tag, std::chrono::microseconds first_sleep,
                   std::chrono::microseconds max_sleep);

  // Ends every rank of the job at once (MPI_Abort), for what cannot be
  // recovered: a rank that breaks the protocol.
  [[noreturn]] void abort(int code);

 private:
  std::unique_lock<std::mutex> serialise();
  int rank_ = 0;
  int size_ = 1;
  int ranks_on_host_ = 1;
  int bound_cores_ = 1;
  std::string host_;
  bool thread_multiple_ = false;
  std::mutex mutex_;  // held around every call unless thread_multiple_
};

}  // namespace sweep::runner
