// `sweep validate` and `sweep run` refuse a loss that does not fit the output
// layer (exit 2, before any database is touched) and print warnings without
// changing the exit code.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

json spec_with_output(int units, const std::string& activation, const json& loss) {
  json spec = json::parse(R"({
    "name": "fit",
    "dataset": {"name": "moons", "samples": 200},
    "model": {"layers": [{"type": "dense", "units": 8, "activation": "relu"}]},
    "training": {"epochs": 1, "optimizer": {"name": "adam", "learning_rate": 0.01}}
  })");
  spec["model"]["layers"].push_back(
      {{"type", "dense"}, {"units", units}, {"activation", activation}});
  spec["training"]["loss"] = loss;
  return spec;
}

}  // namespace

TEST_CASE("validate and run refuse categorical cross-entropy on one unit", "[cli][validate]") {
  TempDir dir;
  const std::string path = dir / "spec.json";
  write_file(path, spec_with_output(1, "sigmoid", "categorical_crossentropy").dump());
  const std::string expected =
      "sweep: " + path +
      ": training.loss: got categorical_crossentropy on a 1-unit output (model.layers[1].units): "
      "the loss is 0 for every sample and nothing is learned; expected binary_crossentropy with "
      "one sigmoid unit, or categorical_crossentropy with one softmax unit per class\n";
  const auto validate = run_sweep("validate '" + path + "'");
  CHECK(validate.exit_code == 2);
  CHECK(validate.out.empty());
  CHECK(validate.err == expected);

  const auto run =
      run_sweep("run '" + path + "' --db '" + (dir / "s.db") + "' --out '" + (dir / "r") + "'");
  CHECK(run.exit_code == 2);
  CHECK(run.err == expected);
  CHECK_FALSE(std::filesystem::exists(dir / "s.db"));
}

TEST_CASE("validate and run accept the matching loss, and an override can fix a misfit",
          "[cli][validate]") {
  TempDir dir;
  const std::string path = dir / "spec.json";
  write_file(path, spec_with_output(1, "sigmoid", "categorical_crossentropy").dump());
  const auto fixed = run_sweep("validate '" + path + "' training.loss=binary_crossentropy");
  CHECK(fixed.exit_code == 0);
  CHECK(fixed.err.empty());
  write_file(path, spec_with_output(2, "softmax", "categorical_crossentropy").dump());
  const auto validate = run_sweep("validate '" + path + "'");
  CHECK(validate.exit_code == 0);
  CHECK(validate.err.empty());
}

TEST_CASE("a warning is one line on stderr and keeps exit 0", "[cli][validate]") {
  TempDir dir;
  const std::string path = dir / "spec.json";
  write_file(
      path, spec_with_output(1, "sigmoid", {{"name", "binary_crossentropy"}, {"from_logits", true}})
                .dump());
  const std::string expected =
      "sweep: warning: " + path +
      ": training.loss: binary_crossentropy received from_logits true, but the output is produced "
      "by \"sigmoid\" (model.layers[1].activation) and thus is a probability, not logits; set "
      "from_logits false, or make the output \"linear\"\n";
  const auto validate = run_sweep("validate '" + path + "'");
  CHECK(validate.exit_code == 0);
  CHECK(validate.err == expected);
  CHECK(validate.out.find(": ok: sweep \"fit\", 1 trials") != std::string::npos);

  const auto run =
      run_sweep("run '" + path + "' --db '" + (dir / "s.db") + "' --out '" + (dir / "r") + "'");
  CHECK(run.exit_code == 0);
  CHECK(run.err.rfind(expected, 0) == 0);
}
