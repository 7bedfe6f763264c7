// Launcher detection from the environment, and the one line a build
// without MPI prints when it finds itself one of several ranks.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "runner/execution/mpi_launch.hpp"

using sweep::runner::detect_mpi_launch;
using sweep::runner::refuse_without_mpi;

namespace {

const std::vector<const char*> kVariables = {
    "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMI_SIZE",  "PMI_RANK",
    "MV2_COMM_WORLD_SIZE",  "MV2_COMM_WORLD_RANK",  "PMIX_RANK", "SLURM_STEP_NUM_TASKS"};

// Sets the given variables for its lifetime, with every other launcher
// variable unset; restores them all after.
class Environment {
 public:
  using Values = std::vector<std::pair<const char*, const char*>>;
  explicit Environment(const Values& set) {
    for (const char* name : kVariables) {
      const char* value = std::getenv(name);
      saved_.push_back({name, value != nullptr, value != nullptr ? value : ""});
      unsetenv(name);
    }
    for (const auto& [name, value] : set) setenv(name, value, 1);
  }
  ~Environment() {
    for (const auto& variable : saved_) {
      if (variable.was_set) {
        setenv(variable.name, variable.value.c_str(), 1);
      } else {
        unsetenv(variable.name);
      }
    }
  }

 private:
  struct Saved {
    const char* name;
    bool was_set;
    std::string value;
  };
  std::vector<Saved> saved_;
};

}  // namespace

TEST_CASE("mpi launch: read from each launcher's variables", "[mpi][launch]") {
  {
    Environment env(Environment::Values{});
    CHECK_FALSE(detect_mpi_launch());
    CHECK_FALSE(refuse_without_mpi(detect_mpi_launch()));
  }
  {
    Environment env(
        Environment::Values{{"OMPI_COMM_WORLD_SIZE", "3"}, {"OMPI_COMM_WORLD_RANK", "2"}});
    const auto launch = detect_mpi_launch();
    REQUIRE(launch);
    CHECK(launch->size == 3);
    CHECK(launch->rank == 2);
  }
  {
    Environment env(Environment::Values{{"PMI_SIZE", "1"}, {"PMI_RANK", "0"}});
    const auto launch = detect_mpi_launch();
    REQUIRE(launch);
    CHECK(launch->size == 1);
    CHECK_FALSE(refuse_without_mpi(launch));  // mpirun -n 1 is one sweep
  }
  {
    Environment env(Environment::Values{{"PMIX_RANK", "0"}, {"SLURM_STEP_NUM_TASKS", "64"}});
    const auto launch = detect_mpi_launch();
    REQUIRE(launch);
    CHECK(launch->size == 64);
  }
  {
    Environment env(
        Environment::Values{{"PMIX_RANK", "5"}});  // no size, but a rank above 0: several
    const auto launch = detect_mpi_launch();
    REQUIRE(launch);
    CHECK(launch->size == 0);
    CHECK(refuse_without_mpi(launch));
  }
}

TEST_CASE("mpi launch: a build without MPI refuses several ranks with one line", "[mpi][launch]") {
  Environment env(
      Environment::Values{{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_RANK", "0"}});
  const auto refusal = refuse_without_mpi(detect_mpi_launch());
  REQUIRE(refusal);
  CHECK(*refusal ==
        "this sweep was built without MPI but runs under an MPI launcher with 4 ranks "
        "(OMPI_COMM_WORLD_SIZE is set): it would run independent copies of one sweep; run it "
        "without the launcher, or install libopenmpi-dev (scripts/setup) and build again");
  CHECK(refusal->find('\n') == std::string::npos);
}
