// The read commands that read only what they print: `sweep best` reads the
// trials of the two best configurations (ranked from the trials' scores in
// the store), `sweep export` streams one trial at a time. On real sweeps,
// what they print must be exactly what the whole sweep read into memory gives
// (the report's "best", the CSV built from every record).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/report_json.hpp"
#include "runner/store/sqlite/sqlite_storage.hpp"
#include "runner/sweep_runner.hpp"
#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

json spirals_spec(const std::string& name, const json& search, const json& objective) {
  return json{
      {"name", name},
      {"seed", 5},
      {"dataset",
       {{"name", "spirals"},
        {"samples", 300},
        {"classes", 3},
        {"noise", 0.2},
        {"validation_split", 0.2}}},
      {"model",
       {{"layers", json::array({{{"type", "dense"}, {"units", 8}, {"activation", "relu"}},
                                {{"type", "dense"}, {"units", 3}, {"activation", "softmax"}}})}}},
      {"training",
       {{"epochs", 3},
        {"batch_size", 32},
        {"loss", "categorical_crossentropy"},
        {"metrics", {"accuracy", "f1_score"}}}},
      {"search", search},
      {"objective", objective}};
}

sweep::reports::SweepRecord whole_record(const std::string& db, const std::string& name) {
  sweep::runner::SqliteStorage store(db, sweep::runner::Storage::Mode::read_only);
  const auto info = store.find_sweep(name);
  REQUIRE(info);
  return sweep::runner::load_record(store, *info);
}

// What `sweep export --csv` printed when it held the whole sweep in memory.
std::string whole_export(const sweep::reports::SweepRecord& record) {
  const auto field = [](const json& value) -> std::string {
    if (value.is_null()) return "";
    if (value.is_string()) return value.get<std::string>();  // no commas in these tests
    if (value.is_number_float()) return fmt::format("{}", value.get<double>());
    return value.dump();
  };
  std::set<std::string> names;
  for (const auto& trial : record.trials)
    for (const auto& epoch : trial.epochs)
      for (const auto& [name, value] : epoch.metrics) names.insert(name);
  std::string out = "trial";
  for (const auto& key : record.swept) {
    out += ',';
    out += key;
  }
  out += ",repeat,status,epoch,epoch_learning_rate,seconds";
  for (const auto& name : names) {
    out += ',';
    out += name;
  }
  out += '\n';
  for (const auto& trial : record.trials) {
    for (const auto& epoch : trial.epochs) {
      out += std::to_string(trial.id);
      for (const auto& key : record.swept) {
        out += ',';
        out += field(trial.params.value(key, json()));
      }
      out += fmt::format(",{},{},{},{},{}", trial.repeat, trial.status, epoch.epoch,
                         epoch.learning_rate, epoch.seconds);
      for (const auto& name : names) {
        const auto found = epoch.metrics.find(name);
        out += ',';
        if (found != epoch.metrics.end()) out += fmt::format("{}", found->second);
      }
      out += '\n';
    }
  }
  return out;
}

void check_read_commands(const std::string& name, const json& search, const json& objective) {
  TempDir dir;
  const std::string db = dir / "s.db";
  write_file(dir / "spec.json", spirals_spec(name, search, objective).dump(2));
  const auto ran = run_sweep("run '" + (dir / "spec.json") + "' --db '" + db + "' --out '" +
                             (dir / "reports") + "' --jobs 2");
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  const auto record = whole_record(db, name);
  const json expected = sweep::reports::build_report(record).at("best");
  REQUIRE(expected.is_object());

  const auto best = run_sweep("best " + name + " --json --db '" + db + "'");
  INFO(best.err);
  REQUIRE(best.exit_code == 0);
  CHECK(json::parse(best.out) == expected);

  const auto line = run_sweep("best " + name + " --db '" + db + "'");
  INFO(line.out);
  REQUIRE(line.exit_code == 0);
  CHECK(line.out.find(expected.at("description").get<std::string>()) == 0);

  const auto exported = run_sweep("export " + name + " --csv --db '" + db + "'");
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out == whole_export(record));
}

}  // namespace

TEST_CASE("sweep best and export print what the whole sweep in memory gives", "[cli][read]") {
  SECTION("random search, repeats, maximised val_accuracy (ties between repeats' means)") {
    check_read_commands("random-max",
                        {{"method", "random"},
                         {"trials", 24},
                         {"repeats", 2},
                         {"parameters",
                          {{"optimizer", {"sgd", "adam", "rmsprop"}},
                           {"learning_rate", {{"loguniform", {1e-4, 30}}}}}}},
                        {{"metric", "val_accuracy"}, {"direction", "max"}});
  }
  SECTION("grid, minimised val_loss, diverging rates") {
    check_read_commands(
        "grid-min",
        {{"parameters",
          {{"optimizer", {"sgd", "adam"}}, {"learning_rate", {{"logspace", {1e-3, 100, 6}}}}}}},
        {{"metric", "val_loss"}, {"direction", "min"}});
  }
  SECTION("an objective kept in the metrics table (val_f1_score)") {
    check_read_commands(
        "random-f1",
        {{"method", "random"},
         {"trials", 16},
         {"parameters",
          {{"optimizer", {"adam", "rmsprop"}}, {"learning_rate", {{"loguniform", {1e-3, 1}}}}}}},
        {{"metric", "val_f1_score"}, {"direction", "max"}});
  }
}
