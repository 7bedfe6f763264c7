// Keeping the winner: stored weights (storage.weights), `sweep predict` on the
// sweep's own test set reproducing the stored test metrics exactly, the .npz
// export checked by a forward pass in NumPy, and `sweep best --spec`
// rerunning the repeat the report quotes, bit for bit.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/cli/db.hpp"
#include "tests/cli/process.hpp"

using nlohmann::json;
using sweep::test::execute;
using sweep::test::query;
using sweep::test::query_one;
using sweep::test::read_file;
using sweep::test::run_command;
using sweep::test::run_sweep;
using sweep::test::TempDir;
using sweep::test::write_file;

namespace {

// Three colours from three features on very different scales (so the
// standardisation matters), seeded: mt19937's output is fixed by the standard,
// and the uniform draws are made here, not by a library distribution.
void write_colours(const std::string& path, int rows, unsigned seed) {
  std::mt19937 rng(seed);
  const auto uniform = [&] { return static_cast<double>(rng()) / 4294967296.0; };
  const char* names[3] = {"red", "green", "blue"};
  std::string text = "a,b,colour,c\n";
  for (int i = 0; i < rows; ++i) {
    const int k = static_cast<int>(rng() % 3);
    text += fmt::format("{:.4f},{:.4f},{},{:.4f}\n", 1000.0 + 300.0 * k + 500.0 * uniform(),
                        0.01 * k + 0.02 * uniform(), names[k], uniform() - 0.5);
  }
  write_file(path, text);
}

json colours_spec(const std::string& folder, const std::string& weights) {
  return json{
      {"name", "colours"},
      {"seed", 11},
      {"dataset",
       {{"name", "csv"},
        {"path", folder + "/train.csv"},
        {"test_path", folder + "/test.csv"},
        {"label_column", "colour"},
        {"validation_split", 0.25}}},
      {"model",
       {{"layers", json::array({{{"type", "dense"}, {"units", 16}, {"activation", "relu"}},
                                {{"type", "dropout"}, {"rate", 0.1}},
                                {{"type", "dense"}, {"units", 8}, {"activation", "tanh"}},
                                {{"type", "dense"}, {"units", 3}, {"activation", "softmax"}}})}}},
      {"training",
       {{"epochs", 4},
        {"batch_size", 16},
        {"loss", "categorical_crossentropy"},
        {"metrics", {"accuracy", "f1_score"}}}},
      {"search",
       {{"parameters", {{"optimizer", {"adam", "sgd"}}, {"learning_rate", {0.01, 0.1}}}},
        {"repeats", 2}}},
      {"storage", {{"weights", weights}}}};
}

struct Sweep {
  TempDir dir;
  std::string db() const { return dir / "s.db"; }
  std::string in() const { return " --db '" + db() + "'"; }
};

// A sweep of the colours spec, trained: 4 configurations x 2 repeats.
void run_colours(const Sweep& sweep, const std::string& weights) {
  write_colours(sweep.dir / "train.csv", 400, 1);
  write_colours(sweep.dir / "test.csv", 150, 2);
  write_file(sweep.dir / "spec.json", colours_spec(sweep.dir.path(), weights).dump(2));
  const auto result = run_sweep("run '" + (sweep.dir / "spec.json") + "'" + sweep.in() +
                                " --out '" + (sweep.dir / "reports") + "' --jobs 2");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
}

// `predict --evaluate`'s metric lines ("accuracy 0.74"), by name.
std::map<std::string, double> printed_metrics(const std::string& out) {
  std::map<std::string, double> metrics;
  std::istringstream lines(out);
  std::string line;
  std::getline(lines, line);  // what was evaluated
  while (std::getline(lines, line)) {
    const auto space = line.find(' ');
    metrics[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return metrics;
}

// Predictions whose class is the row's label, over all rows.
double accuracy_of(const std::string& predictions_csv) {
  std::istringstream lines(predictions_csv);
  std::string line;
  std::getline(lines, line);
  REQUIRE(line.rfind("row,class,label,", 0) == 0);
  int rows = 0;
  int right = 0;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) fields.push_back(cell);
    ++rows;
    right += fields.at(1) == fields.at(2) ? 1 : 0;
  }
  return static_cast<double>(right) / rows;
}

std::int64_t best_trial(const Sweep& sweep) {
  const auto best = run_sweep("best colours --json" + sweep.in());
  REQUIRE(best.exit_code == 0);
  return json::parse(best.out).at("trial_id").get<std::int64_t>();
}

// A python3 that imports numpy: the first on PATH, else Debian's.
std::string python_with_numpy() {
  for (std::string python : {"python3", "/usr/bin/python3"}) {
    if (run_command(python + " -c 'import numpy'").exit_code == 0) return python;
  }
  return "";
}

// The trials of every configuration whose mean objective (val_accuracy, over
// the repeats with a value) is the best, ties included, by id: those that
// storage.weights "best" keeps.
std::string best_configurations_trials(const std::string& db) {
  return query_one(db,
                   "WITH m AS (SELECT config_hash, avg(objective) AS v FROM trials WHERE status "
                   "!= 'diverged' AND objective IS NOT NULL GROUP BY config_hash) SELECT "
                   "group_concat(id, ',') FROM (SELECT id FROM trials WHERE config_hash IN "
                   "(SELECT config_hash FROM m WHERE v = (SELECT max(v) FROM m)) ORDER BY id)");
}

}  // namespace

