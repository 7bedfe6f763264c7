// The sweep binary end to end on synthetic specs: exit codes, what lands in
// the database, the reports, resuming, and bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/cli/db.hpp"
#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::epoch_rows;
using sweep::test::query;
using sweep::test::query_one;
using sweep::test::read_file;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

json small_spec() {
  return json::parse(R"({
    "name": "tiny",
    "description": "cli test",
    "seed": 5,
    "dataset": {"name": "spirals", "samples": 600, "noise": 0.2, "validation_split": 0.2},
    "model": {"layers": [{"type": "dense", "units": 32, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 3, "batch_size": 32, "loss": "categorical_crossentropy", "metrics": ["accuracy", "f1_score"]},
    "search": {"parameters": {"optimizer": ["sgd", "adam"], "learning_rate": [0.0001, 0.01, 100.0]}}
  })");
}

std::string write_spec(const TempDir& dir, const json& spec,
                       const std::string& name = "spec.json") {
  std::string path = dir / name;
  write_file(path, spec.dump(2));
  return path;
}

std::string in(const TempDir& dir) {
  return " --db '" + (dir / "s.db") + "' --out '" + (dir / "reports") + "'";
}

}  // namespace

TEST_CASE("sweep run trains every trial, stores every epoch and writes both reports",
          "[cli][run]") {
  TempDir dir;
  const auto spec = write_spec(dir, small_spec());
  const auto result = run_sweep("run '" + spec + "'" + in(dir) + " --jobs 2");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string db = dir / "s.db";
  CHECK(query_one(db, "SELECT count(*) FROM trials") == "6");
  CHECK(query_one(db, "SELECT status FROM sweeps WHERE name = 'tiny'") == "completed");
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status IN ('completed', 'diverged')") ==
        "6");
  // sgd at lr=100 reaches a nan loss in its second epoch and is stopped there;
  // adam at lr=100 stays finite and is trained to the end (it even wins adam's
  // group on this tiny problem): a huge finite loss alone is not divergence.
  CHECK(query_one(db, "SELECT count(*) FROM trials WHERE status = 'diverged'") == "1");
  CHECK(query_one(db,
                  "SELECT count(*) FROM epochs e JOIN trials t ON t.id = e.trial_id "
                  "WHERE t.status = 'completed'") == "15");
  // The diverged trial keeps its whole first epoch and the second up to the
  // nan batch (loss and trace, no validation).
  CHECK(query_one(db,
                  "SELECT group_concat(e.epoch || ':' || (e.val_loss IS NULL) || ':' || "
                  "(SELECT count(*) FROM loss_traces l WHERE l.trial_id = e.trial_id AND "
                  "l.epoch = e.epoch), ',') FROM epochs e JOIN trials t ON t.id = e.trial_id "
                  "WHERE t.status = 'diverged'") == "1:0:1,2:1:1");
  CHECK(query_one(db,
                  "SELECT div_epoch || ',' || div_batch FROM trials WHERE status = "
                  "'diverged'") == "2,1");
  CHECK(query_one(db, "SELECT count(*) FROM metrics WHERE name = 'val_f1_score'") == "16");
  CHECK(query_one(db, "PRAGMA integrity_check") == "ok");
  CHECK(std::filesystem::exists(dir / "reports/report.html"));
  const json report = json::parse(read_file(dir / "reports/report.json"));
  CHECK(report["sweep"]["name"] == "tiny");
  // Without a terminal: one plain line per finished trial, then the ranking.
  CHECK(result.out.find("[6/6]") != std::string::npos);
  CHECK(result.out.find("best: " + report["best"]["description"].get<std::string>() +
                        " with val_accuracy ") != std::string::npos);

  SECTION("running the same spec again runs nothing and duplicates nothing") {
    const auto again = run_sweep("run '" + spec + "'" + in(dir));
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("[1/") == std::string::npos);
    CHECK(query_one(db, "SELECT count(*) FROM trials") == "6");
    CHECK(query_one(db,
                    "SELECT count(*) FROM epochs e JOIN trials t ON t.id = e.trial_id "
                    "WHERE t.status = 'completed'") == "15");
  }
  SECTION("a different spec under the same name exits 2") {
    auto changed = small_spec();
    changed["training"]["epochs"] = 4;
    const auto other = run_sweep("run '" + write_spec(dir, changed, "other.json") + "'" + in(dir));
    CHECK(other.exit_code == 2);
    CHECK(other.err ==
          "sweep: sweep \"tiny\" exists with a different spec; use another name or --db\n");
  }
  SECTION("sweep best agrees with report.json") {
    const auto best = run_sweep("best tiny --json --db '" + db + "'");
    REQUIRE(best.exit_code == 0);
    CHECK(json::parse(best.out)["config"] == report["best"]["config"]);
    // The same words for a configuration as report.json's description.
    const std::string description = report["best"]["description"];
    CHECK(description.rfind("optimizer=", 0) == 0);
    const auto plain = run_sweep("best tiny --db '" + db + "'");
    CHECK(plain.out == fmt::format("{} val_accuracy {:.4f}\n", description,
                                   report["best"]["objective"].get<double>()));
  }
  SECTION("sweep best --spec writes a runnable single-trial spec") {
    const auto best = run_sweep("best tiny --spec --db '" + db + "'");
    REQUIRE(best.exit_code == 0);
    const auto path = dir / "best.json";
    write_file(path, best.out);
    const auto validated = run_sweep("validate '" + path + "'");
    INFO(validated.err);
    CHECK(validated.exit_code == 0);
    CHECK(validated.out.find("1 trials") != std::string::npos);
    // It names the repeat it reruns: the one the report quotes.
    CHECK(json::parse(best.out)["description"].get<std::string>().rfind(
              "the best configuration of sweep tiny: " +
                  report["best"]["description"].get<std::string>() + ", repeat 0 (trial " +
                  std::to_string(report["best"]["trial_id"].get<std::int64_t>()) + ", seed ",
              0) == 0);
  }
  SECTION("sweep export --csv writes one row per trial and epoch") {
    const auto csv = run_sweep("export tiny --csv --db '" + db + "'");
    REQUIRE(csv.exit_code == 0);
    CHECK(csv.out.rfind(
              "trial,optimizer,learning_rate,repeat,status,epoch,epoch_learning_rate,seconds,",
              0) == 0);
    const auto rows = std::count(csv.out.begin(), csv.out.end(), '\n') - 1;
    CHECK(rows == std::stol(query_one(db, "SELECT count(*) FROM epochs")));
  }
  SECTION("sweep show ranks diverged trials last") {
    const auto show = run_sweep("show tiny --db '" + db + "'");
    REQUIRE(show.exit_code == 0);
    const auto table = show.out.find("rank");
    const auto last_completed = show.out.rfind("completed");
    const auto first_diverged = show.out.find("diverged", table);
    REQUIRE(table != std::string::npos);
    CHECK(first_diverged != std::string::npos);
    CHECK(last_completed < first_diverged);
  }
  SECTION("sweep report rebuilds the reports from the database alone") {
    std::filesystem::remove_all(dir / "reports");
    const auto rebuilt = run_sweep("report tiny --db '" + db + "' --out '" + (dir / "again") + "'");
    CHECK(rebuilt.exit_code == 0);
    CHECK(json::parse(read_file(dir / "again/report.json"))["best"] == report["best"]);
  }
  SECTION("sweep ls lists it") {
    const auto ls = run_sweep("ls --db '" + db + "'");
    CHECK(ls.exit_code == 0);
    CHECK(ls.out.find("tiny") != std::string::npos);
  }
}

