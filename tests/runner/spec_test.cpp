#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "runner/errors.hpp"
#include "runner/hashing.hpp"
#include "runner/search/sampler.hpp"
#include "runner/spec/spec.hpp"
#include "runner/sweep_runner.hpp"

using nlohmann::json;
using sweep::runner::parse_spec;
using sweep::runner::SpecError;

namespace {

json minimal_spec() {
  return json::parse(R"({
    "name": "t",
    "dataset": {"name": "spirals", "samples": 300},
    "model": {"layers": [{"type": "dense", "units": 16, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 2, "batch_size": 32, "loss": "categorical_crossentropy",
                 "metrics": ["accuracy"], "optimizer": {"name": "adam", "learning_rate": 0.001}},
    "search": {"parameters": {"optimizer": ["adam", "sgd"], "learning_rate": [0.001, 0.1]}}
  })");
}

// Every problem line of a spec that must not validate.
std::vector<std::string> problems(const json& spec) {
  try {
    parse_spec(spec, "s.json");
  } catch (const SpecError& e) {
    return e.lines();
  }
  return {};
}

}  // namespace

TEST_CASE("a valid spec resolves with every default filled", "[spec]") {
  const auto spec = parse_spec(minimal_spec(), "s.json");
  CHECK(spec.name == "t");
  CHECK(spec.objective_metric == "val_accuracy");
  CHECK(spec.maximize);
  CHECK(spec.resolved["dataset"]["validation_split"].get<double>() ==
        Approx(0.1));  // Keras-like default
  CHECK(spec.resolved["training"]["optimizer"]["epsilon"].get<double>() == Approx(1e-7));
  CHECK(spec.resolved["pruning"]["divergence_factor"].get<double>() == 4.0);
  CHECK(spec.hash.size() == 16);
  CHECK(spec.swept_keys() == std::vector<std::string>{"optimizer", "learning_rate"});
}

TEST_CASE("the spec hash ignores key order and 32 vs 32.0", "[spec]") {
  auto a = minimal_spec();
  auto b = json::parse(minimal_spec().dump());
  b["training"]["batch_size"] = 32.0;
  CHECK(parse_spec(a, "a").hash == parse_spec(b, "b").hash);
  b["training"]["batch_size"] = 64;
  CHECK(parse_spec(a, "a").hash != parse_spec(b, "b").hash);
}

TEST_CASE("an unknown optimizer names the path and suggests the nearest name", "[spec]") {
  auto spec = minimal_spec();
  spec["search"]["parameters"]["optimizer"] = {"adam", "sgd", "adamm"};
  CHECK(problems(spec) ==
        std::vector<std::string>{
            "s.json: search.parameters.optimizer[2]: unknown optimizer \"adamm\"; did you mean "
            "\"adam\"? known: adam, adamax, adamw, adagrad, nadam, rmsprop, sgd"});
}

TEST_CASE("every problem is reported at once", "[spec]") {
  auto spec = minimal_spec();
  spec["name"] = "Bad Name";
  spec["training"]["batch_size"] = 0;
  spec["training"]["epocs"] = 3;
  spec["search"]["parameters"]["learning_rate"] = {0.01, -1};
  const auto lines = problems(spec);
  CHECK(
      lines ==
      std::vector<std::string>{
          "s.json: name: got \"Bad Name\"; expected a name of [a-z0-9_-]+, at most 64 characters",
          "s.json: search.parameters.learning_rate[1]: got -1; expected a number > 0",
          "s.json: training.epocs: unknown key \"epocs\"; did you mean \"epochs\"? known: epochs, "
          "batch_size, loss, metrics, optimizer, schedule, early_stopping, shuffle, class_weight",
          "s.json: training.batch_size: got 0; expected an integer from 1 to 16777216",
      });
}

TEST_CASE("unknown top-level keys are errors", "[spec]") {
  auto spec = minimal_spec();
  spec["serach"] = json::object();
  CHECK(problems(spec) == std::vector<std::string>{
                              "s.json: serach: unknown key \"serach\"; did you mean \"search\"? "
                              "known: name, description, seed, dataset, model, training, search, "
                              "objective, pruning, storage"});
}

TEST_CASE("a val_ objective without validation data is a spec error", "[spec]") {
  auto spec = minimal_spec();
  spec["dataset"]["validation_split"] = 0.0;
  spec["objective"] = {{"metric", "val_accuracy"}};
  CHECK(problems(spec) ==
        std::vector<std::string>{"s.json: objective.metric: \"val_accuracy\" needs validation "
                                 "data; set dataset.validation_split > 0 or use \"accuracy\""});
}

TEST_CASE("an unknown objective metric lists the metrics the spec computes", "[spec]") {
  auto spec = minimal_spec();
  spec["objective"] = {{"metric", "val_acuracy"}};
  CHECK(problems(spec) ==
        std::vector<std::string>{
            "s.json: objective.metric: unknown metric \"val_acuracy\"; did you mean "
            "\"val_accuracy\"? known: loss, val_loss, accuracy, val_accuracy (metrics come "
            "from training.metrics)"});
}

TEST_CASE("an empty grid is a spec error", "[spec]") {
  auto spec = minimal_spec();
  spec["search"]["parameters"]["learning_rate"] = json::array();
  CHECK(problems(spec) ==
        std::vector<std::string>{"s.json: search.parameters.learning_rate: empty list; give at "
                                 "least one value"});
}

TEST_CASE("distributions need random search", "[spec]") {
  auto spec = minimal_spec();
  spec["search"]["parameters"]["learning_rate"] = {{"loguniform", {1e-4, 1e-1}}};
  CHECK(problems(spec) ==
        std::vector<std::string>{
            "s.json: search.parameters.learning_rate.loguniform: loguniform needs search.method "
            "\"random\"; a grid takes a list, logspace or linspace"});
  spec["search"]["method"] = "random";
  CHECK(problems(spec) ==
        std::vector<std::string>{"s.json: search.trials: missing; random search needs the number "
                                 "of trials"});
}

TEST_CASE("a sweep key outside the spec's sections is refused", "[spec]") {
  auto spec = minimal_spec();
  spec["search"]["parameters"]["units"] = {16, 32};
  CHECK(problems(spec) ==
        std::vector<std::string>{
            "s.json: search.parameters.units: unknown parameter \"units\"; expected optimizer, "
            "learning_rate, batch_size, epochs or a dotted path into dataset, model or training "
            "(e.g. model.layers[0].units)"});
}

TEST_CASE("a dotted path into a layer that does not exist is refused", "[spec]") {
  auto spec = minimal_spec();
  spec["search"]["parameters"]["model.layers[5].units"] = {16, 32};
  CHECK(problems(spec) ==
        std::vector<std::string>{
            "s.json: search.parameters.model.layers[5].units[0]: no element [5]; the list has 2 "
            "elements",
            "s.json: search.parameters.model.layers[5].units[1]: no element [5]; the list has 2 "
            "elements"});
}

TEST_CASE("a top level that is not an object is refused", "[spec]") {
  CHECK(problems(json::array()) ==
        std::vector<std::string>{"s.json: expected a JSON object at the top level, got a list"});
}

TEST_CASE("a section that is not an object is refused before anything reads into it",
          "[spec][hardening]") {
  // Found by scripts/mutate-specs: these printed nlohmann's type_error text.
  auto spec = minimal_spec();
  spec["training"] = 61;
  spec["model"] = json::array();
  spec["objective"] = json::array({nullptr});
  spec["extra"] = 1;
  CHECK(problems(spec) ==
        std::vector<std::string>{
            "s.json: extra: unknown key \"extra\"; known: name, description, seed, dataset, "
            "model, training, search, objective, pruning, storage",
            "s.json: model: expected an object, got a list",
            "s.json: training: expected an object, got a number",
            "s.json: objective: expected an object, got a list"});
}

TEST_CASE("overrides add, replace and fix search axes", "[spec][overrides]") {
  auto spec = minimal_spec();
  sweep::runner::apply_overrides(
      spec, {"optimizer=adam,sgd,rmsprop", "learning_rate=1e-4:1e-1:log4", "training.epochs=3",
             "batch_size=16,64"});
  CHECK(spec["search"]["parameters"]["optimizer"] == json({"adam", "sgd", "rmsprop"}));
  CHECK(spec["search"]["parameters"]["learning_rate"] == json({{"logspace", {0.0001, 0.1, 4}}}));
  CHECK(spec["search"]["parameters"]["batch_size"] == json({16, 64}));
  CHECK(spec["training"]["epochs"] == 3);
  sweep::runner::apply_overrides(spec, {"optimizer=sgd"});
  CHECK_FALSE(spec["search"]["parameters"].contains("optimizer"));
  CHECK(spec["training"]["optimizer"] == json({{"name", "sgd"}, {"learning_rate", 0.001}}));
}

TEST_CASE("a malformed override is a usage error", "[spec][overrides]") {
  auto spec = minimal_spec();
  CHECK_THROWS_WITH(
      sweep::runner::apply_overrides(spec, {"epochs"}),
      "override \"epochs\": expected KEY=VALUE, KEY=A,B,... or KEY=LO:HI:N (or logN)");
  CHECK_THROWS_WITH(
      sweep::runner::apply_overrides(spec, {"seed=1,2"}),
      "override \"seed=1,2\": \"seed\" cannot be swept; use optimizer, learning_rate, batch_size, "
      "epochs or a path into dataset, model or training");
}

TEST_CASE("load_spec reports missing, empty and malformed files in one line", "[spec]") {
  CHECK_THROWS_WITH(sweep::runner::load_spec("/nonexistent/spec.json"),
                    "/nonexistent/spec.json: no such file");
}

TEST_CASE("numbers without bounds are refused with their range", "[spec][hardening]") {
  auto spec = minimal_spec();
  spec["search"]["repeats"] = 4294967296LL;
  spec["training"]["batch_size"] = 4294967296LL;
  spec["training"]["epochs"] = 1e300;
  spec["seed"] = -1;
  CHECK(problems(spec) ==
        std::vector<std::string>{
            "s.json: seed: got -1; expected an integer from 0 to 9007199254740992",
            "s.json: search.repeats: got 4294967296; expected an integer from 1 to 1000",
            "s.json: training.epochs: got 1e+300; expected an integer from 1 to 100000",
            "s.json: training.batch_size: got 4294967296; expected an integer from 1 to 16777216",
        });

  auto huge = minimal_spec();
  huge["search"]["parameters"]["learning_rate"] = {{"logspace", {1e-5, 1, 100001}}};
  CHECK(problems(huge) ==
        std::vector<std::string>{"s.json: search.parameters.learning_rate.logspace: got [1e-05,1,"
                                 "100001]; expected [lo, hi, n] with finite lo and hi and n an "
                                 "integer from 1 to 100000"});
  auto units = minimal_spec();
  units["model"]["layers"][0]["units"] = 1e9;
  CHECK(problems(units).at(0) ==
        "s.json: model.layers[0].units: got 1e+09; expected an integer in [1, 1048576]");
}

// Every value of the 100,000 is checked: ~4 s here, minutes under the
// sanitizers (the asan test preset leaves it to the release build).
TEST_CASE("a grid of more than 200,000 trials is refused with its size", "[spec][hardening]") {
  auto grid = minimal_spec();
  grid["search"]["parameters"]["learning_rate"] = {{"logspace", {1e-5, 1, 100000}}};
  grid["search"]["parameters"]["batch_size"] = {{"linspace", {1, 100, 100}}};
  CHECK(problems(grid) == std::vector<std::string>{"s.json: search.parameters: the grid has 2e+07 "
                                                   "trials (with repeats); at most 200000 are "
                                                   "accepted"});
}

TEST_CASE("long names, keys and paths are refused without running away", "[spec][hardening]") {
  auto spec = minimal_spec();
  spec["name"] = std::string(50000, 'a');
  const auto lines = problems(spec);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("s.json: name: got \"aaaa", 0) == 0);
  CHECK_THAT(lines[0], Catch::EndsWith("; expected a name of [a-z0-9_-]+, at most 64 characters"));
  CHECK(sweep::runner::valid_sweep_name("fashion-1_b"));
  CHECK_FALSE(sweep::runner::valid_sweep_name("../../x"));
  CHECK_FALSE(sweep::runner::valid_sweep_name(""));