TEST_CASE("sweep predict on the sweep's test set gives exactly the stored test metrics",
          "[cli][winner]") {
  Sweep sweep;
  run_colours(sweep, "all");
  const auto trials = query(sweep.db(),
                            "SELECT id, test_metrics_json FROM trials WHERE status = 'completed' "
                            "ORDER BY id");
  REQUIRE(trials.size() == 8);
  CHECK(query_one(sweep.db(), "SELECT count(*) FROM weights") == "8");
  for (const auto& row : trials) {
    INFO("trial " << row[0]);
    const std::string predictions = sweep.dir / ("p" + row[0] + ".csv");
    const auto result =
        run_sweep("predict colours --trial " + row[0] + " --data '" + (sweep.dir / "test.csv") +
                  "' --evaluate -o '" + predictions + "'" + sweep.in());
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const json stored = json::parse(row[1]);
    const auto printed = printed_metrics(result.out);
    REQUIRE(printed.size() == 3);
    // Bit for bit: the same weights, rows, batches and order as the trial's evaluate.
    CHECK(printed.at("loss") == stored.at("loss").get<double>());
    CHECK(printed.at("accuracy") == stored.at("accuracy").get<double>());
    CHECK(printed.at("f1_score") == stored.at("f1_score").get<double>());
    // The predicted classes are the ones evaluate's accuracy counted.
    CHECK(accuracy_of(read_file(predictions)) == stored.at("accuracy").get<double>());
  }
  // Without --trial: the trial the report quotes; predictions on stdout.
  const auto winner =
      run_sweep("predict colours --data '" + (sweep.dir / "test.csv") + "'" + sweep.in());
  REQUIRE(winner.exit_code == 0);
  CHECK(winner.out == read_file(sweep.dir / ("p" + std::to_string(best_trial(sweep)) + ".csv")));
  CHECK(winner.out.rfind("row,class,label,p_blue,p_green,p_red\n", 0) == 0);
}

TEST_CASE("sweep predict on Fashion-MNIST's test images gives exactly the stored test metrics",
          "[cli][winner]") {
  TempDir dir;
  const json spec = {
      {"name", "fashion"},
      {"dataset", {{"name", "fashion_mnist"}, {"train_limit", 2000}, {"validation_split", 0.2}}},
      {"model",
       {{"layers", json::array({{{"type", "dense"}, {"units", 32}, {"activation", "relu"}},
                                {{"type", "dense"}, {"units", 10}, {"activation", "softmax"}}})}}},
      {"training",
       {{"epochs", 2}, {"batch_size", 64}, {"metrics", {"accuracy"}}, {"optimizer", "adam"}}}};
  write_file(dir / "spec.json", spec.dump());
  const std::string in = " --db '" + (dir / "s.db") + "'";
  const auto run =
      run_sweep("run '" + (dir / "spec.json") + "'" + in + " --out '" + (dir / "reports") + "'");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json stored = json::parse(query_one(dir / "s.db", "SELECT test_metrics_json FROM trials"));
  // The folder (its t10k pair) and the images file (its labels beside it) alike.
  for (const std::string& data : {std::string("/usr/share/datasets/fashion-mnist"),
                                  std::string("/usr/share/datasets/fashion-mnist/"
                                              "t10k-images-idx3-ubyte.gz")}) {
    const auto result = run_sweep("predict fashion --data " + data + " --evaluate" + in);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("on 10000 rows of ") != std::string::npos);
    const auto printed = printed_metrics(result.out);
    CHECK(printed.at("loss") == stored.at("loss").get<double>());
    CHECK(printed.at("accuracy") == stored.at("accuracy").get<double>());
  }
}

