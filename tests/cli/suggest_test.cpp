// `sweep suggest`: a runnable spec that refines each optimizer's learning
// rates around its best, from a real sweep.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::read_file;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

// sgd and adam over four decades; rmsprop only at a rate that diverges (its
// loss is nan after its first update).
json small_spec() {
  return json::parse(R"({
    "name": "tiny",
    "seed": 3,
    "dataset": {"name": "spirals", "samples": 600, "noise": 0.2, "validation_split": 0.2},
    "model": {"layers": [{"type": "dense", "units": 32, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 4, "batch_size": 32},
    "search": {"parameters": {
      "optimizer": ["sgd", "adam", {"name": "rmsprop", "learning_rate": [1e20]}],
      "learning_rate": [0.001, 0.01, 0.1, 1.0]}}
  })");
}

std::vector<double> numbers(const json& list) {
  std::vector<double> out;
  for (const auto& v : list) out.push_back(v.get<double>());
  std::sort(out.begin(), out.end());
  return out;
}

// k half decades from `rate`.
double step(double rate, int k) {
  return rate * std::pow(10.0, 0.5 * k);
}

}  // namespace

TEST_CASE("suggest refines each optimizer's learning rates around its best", "[cli][suggest]") {
  TempDir dir;
  const std::string spec_path = dir / "spec.json";
  write_file(spec_path, small_spec().dump(2));
  const std::string db = " --db '" + (dir / "s.db") + "'";
  const auto run = run_sweep("run '" + spec_path + "'" + db + " --out '" + (dir / "r") + "'");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json report = json::parse(read_file(dir / "r/report.json"));

  const std::string refined_path = dir / "refined.json";
  const auto suggest = run_sweep("suggest tiny" + db + " -o '" + refined_path + "'");
  INFO(suggest.err);
  REQUIRE(suggest.exit_code == 0);
  CHECK(suggest.out.rfind(refined_path + ": sweep \"tiny-refined\", ", 0) == 0);
  CHECK(suggest.err.empty());

  const auto validate = run_sweep("validate '" + refined_path + "'");
  INFO(validate.err);
  CHECK(validate.exit_code == 0);

  const json refined = json::parse(read_file(refined_path));
  CHECK(refined["name"] == "tiny-refined");
  CHECK(refined["dataset"] == report["sweep"]["spec"]["dataset"]);
  CHECK(refined["model"] == report["sweep"]["spec"]["model"]);
  CHECK(refined["objective"] == report["sweep"]["spec"]["objective"]);
  CHECK_FALSE(refined["search"]["parameters"].contains("learning_rate"));
  const json& choices = refined["search"]["parameters"]["optimizer"];
  REQUIRE(choices.size() == 3);
  for (const auto& choice : choices) {
    const std::string name = choice["name"].get<std::string>();
    INFO(name);
    const json& entry = report["by_optimizer"][name];
    const std::vector<double> tried = numbers(entry["learning_rates"]);
    const std::vector<double> rates = numbers(choice["learning_rate"]);
    REQUIRE(!rates.empty());
    if (name == "rmsprop") {
      // Every rmsprop trial diverged: two decades below its lowest rate.
      REQUIRE(entry["best_learning_rate"].is_null());
      REQUIRE(rates.size() == 4);
      for (int k = 0; k < 4; ++k)
        CHECK(rates[static_cast<std::size_t>(k)] == Approx(step(tried.front(), k - 4)));
      continue;
    }
    REQUIRE(entry["best_learning_rate"].is_number());
    const double best = entry["best_learning_rate"].get<double>();
    CHECK(std::find(rates.begin(), rates.end(), best) != rates.end());
    const auto at = std::find(tried.begin(), tried.end(), best);
    REQUIRE(at != tried.end());
    if (at == tried.begin()) {  // the lowest: two decades below, in half decades
      CHECK(rates.size() == 5);
      CHECK(rates.front() == Approx(step(best, -4)));
      CHECK(rates.back() == best);
    } else if (at + 1 == tried.end()) {  // the highest: two decades above
      CHECK(rates.size() == 5);
      CHECK(rates.front() == best);
      CHECK(rates.back() == Approx(step(best, 4)));
    } else {  // strictly between its tried neighbours, half a decade in from each
      CHECK(rates.size() == 3);
      CHECK(rates.front() == Approx(step(*(at - 1), 1)));
      CHECK(rates.back() == Approx(step(*(at + 1), -1)));
    }
  }

  SECTION("without -o the spec goes to stdout") {
    const auto to_stdout = run_sweep("suggest tiny" + db);
    CHECK(to_stdout.exit_code == 0);
    CHECK(json::parse(to_stdout.out) == refined);
  }
  SECTION("an unknown sweep exits 2 with the message show gives") {
    const auto unknown = run_sweep("suggest tiyn" + db);
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.out.empty());
    CHECK(unknown.err == run_sweep("show tiyn" + db).err);
    CHECK(unknown.err.find("no sweep named \"tiyn\"") != std::string::npos);
  }
}