  auto key = minimal_spec();
  // Appended, not "..." + std::string(50000, 'u'): GCC 12 warns of an
  // out-of-bounds memcpy in that sum (a false positive, -Warray-bounds).
  std::string long_key = "model.layers[0].";
  long_key.append(50000, 'u');
  key["search"]["parameters"][long_key] = {1, 2};
  CHECK_FALSE(problems(key).empty());
  auto index = minimal_spec();
  index["search"]["parameters"]["model.layers[99999999999].units"] = {1, 2};
  CHECK_FALSE(problems(index).empty());
}

TEST_CASE("a name read from a database becomes a folder only when valid", "[spec][hardening]") {
  CHECK(sweep::runner::default_report_dir("fashion-1") == "sweep-reports/fashion-1");
  CHECK_THROWS_WITH(sweep::runner::default_report_dir("../../x"),
                    "sweep name \"../../x\" is not a valid folder name ([a-z0-9_-]+); give the "
                    "reports' folder with --out");
  CHECK_THROWS_WITH(sweep::runner::default_report_dir("a\x1b[2Jb"),
                    "sweep name \"a?[2Jb\" is not a valid folder name ([a-z0-9_-]+); give the "
                    "reports' folder with --out");
}

TEST_CASE("storage.weights: best by default, none or all on request, not part of the hash",
          "[spec][weights]") {
  using sweep::runner::WeightsPolicy;
  const auto plain = parse_spec(minimal_spec(), "s.json");
  CHECK(plain.weights == WeightsPolicy::best);
  CHECK(plain.resolved["storage"] == json{{"weights", "best"}});
  // The hash is the resolved spec's without storage: what it was before the
  // key existed, so that sweeps stored then keep their identity.
  json identity = plain.resolved;
  identity.erase("storage");
  CHECK(plain.hash == sweep::runner::hash_json(identity));
  auto all = minimal_spec();
  all["storage"] = {{"weights", "all"}};
  const auto with_all = parse_spec(all, "s.json");
  CHECK(with_all.weights == WeightsPolicy::all);
  CHECK(with_all.hash == plain.hash);
  // A stored spec reads back with its policy.
  CHECK(parse_spec(with_all.resolved, "stored").weights == WeightsPolicy::all);
  all["storage"] = {{"weights", "everything"}};
  CHECK(problems(all) ==
        std::vector<std::string>{
            "s.json: storage.weights: got \"everything\"; expected one of: none, best, all"});
  all["storage"] = {{"weight", "all"}};
  CHECK(problems(all) == std::vector<std::string>{"s.json: storage.weight: unknown key "
                                                  "\"weight\"; did you mean \"weights\"? known: "
                                                  "weights"});
}

