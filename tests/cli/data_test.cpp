// Data as users have it, through the real binary: a class-sorted CSV, labels
// by index or by name, string labels shown by name, class weights, relative
// paths from anywhere, and `sweep validate` opening the data.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/db.hpp"
#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::query_one;
using sweep::test::read_file;
using sweep::test::run_command;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

// 150 rows in class order, as iris is distributed: 50 each of setosa,
// versicolor and virginica, with 4 features that separate them roughly.
std::string sorted_iris() {
  std::string text = "sepal_length,sepal_width,petal_length,petal_width,species\n";
  const char* names[3] = {"setosa", "versicolor", "virginica"};
  for (int r = 0; r < 150; ++r) {
    const int c = r / 50;
    const double jitter = static_cast<double>((r * 37) % 11) / 10.0 - 0.5;
    text += std::to_string(5.0 + 0.8 * c + jitter) + "," + std::to_string(3.4 - 0.3 * c - jitter) +
            "," + std::to_string(1.5 + 2.0 * c + jitter) + "," +
            std::to_string(0.2 + 0.9 * c + 0.5 * jitter) + "," + names[c] + "\n";
  }
  return text;
}

// A spec in DIR/specs/ reading ../data/iris.csv, relative to itself.
std::string write_iris(const TempDir& dir, const json& dataset_extra = json::object(),
                       const json& training_extra = json::object()) {
  std::filesystem::create_directories(dir / "specs");
  std::filesystem::create_directories(dir / "data");
  write_file(dir / "data/iris.csv", sorted_iris());
  json spec = json::parse(R"({
    "name": "iris",
    "seed": 7,
    "dataset": {"name": "csv", "path": "../data/iris.csv", "validation_split": 0.2},
    "model": {"layers": [{"type": "dense", "units": 8, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 3, "batch_size": 16, "metrics": ["accuracy"]},
    "search": {"parameters": {"optimizer": ["adam"], "learning_rate": [0.001, 0.01]}}
  })");
  spec["dataset"].update(dataset_extra);
  spec["training"].update(training_extra);
  write_file(dir / "specs/iris.json", spec.dump(2));
  return dir / "specs/iris.json";
}

json report_of(const TempDir& dir) {
  return json::parse(read_file(dir / "reports/report.json"));
}

std::string in(const TempDir& dir) {
  return " --db '" + (dir / "s.db") + "' --out '" + (dir / "reports") + "' --jobs 2";
}

}  // namespace

TEST_CASE("a class-sorted csv: every class in validation, a warning when split last",
          "[cli][data]") {
  TempDir dir;
  const std::string spec = write_iris(dir);
  auto result = run_sweep("run '" + spec + "'" + in(dir));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.find("warning") == std::string::npos);
  CHECK(query_one(dir / "s.db",
                  "SELECT json_extract(data_json, '$.validation_classes') FROM "
                  "sweeps") == "3");
  CHECK(query_one(dir / "s.db",
                  "SELECT json_extract(data_json, '$.validation_rows') FROM "
                  "sweeps") == "30");

  TempDir keras;
  const std::string keras_spec = write_iris(keras, {{"validation_split_mode", "last"}});
  result = run_sweep("run '" + keras_spec + "'" + in(keras));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string warning =
      keras / "data/iris.csv" +
      ": the rows are grouped by class (sorted by label) and validation_split_mode \"last\" takes "
      "the last 30 rows for validation: they hold 1 of 3 classes (virginica); use "
      "validation_split_mode \"stratified\" (the default) or give a validation file";
  CHECK(result.err.find("sweep: warning: " + warning + "\n") != std::string::npos);
  const json warnings = report_of(keras)["warnings"];
  CHECK(std::find(warnings.begin(), warnings.end(), json(warning)) != warnings.end());
}

TEST_CASE("label_column by index or name is one sweep with class names", "[cli][data]") {
  TempDir dir;
  const std::string spec = write_iris(dir, {{"label_column", "species"}});
  auto result = run_sweep("run '" + spec + "'" + in(dir));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const json report = report_of(dir);
  CHECK(report["sweep"]["class_names"] == json::array({"setosa", "versicolor", "virginica"}));
  CHECK(report["sweep"]["spec"]["dataset"]["label_column"] == "species");
  CHECK(report["sweep"]["spec"]["dataset"]["path"] == dir / "data/iris.csv");
  // The same spec with the label column by index: the same sweep, nothing new to run.
  result = run_sweep("run '" + spec + "' dataset.label_column=4" + in(dir));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(query_one(dir / "s.db", "SELECT count(*) FROM sweeps") == "1");
  CHECK(query_one(dir / "s.db", "SELECT count(*) FROM trials") == "2");
  // And left to its default, the last column.
  result = run_sweep("plan '" + spec + "' dataset.label_column= --db '" + (dir / "s.db") + "'");
  CHECK(result.out.find("2 trials, 0 to run, 2 done") != std::string::npos);

  // With a test set, the winner's per-class test metrics and confusion matrix
  // name the classes.
  TempDir tested;
  result = run_sweep("run '" + spec + "' dataset.test_path='" + (dir / "data/iris.csv") + "'" +
                     in(tested));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const json best = report_of(tested)["best"];
  REQUIRE(best["test_per_class"].size() == 3);
  CHECK(best["test_per_class"][2]["name"] == "virginica");
  CHECK(best["test_per_class"][2]["support"] == 50);
  CHECK(best["test_confusion"]["classes"] == json::array({"setosa", "versicolor", "virginica"}));
  double total = 0;
  for (const json& row : best["test_confusion"]["matrix"])
    for (const json& count : row) total += count.get<double>();
  CHECK(total == 150);
  CHECK(!best["test_metrics"].contains("confusion[0][0]"));
  CHECK(best["test_metrics"].contains("accuracy"));
}