TEST_CASE("the .npz export, loaded with NumPy, predicts what sweep predict does",
          "[cli][winner][numpy]") {
  const std::string python = python_with_numpy();
  INFO("scripts/setup installs Debian's python3-numpy");
  REQUIRE_FALSE(python.empty());
  Sweep sweep;
  run_colours(sweep, "best");
  const std::string npz = sweep.dir / "best.npz";
  const auto exported = run_sweep("best colours --weights '" + npz + "'" + sweep.in());
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out.find("6 arrays in Keras's get_weights() order, and model.json") !=
        std::string::npos);
  const std::string predictions = sweep.dir / "p.csv";
  REQUIRE(run_sweep("predict colours --data '" + (sweep.dir / "test.csv") + "' -o '" + predictions +
                    "'" + sweep.in())
              .exit_code == 0);
  const auto check =
      run_command(python + " '" + SWEEP_SOURCE_DIR + "/tests/cli/numpy_forward.py' '" + npz +
                  "' '" + (sweep.dir / "test.csv") + "' '" + predictions + "' colour");
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("150 rows x 3 classes") != std::string::npos);
  // NumPy lists the entries, and the arrays carry Keras's shapes.
  const auto listed = run_command(
      python + " -c \"import json, numpy as np; f = np.load('" + npz +
      "'); m = json.loads(f['model.json']); print(sorted(f.files), [f[k].shape for k in "
      "['arr_0', 'arr_1', 'arr_4', 'arr_5']], [w['name'] for w in m['weights']], "
      "m['class_names'])\"");
  INFO(listed.err);
  CHECK(listed.out ==
        "['arr_0', 'arr_1', 'arr_2', 'arr_3', 'arr_4', 'arr_5', 'model.json'] [(3, 16), (16,), "
        "(8, 3), (3,)] ['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', "
        "'dense_2/kernel', 'dense_2/bias'] ['blue', 'green', 'red']\n");
}

TEST_CASE("storage.weights best keeps the winner's repeats alone, none keeps nothing",
          "[cli][winner]") {
  Sweep best;
  run_colours(best, "best");
  const auto winner = run_sweep("best colours --json" + best.in());
  REQUIRE(winner.exit_code == 0);
  // The winner's repeats, and those of any configuration tied with it.
  const std::string kept = best_configurations_trials(best.db());
  std::set<std::string> tied;
  std::stringstream ids(kept);
  for (std::string id; std::getline(ids, id, ',');) tied.insert(id);
  const json parsed = json::parse(winner.out);
  for (const auto& id : parsed.at("trial_ids"))
    CHECK(tied.count(std::to_string(id.get<std::int64_t>())) == 1);
  CHECK(query_one(best.db(),
                  "SELECT group_concat(trial_id, ',') FROM (SELECT trial_id FROM "
                  "weights ORDER BY trial_id)") == kept);
  // The stored epoch is the one the report quotes for that trial.
  CHECK(query_one(best.db(),
                  "SELECT count(*) FROM weights w JOIN trials t ON t.id = w.trial_id "
                  "WHERE w.epoch != t.best_epoch") == "0");

  Sweep none;
  run_colours(none, "none");
  CHECK(query_one(none.db(), "SELECT count(*) FROM weights") == "0");
  const auto id = best_trial(none);
  const auto refused =
      run_sweep("predict colours --data '" + (none.dir / "test.csv") + "'" + none.in());
  CHECK(refused.exit_code == 1);
  CHECK(refused.err == fmt::format("sweep: trial {} of sweep \"colours\" has no stored weights "
                                   "(the sweep ran with storage.weights \"none\")\n",
                                   id));
}

TEST_CASE("weights lost with a killed process are trained again on resume, bit for bit",
          "[cli][winner]") {
  // Under `best` the winners' weights are written when the sweep ends; a
  // process killed before then leaves finished trials without them, as here.
  Sweep sweep;
  run_colours(sweep, "best");
  const std::string weights_sql =
      "SELECT trial_id || ' ' || epoch || ' ' || hex(data) || ' ' || hex(preprocessing) FROM "
      "weights ORDER BY trial_id";
  const auto kept = query(sweep.db(), weights_sql);
  const std::string best = best_configurations_trials(sweep.db());
  REQUIRE(kept.size() == static_cast<std::size_t>(std::count(best.begin(), best.end(), ',') + 1));
  const std::string epochs_sql = "SELECT * FROM epochs ORDER BY trial_id, epoch";
  const auto epochs = query(sweep.db(), epochs_sql);
  execute(sweep.db(), "DELETE FROM weights");
  const auto resumed =
      run_sweep("resume colours" + sweep.in() + " --out '" + (sweep.dir / "reports") + "'");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  const std::string winner = query_one(sweep.db(),
                                       "SELECT min(id) FROM trials WHERE id IN "
                                       "(SELECT trial_id FROM weights)");
  CHECK(resumed.err.find("sweep: note: training trial " + winner + " (") != std::string::npos);
  CHECK(std::count(resumed.err.begin(), resumed.err.end(), '\n') ==
        static_cast<std::ptrdiff_t>(kept.size()));
  CHECK(query(sweep.db(), weights_sql) == kept);
  // Nothing was recorded again: every epoch row is the first run's.
  CHECK(query(sweep.db(), epochs_sql) == epochs);
  CHECK(query_one(sweep.db(), "SELECT count(*) FROM trials WHERE status = 'completed'") == "8");
}

