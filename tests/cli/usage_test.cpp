#include <catch2/catch.hpp>

#include "tests/cli/process.hpp"

using sweep::test::run_sweep;

TEST_CASE("sweep --version prints the version", "[cli]") {
  const auto result = run_sweep("--version");
  CHECK(result.exit_code == 0);
  CHECK(result.out == std::string{"sweep "} + "0.1.0\n");
}

TEST_CASE("an unknown subcommand exits 2 with one line on stderr", "[cli]") {
  const auto result = run_sweep("frobnicate");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "sweep: unknown subcommand \"frobnicate\"; known: run, resume, validate, plan, ls, show, "
        "best, predict, suggest, report, export, datasets, components\n");
}

TEST_CASE("an unknown option exits 2 with one line on stderr", "[cli]") {
  const auto result = run_sweep("--frobnicate");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: the following argument was not expected: --frobnicate\n");
}

TEST_CASE("sweep --help lists the subcommands", "[cli]") {
  const auto result = run_sweep("--help");
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("Subcommands:") != std::string::npos);
}
