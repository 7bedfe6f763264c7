#include "runner/mpi/mpi_comm.hpp"

#include <mpi.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace sweep::runner {
namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string{"mpi: "} + what + " failed: " + text);
}

}  // namespace

MpiComm::MpiComm(int* argc, char*** argv) {
  int provided = MPI_THREAD_SINGLE;
  check(MPI_Init_thread(argc, argv, MPI_THREAD_MULTIPLE, &provided), "MPI_Init_thread");
  thread_multiple_ = provided >= MPI_THREAD_MULTIPLE;
  // Errors come back as codes (turned into exceptions) rather than aborting
  // the job from inside the library.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &ranks_on_host_);
  MPI_Comm_free(&local);
  cpu_set_t affinity;
  CPU_ZERO(&affinity);
  const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bound_cores_ = sched_getaffinity(0, sizeof affinity, &affinity) == 0
                     ? std::max(1, CPU_COUNT(&affinity))
                     : hardware;
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  host_.assign(name, static_cast<std::size_t>(length));
}

MpiComm::~MpiComm() {
  MPI_Finalize();
}

int MpiComm::default_jobs() const {
  const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min(bound_cores_, hardware / ranks_on_host_));
}

std::unique_lock<std::mutex> MpiComm::serialise() {
  return thread_multiple_ ? std::unique_lock<std::mutex>{} : std::unique_lock<std::mutex>{mutex_};
}

void MpiComm::send(int destination, int tag, const std::vector<std::uint8_t>& bytes) {
  const auto lock = serialise();
  check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, destination, tag,
                 MPI_COMM_WORLD),
        "MPI_Send");
}

std::optional<MpiComm::Received> MpiComm::try_receive(int source, int tag) {
  const auto lock = serialise();
  int found = 0;
  MPI_Message message;
  MPI_Status status;
  check(MPI_Improbe(source == kAnySource ? MPI_ANY_SOURCE : source, tag, MPI_COMM_WORLD, &found,
                    &message, &status),
        "MPI_Improbe");
  if (found == 0) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Received received;
  received.source = status.MPI_SOURCE;
  received.bytes.resize(static_cast<std::size_t>(count));
  check(MPI_Mrecv(received.bytes.data(), count, MPI_BYTE, &message, MPI_STATUS_IGNORE),
        "MPI_Mrecv");
  return received;
}

MpiComm::Received MpiComm::receive(int source, int tag, std::chrono::microseconds first_sleep,
                                   std::chrono::microseconds max_sleep) {
  std::chrono::microseconds sleep = first_sleep;
  for (;;) {
    if (auto received = try_receive(source, tag)) return std::move(*received);
    std::this_thread::sleep_for(sleep);
    sleep = std::min(sleep * 2, max_sleep);
  }
}

void MpiComm::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();
}

}  // namespace sweep::runner
