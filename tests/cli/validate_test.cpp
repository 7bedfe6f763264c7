// `sweep validate` and `sweep run` refuse a loss that does not fit the output
// layer (exit 2, before any database is touched) and print warnings without
// changing the exit code.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::run_command;
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

TEST_CASE("a spec nested 100,000 deep is refused with one line", "[cli][validate][hardening]") {
  TempDir dir;
  const std::string path = dir / "deep.json";
  std::string text = "{\"name\": \"d\", \"x\": ";
  for (int i = 0; i < 100000; ++i) text += "[";
  for (int i = 0; i < 100000; ++i) text += "]";
  text += "}";
  write_file(path, text);
  const auto result = run_sweep("validate '" + path + "'");
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "sweep: " + path + ": nested more than 32 levels deep; a spec needs a handful\n");
}

TEST_CASE("an override out of range or malformed is one line, exit 2",
          "[cli][validate][hardening]") {
  TempDir dir;
  const std::string path = dir / "s.json";
  write_file(path, R"({"name": "s", "dataset": {"name": "xor"},
    "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]}})");
  const auto big = run_sweep("validate '" + path + "' training.epochs=1e999");
  CHECK(big.exit_code == 2);
  CHECK(big.err == "sweep: " + path +
                       ": training.epochs: got \"1e999\"; expected an integer from 1 to 100000\n");
  const auto range = run_sweep("validate '" + path + "' learning_rate=1e-4:1:log999999999");
  CHECK(range.exit_code == 2);
  CHECK(range.err.find("expected [lo, hi, n] with finite lo and hi and n an integer from 1 to "
                       "100000") != std::string::npos);
}

TEST_CASE("validate stops at once on SIGTERM: outside a run nothing needs cleaning up",
          "[cli][hardening]") {
  TempDir dir;
  const std::string path = dir / "big.json";
  // 200,000 trials: validating (expanding) them takes seconds, so the signal
  // lands mid-way; the command must end with 128 + 15 at once, not finish.
  write_file(path, R"({"name": "s", "dataset": {"name": "xor"},
    "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]},
    "search": {"parameters": {"learning_rate": {"logspace": [1e-6, 1, 2000]},
                              "batch_size": {"linspace": [1, 100, 100]}}}})");
  const auto result = run_command(std::string(SWEEP_BINARY) + " validate '" + path +
                                  "' & pid=$!; sleep 0.5; kill -TERM $pid; wait $pid; "
                                  "echo \"rc=$?\"");
  CHECK(result.out.find("rc=143") != std::string::npos);
}