TEST_CASE("the same spec with 1 and 2 jobs gives bit-identical epochs", "[cli][determinism]") {
  TempDir dir;
  const auto spec = write_spec(dir, small_spec());
  const auto one = run_sweep("run '" + spec + "' --jobs 1 --db '" + (dir / "one.db") + "' --out '" +
                             (dir / "r1") + "'");
  const auto two = run_sweep("run '" + spec + "' --jobs 2 --db '" + (dir / "two.db") + "' --out '" +
                             (dir / "r2") + "'");
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  // 5 trials x 3 epochs, and sgd lr=100's first epoch and the one it was
  // stopped in.
  const auto a = epoch_rows(dir / "one.db");
  CHECK(a.size() == 17);
  CHECK(a == epoch_rows(dir / "two.db"));
}

TEST_CASE("an invalid spec exits 2, one line per problem, and creates no database",
          "[cli][bad-input]") {
  TempDir dir;
  auto spec = small_spec();
  spec["training"]["batch_size"] = -3;
  spec["search"]["parameters"]["optimizer"] = {"adam", "adamm"};
  const auto path = write_spec(dir, spec);
  const auto result = run_sweep("run '" + path + "'" + in(dir));
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "sweep: " + path +
            ": search.parameters.optimizer[1]: unknown optimizer \"adamm\"; did you mean \"adam\"? "
            "known: adam, adamax, adamw, adagrad, nadam, rmsprop, sgd\n"
            "sweep: " +
            path + ": training.batch_size: got -3; expected an integer from 1 to 16777216\n");
  CHECK_FALSE(std::filesystem::exists(dir / "s.db"));
}

