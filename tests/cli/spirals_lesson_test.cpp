// The learning-rate lesson on real training: experiments/spirals_lr.json,
// run by the real binary, diagnosed by the report.
#include <catch2/catch.hpp>

#include <map>

#include <nlohmann/json.hpp>

#include "tests/cli/process.hpp"

using nlohmann::json;

TEST_CASE("spirals_lr: for SGD the lowest rate stalls, the highest blows up, the best converges",
          "[cli][lesson]") {
  sweep::test::TempDir dir;
  const auto result = sweep::test::run_sweep(std::string{"run '"} + SWEEP_SOURCE_DIR +
                                             "/experiments/spirals_lr.json' --db '" +
                                             (dir / "s.db") + "' --out '" + (dir / "r") + "'");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const json report = json::parse(sweep::test::read_file(dir / "r/report.json"));
  std::map<double, std::string> sgd;  // learning rate -> diagnosis
  for (const auto& trial : report["trials"]) {
    if (trial["params"]["optimizer"] == "sgd") {
      sgd[trial["params"]["learning_rate"].get<double>()] =
          trial["diagnosis"]["label"].get<std::string>();
    }
  }
  REQUIRE(sgd.size() == 6);
  CHECK(sgd.begin()->second == "stalled");
  const std::string highest = sgd.rbegin()->second;
  CHECK((highest == "diverged" || highest == "saturated" || highest == "oscillating"));
  const double best_sgd_rate = [&] {
    for (const auto& entry : report["ranking"]) {
      if (entry["config"]["optimizer"] == "sgd")
        return entry["config"]["learning_rate"].get<double>();
    }
    return 0.0;
  }();
  CHECK(sgd.at(best_sgd_rate) == "converged");
}