TEST_CASE("sweep best --spec reruns the repeat the report quotes, bit for bit", "[cli][winner]") {
  Sweep sweep;
  run_colours(sweep, "none");
  const std::int64_t quoted = best_trial(sweep);
  // The winner's other repeat too: a repeat other than 0 needs search.first_repeat.
  const std::string other = query_one(
      sweep.db(), fmt::format("SELECT o.id FROM trials o JOIN trials t ON t.config_hash = "
                              "o.config_hash AND o.id != t.id WHERE t.id = {}",
                              quoted));
  for (const std::string& trial : {std::to_string(quoted), other}) {
    INFO("trial " << trial);
    const bool winner = trial == std::to_string(quoted);
    const auto spec =
        run_sweep("best colours --spec" + (winner ? "" : " --trial " + trial) + sweep.in());
    REQUIRE(spec.exit_code == 0);
    const std::string repeat =
        query_one(sweep.db(), "SELECT repeat FROM trials WHERE id = " + trial);
    const std::string seed = query_one(sweep.db(), "SELECT seed FROM trials WHERE id = " + trial);
    CHECK(spec.err.find("sweep: this spec reruns trial " + trial + " (") == 0);
    CHECK(spec.err.find(", repeat " + repeat + ", seed ") != std::string::npos);
    CHECK((spec.err.find("the repeat the report quotes") != std::string::npos) == winner);
    const json parsed = json::parse(spec.out);
    CHECK(parsed.at("name") == "colours-best");
    CHECK(parsed.contains("search") == (repeat != "0"));

    TempDir again;
    write_file(again / "best.json", spec.out);
    const std::string db = again / "b.db";
    const auto rerun = run_sweep("run '" + (again / "best.json") + "' --db '" + db + "' --out '" +
                                 (again / "reports") + "'");
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK(query_one(db, "SELECT count(*) FROM trials") == "1");
    CHECK(query_one(db, "SELECT repeat || ',' || seed FROM trials") ==
          query_one(sweep.db(), "SELECT repeat || ',' || seed FROM trials WHERE id = " + trial));
    const std::string epochs =
        "SELECT group_concat(epoch || ':' || loss || ':' || val_loss || ':' || val_accuracy, ' ') "
        "FROM epochs ";
    CHECK(query_one(db, epochs) == query_one(sweep.db(), epochs + "WHERE trial_id = " + trial));
    CHECK(query_one(db, "SELECT test_metrics_json FROM trials") ==
          query_one(sweep.db(), "SELECT test_metrics_json FROM trials WHERE id = " + trial));
  }
}

TEST_CASE("sweep predict refuses bad input with one line", "[cli][winner]") {
  Sweep sweep;
  run_colours(sweep, "best");
  const std::string test = sweep.dir / "test.csv";
  auto result = run_sweep("predict colours --trial 999 --data '" + test + "'" + sweep.in());
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "sweep: sweep \"colours\" has no trial 999; its trials are 1..8 (sweep "
        "export colours --csv lists them)\n");

  write_file(sweep.dir / "bare.csv", "a,b,c\n1000,0.01,0.2\n1500,0.02,-0.1\n");
  result = run_sweep("predict colours --evaluate --data '" + (sweep.dir / "bare.csv") + "'" +
                     sweep.in());
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: --evaluate needs labels; " + (sweep.dir / "bare.csv") +
                          " has none (a CSV file needs its label column, an IDX images file its "
                          "labels file beside it)\n");
  // Without labels it predicts.
  result = run_sweep("predict colours --data '" + (sweep.dir / "bare.csv") + "'" + sweep.in());
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("row,class,p_blue,p_green,p_red\n0,", 0) == 0);

  write_file(sweep.dir / "wide.csv", "a,b,c,d,e\n1,2,3,4,5\n");
  result = run_sweep("predict colours --data '" + (sweep.dir / "wide.csv") + "'" + sweep.in());
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: " + (sweep.dir / "wide.csv") +
                          ":1: 5 columns; the model takes 3 features (3 columns, or 4 with the "
                          "label column)\n");

  write_file(sweep.dir / "purple.csv", "a,b,colour,c\n1000,0.01,purple,0.2\n");
  result = run_sweep("predict colours --data '" + (sweep.dir / "purple.csv") + "'" + sweep.in());
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: " + (sweep.dir / "purple.csv") +
                          ": row 1: label \"purple\" is not a class of the model; its classes: "
                          "blue, green, red\n");

  result = run_sweep("predict colours --data '" + (sweep.dir / "missing.csv") + "'" + sweep.in());
  CHECK(result.exit_code == 2);
  CHECK(result.err == "sweep: " + (sweep.dir / "missing.csv") + ": no such file or folder\n");
}