TEST_CASE("a model no machine could hold is refused with its estimate before anything runs",
          "[cli][bad-input]") {
  TempDir dir;
  auto spec = small_spec();
  spec["model"]["layers"][0]["units"] = 1048576;
  spec["model"]["layers"].insert(spec["model"]["layers"].begin(), spec["model"]["layers"][0]);
  const auto path = write_spec(dir, spec);
  const auto result = run_sweep("run '" + path + "'" + in(dir));
  CHECK(result.exit_code == 2);
  // 1.1e12 parameters x 5 floats, plus 3 activations per unit for 256 rows.
  const std::string expected =
      "sweep: " + path +
      ": model.layers: a trial of this model needs about 20.0 TiB (1.1e+12 parameters with "
      "their gradients, optimizer slots and best-epoch copy, and the activations of 256 rows); "
      "this machine has ";
  CHECK(result.err.substr(0, expected.size()) == expected);
  CHECK(result.err.ends_with(" GiB\n"));
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("control characters from a spec or a database never reach the terminal",
          "[cli][hardening]") {
  TempDir dir;
  auto spec = small_spec();
  // An escape sequence that would colour the terminal and set its title.
  const std::string escape = "\x1b[31mred\x1b]0;title\x07";
  spec["description"] = escape;
  spec["search"]["parameters"]["optimizer"] = {"sgd"};
  spec["search"]["parameters"]["learning_rate"] = {0.01};
  spec["training"]["epochs"] = 1;
  const auto path = write_spec(dir, spec);
  const auto db = " --db '" + (dir / "s.db") + "'";
  for (const std::string& command :
       {"run '" + path + "'" + in(dir), "validate '" + path + "'", "plan '" + path + "'", "ls" + db,
        "show tiny" + db, "best tiny" + db}) {
    const auto result = run_sweep(command);
    INFO(command << "\n" << result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.find('\x1b') == std::string::npos);
    CHECK(result.err.find('\x1b') == std::string::npos);
    CHECK(result.out.find('\x07') == std::string::npos);
  }
  CHECK(run_sweep("ls" + db).out.find("?[31mred?]0;title?") != std::string::npos);
}

TEST_CASE("unreadable specs get one clear line and exit 2", "[cli][bad-input]") {
  TempDir dir;
  const auto missing = run_sweep("run '" + (dir / "nope.json") + "'" + in(dir));
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "sweep: " + (dir / "nope.json") + ": no such file\n");
  write_file(dir / "empty.json", "  \n");
  const auto empty = run_sweep("validate '" + (dir / "empty.json") + "'");
  CHECK(empty.exit_code == 2);
  CHECK(empty.err ==
        "sweep: " + (dir / "empty.json") + ": the file is empty; expected a JSON object\n");
  write_file(dir / "bad.json", "{\"name\": ");
  const auto bad = run_sweep("validate '" + (dir / "bad.json") + "'");
  CHECK(bad.exit_code == 2);
  CHECK(
      bad.err ==
      "sweep: " + (dir / "bad.json") +
          ": not valid JSON: parse error at line 1, column 10: syntax error while parsing value - "
          "unexpected end of input; expected '[', '{', or a literal\n");
  CHECK_FALSE(std::filesystem::exists(dir / "s.db"));
}

