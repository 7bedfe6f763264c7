#include "runner/execution/mpi_launch.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace sweep::runner {
namespace {

std::optional<int> env_int(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return std::nullopt;
  const std::string_view view{text};
  int value = 0;
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (error != std::errc{} || end != view.data() + view.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::optional<MpiLaunch> detect_mpi_launch() {
  struct Pair {
    const char* size;
    const char* rank;
  };
  for (const Pair pair :
       {Pair{"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"}, Pair{"PMI_SIZE", "PMI_RANK"},
        Pair{"MV2_COMM_WORLD_SIZE", "MV2_COMM_WORLD_RANK"}}) {
    if (const auto size = env_int(pair.size))
      return MpiLaunch{env_int(pair.rank).value_or(0), *size, pair.size};
  }
  if (const auto rank = env_int("PMIX_RANK")) {
    const auto size = env_int("SLURM_STEP_NUM_TASKS");
    return MpiLaunch{*rank, size.value_or(0), "PMIX_RANK"};
  }
  return std::nullopt;
}

std::optional<std::string> refuse_without_mpi(const std::optional<MpiLaunch>& launch) {
  if (!launch) return std::nullopt;
  // A rank above 0 means more than one rank, whatever the size says.
  const bool several = launch->size > 1 || launch->rank > 0;
  if (!several) return std::nullopt;
  const std::string ranks =
      launch->size > 1 ? std::to_string(launch->size) + " ranks" : "several ranks";
  return "this sweep was built without MPI but runs under an MPI launcher with " + ranks + " (" +
         launch->variable +
         " is set): it would run independent copies of one sweep; run it without the launcher, "
         "or install libopenmpi-dev (scripts/setup) and build again";
}

}  // namespace sweep::runner