TEST_CASE("a spec with relative paths runs, resumes and reports from anywhere", "[cli][data]") {
  TempDir dir;
  const std::string spec = write_iris(dir);
  TempDir elsewhere;
  auto result = run_command("cd '" + elsewhere.path() + "' && '" + SWEEP_BINARY + "' run '" + spec +
                            "' --jobs 2 --db s.db --out reports training.epochs=1");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  TempDir third;
  result = run_command("cd '" + third.path() + "' && '" + SWEEP_BINARY + "' resume iris --db '" +
                       (elsewhere / "s.db") + "' --out reports && '" + SWEEP_BINARY +
                       "' report iris --db '" + (elsewhere / "s.db") + "' --out reports");
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(std::filesystem::exists(third / "reports/report.json"));
}

TEST_CASE("class_weight balanced: Keras's weights in the report", "[cli][data][class_weight]") {
  TempDir dir;
  // 120 of class 0, 30 of class 1; validation_split 0, so the training part
  // is the whole file: balanced = 150 / (2 * 120) and 150 / (2 * 30).
  std::string text = "x,y\n";
  for (int r = 0; r < 150; ++r)
    text += std::to_string((r * 17) % 23) + "," + (r % 5 == 0 ? "1" : "0") + "\n";
  write_file(dir / "data.csv", text);
  json spec = json::parse(R"({
    "name": "weights",
    "dataset": {"name": "csv", "path": "data.csv", "validation_split": 0},
    "model": {"layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}]},
    "training": {"epochs": 1, "batch_size": 150, "loss": "binary_crossentropy",
                 "metrics": ["accuracy"], "optimizer": {"name": "sgd", "learning_rate": 0.01}},
    "objective": {"metric": "loss", "direction": "min"}
  })");
  write_file(dir / "plain.json", spec.dump());
  spec["name"] = "weighted";
  spec["training"]["class_weight"] = "balanced";
  write_file(dir / "weighted.json", spec.dump());
  for (const char* name : {"plain", "weighted"}) {
    const auto result = run_sweep("run '" + dir / (std::string{name} + ".json") + "' --db '" +
                                  (dir / "s.db") + "' --out '" + dir / name + "'");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
  }
  const json weighted = json::parse(read_file(dir / "weighted/report.json"));
  CHECK(weighted["sweep"]["class_weight"] ==
        json{{"given", "balanced"}, {"weights", json::array({0.625, 2.5})}});
  const json plain = json::parse(read_file(dir / "plain/report.json"));
  CHECK(plain["sweep"]["class_weight"].is_null());
  // The loss itself, sum w(y_i) loss_i / n: runner/data_spec_test.cpp.
}

TEST_CASE("validate opens the data: one line per problem, exit 2", "[cli][data][validate]") {
  TempDir dir;
  const std::string spec = write_iris(dir);
  auto result = run_sweep("validate '" + spec + "'");
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("data: csv: 120 training, 30 validation, 0 test rows; 4 features; 3 "
                        "classes (0=setosa, 1=versicolor, 2=virginica)") != std::string::npos);
  write_file(dir / "data/bad.csv", "a,b,y\n1,2,0\n3,x,1\n");
  write_file(dir / "data/holes.csv", "a,b,y\n1,2,0\n3,,1\n");
  write_file(dir / "data/sheet.xlsx", std::string("PK\x03\x04\0\0\x14\0", 8));
  const std::string data = dir.path() + "/data/";
  struct Case {
    std::string overrides;
    std::vector<std::string> lines;
  };
  const std::vector<Case> cases = {
      {"dataset.path=" + data + "missing.csv",
       {"dataset: cannot open " + data + "missing.csv: No such file or directory"}},
      {"dataset.label_column=kind",
       {"dataset: csv: label_column \"kind\" is not a column of " + data +
        "iris.csv; expected a 0-based index or one of: sepal_length, sepal_width, "
        "petal_length, petal_width, species"}},
      {"dataset.path=" + data + "bad.csv",
       {// the spec's own problem is listed with the data's
        "training.epochs: got 0; expected an integer from 1 to 100000",
        "dataset: " + data + "bad.csv:3: column \"b\": \"x\" is not a number"}},
      {"dataset.path=" + data + "holes.csv",
       {"dataset: " + data +
        "holes.csv:3: column \"b\": empty cell; set dataset.missing to "
        "\"drop\" or \"mean\""}},
      {"model.layers[1].units=2",
       {"model.layers: the last layer has 2 units but dataset csv has 3 classes; give it 3 "
        "units"}},
      {"training.class_weight.tulip=2",
       {"training.class_weight: \"tulip\" is not a class of dataset csv; expected a class index "
        "0..2 or one of: setosa, versicolor, virginica"}},
      {"dataset.path=" + data + "sheet.xlsx",
       {"dataset: " + data +
        "sheet.xlsx: binary data, not a CSV text file; save the sheet as "
        "CSV"}},
  };
  for (const Case& c : cases) {
    std::string overrides = c.overrides;
    if (c.lines.size() > 1) overrides += " training.epochs=0";
    result = run_sweep("validate '" + spec + "' " + overrides);
    INFO(c.overrides << "\n" << result.err);
    CHECK(result.exit_code == 2);
    std::string expected;
    for (const auto& line : c.lines) expected += "sweep: " + spec + ": " + line + "\n";
    CHECK(result.err == expected);
  }
  // --no-data checks the spec alone.
  result = run_sweep("validate '" + spec + "' dataset.path=" + data + "missing.csv --no-data");
  CHECK(result.exit_code == 0);
}