TEST_CASE("search.first_repeat numbers the repeats and their seeds from there", "[spec][weights]") {
  auto spec = minimal_spec();
  spec["search"]["repeats"] = 3;
  const auto trials = sweep::runner::expand(parse_spec(spec, "s.json"));
  spec["search"]["repeats"] = 1;
  spec["search"]["first_repeat"] = 2;
  const auto parsed = parse_spec(spec, "s.json");
  CHECK(parsed.resolved["search"]["first_repeat"] == 2);
  const auto third = sweep::runner::expand(parsed);
  REQUIRE(third.size() == 4);
  REQUIRE(trials.size() == 12);
  for (std::size_t i = 0; i < third.size(); ++i) {
    CHECK(third[i].repeat == 2);
    CHECK(third[i].config_hash == trials[i * 3 + 2].config_hash);
    CHECK(third[i].seed == trials[i * 3 + 2].seed);
  }
  // Absent or 0, it leaves the resolved spec (and its hash) as before.
  spec["search"]["first_repeat"] = 0;
  CHECK_FALSE(parse_spec(spec, "s.json").resolved["search"].contains("first_repeat"));
  spec["search"]["first_repeat"] = -1;
  CHECK(problems(spec) == std::vector<std::string>{"s.json: search.first_repeat: got -1; "
                                                   "expected an integer from 0 to 999"});
}