TEST_CASE("a database that is not SQLite is left untouched", "[cli][bad-input]") {
  TempDir dir;
  const auto spec = write_spec(dir, small_spec());
  const std::string text = "these are my notes, not a database\n";
  write_file(dir / "s.db", text);
  const auto result = run_sweep("run '" + spec + "'" + in(dir));
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("is not a sweep database") != std::string::npos);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  CHECK(read_file(dir / "s.db") == text);
}

TEST_CASE("a dataset that is missing gets one line naming it", "[cli][bad-input]") {
  TempDir dir;
  auto spec = small_spec();
  spec["dataset"] = {{"name", "csv"}, {"path", dir / "missing.csv"}};
  const auto result = run_sweep("run '" + write_spec(dir, spec) + "'" + in(dir));
  CHECK(result.exit_code == 2);
  CHECK(result.err.find(dir / "missing.csv") != std::string::npos);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "s.db"));
}

TEST_CASE("unknown sweep names get a suggestion", "[cli][bad-input]") {
  TempDir dir;
  const auto spec = write_spec(dir, small_spec());
  REQUIRE(run_sweep("run '" + spec + "'" + in(dir)).exit_code == 0);
  const auto result = run_sweep("show tinny --db '" + (dir / "s.db") + "'");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: no sweep named \"tinny\" in " + (dir / "s.db") +
                          "; did you mean \"tiny\"? known: tiny\n");
}

TEST_CASE("sweep plan lists the trials and which are done", "[cli][plan]") {
  TempDir dir;
  const auto spec = write_spec(dir, small_spec());
  const auto before = run_sweep("plan '" + spec + "' --db '" + (dir / "s.db") + "'");
  CHECK(before.exit_code == 0);
  CHECK(before.out.find("6 trials, 6 to run, 0 done") != std::string::npos);
  CHECK(before.out.find("      0  new         optimizer=sgd, learning_rate=1e-4\n") !=
        std::string::npos);
  CHECK(before.out.find("      0  new         optimizer=adam, learning_rate=100\n") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "s.db"));
  REQUIRE(run_sweep("run '" + spec + "'" + in(dir)).exit_code == 0);
  const auto after = run_sweep("plan '" + spec + "' --db '" + (dir / "s.db") + "'");
  CHECK(after.out.find("6 trials, 0 to run, 6 done") != std::string::npos);
  const auto more = run_sweep("plan '" + spec + "' --db '" + (dir / "s.db") +
                              "' learning_rate=0.0001,0.01,100,1");
  CHECK(more.out.find("note: sweep \"tiny\"") != std::string::npos);
}

TEST_CASE("a summary of many configurations shows the best 50 and says where the rest are",
          "[cli][summary]") {
  TempDir dir;
  json spec = small_spec();
  spec["name"] = "many";
  spec["dataset"]["samples"] = 60;
  spec["training"]["epochs"] = 1;
  spec["search"] = json::parse(R"({"method": "random", "trials": 70,
    "parameters": {"optimizer": ["sgd", "adam"], "learning_rate": {"loguniform": [1e-4, 1]}}})");
  const auto path = write_spec(dir, spec);
  const auto run = run_sweep("run '" + path + "'" + in(dir) + " --jobs 2");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto show = run_sweep("show many --db '" + (dir / "s.db") + "'");
  REQUIRE(show.exit_code == 0);
  for (const std::string* out : {&run.out, &show.out}) {
    // Rank rows: "  50  optimizer=..."; none from 51 on.
    CHECK(out->find("\n  50  optimizer=") != std::string::npos);
    CHECK(out->find("\n  51  optimizer=") == std::string::npos);
    CHECK(out->find("\n      … 20 more configurations (ranks 51 to 70): report.html shows them "
                    "all, `sweep export` writes every trial\n") != std::string::npos);
  }
  // The report keeps every configuration.
  const json report = json::parse(read_file(dir / "reports/report.json"));
  CHECK(report.at("ranking").size() == 70);
}
