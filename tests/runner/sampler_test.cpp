#include <catch2/catch.hpp>

#include <cstddef>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "runner/errors.hpp"
#include "runner/hashing.hpp"
#include "runner/search/sampler.hpp"

using nlohmann::json;
using sweep::runner::expand;
using sweep::runner::parse_spec;

namespace {

json base_spec() {
  return json::parse(R"({
    "name": "t",
    "seed": 3,
    "dataset": {"name": "spirals", "samples": 300},
    "model": {"layers": [{"type": "dense", "units": 16, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 2, "batch_size": 32, "optimizer": {"name": "adam", "learning_rate": 0.001}}
  })");
}

}  // namespace

TEST_CASE("a grid is the product of its axes, times repeats", "[expansion]") {
  auto spec = base_spec();
  spec["search"] = {{"parameters",
                     {{"optimizer", {"adam", "sgd", "rmsprop"}},
                      {"learning_rate", {{"logspace", {1e-4, 1e-1, 4}}}},
                      {"batch_size", {16, 64}}}},
                    {"repeats", 2}};
  const auto trials = expand(parse_spec(spec, "s"));
  CHECK(trials.size() == std::size_t{3} * 4 * 2 * 2);
  std::set<std::string> hashes;
  for (const auto& t : trials) hashes.insert(t.config_hash);
  CHECK(hashes.size() == 24);
  CHECK(trials[0].params ==
        json({{"optimizer", "adam"}, {"learning_rate", 0.0001}, {"batch_size", 16}}));
  CHECK(trials[0].repeat == 0);
  CHECK(trials[1].repeat == 1);
  CHECK(trials[0].config_hash == trials[1].config_hash);
  CHECK(trials[0].seed != trials[1].seed);
}

TEST_CASE("conditional values apply to their optimizer only", "[expansion]") {
  auto spec = base_spec();
  spec["search"] = {
      {"parameters",
       {{"optimizer", json::parse(R"(["adam", {"name": "sgd", "momentum": [0.0, 0.9]}])")},
        {"learning_rate", {0.01, 0.1}}}}};
  const auto trials = expand(parse_spec(spec, "s"));
  REQUIRE(trials.size() == 2 + 2 * 2);
  int with_momentum = 0;
  for (const auto& t : trials) {
    const auto& optimizer = t.config["training"]["optimizer"];
    if (optimizer["name"] == "adam") {
      CHECK_FALSE(optimizer.contains("momentum"));
      CHECK_FALSE(t.params.contains("momentum"));
    } else {
      CHECK(t.params.contains("momentum"));
      ++with_momentum;
    }
  }
  CHECK(with_momentum == 4);
}

TEST_CASE("choosing an optimizer keeps the base learning rate and takes that optimizer's defaults",
          "[expansion]") {
  auto spec = base_spec();
  spec["training"]["optimizer"] = {{"name", "sgd"}, {"momentum", 0.9}, {"learning_rate", 0.05}};
  spec["search"] = {{"parameters", {{"optimizer", {"adam"}}}}};
  const auto trials = expand(parse_spec(spec, "s"));
  REQUIRE(trials.size() == 1);
  const auto& optimizer = trials[0].config["training"]["optimizer"];
  CHECK(optimizer["name"] == "adam");
  CHECK(optimizer["learning_rate"].get<double>() == 0.05);
  CHECK_FALSE(optimizer.contains("momentum"));
}

TEST_CASE("a logspace's 1e-3 has the same identity as a typed 0.001", "[expansion]") {
  auto a = base_spec();
  a["search"] = {{"parameters", {{"learning_rate", {{"logspace", {1e-5, 1, 6}}}}}}};
  auto b = base_spec();
  b["search"] = {{"parameters", {{"learning_rate", {0.001}}}}};
  const auto from_logspace = expand(parse_spec(a, "a"));
  const auto typed = expand(parse_spec(b, "b"));
  REQUIRE(from_logspace.size() == 6);
  CHECK(from_logspace[2].params["learning_rate"].get<double>() == 0.001);
  CHECK(from_logspace[2].config_hash == typed[0].config_hash);
  CHECK(from_logspace[2].seed == typed[0].seed);
}

TEST_CASE("identities and seeds are stable across runs", "[expansion]") {
  auto spec = base_spec();
  spec["search"] = {{"parameters", {{"learning_rate", {0.001}}}}};
  const auto trials = expand(parse_spec(spec, "s"));
  // Pinned: a change here silently orphans every stored trial.
  CHECK(trials[0].config_hash == sweep::runner::hash_json(trials[0].config));
  CHECK(sweep::runner::fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(sweep::runner::fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(trials[0].seed == sweep::runner::trial_seed(3, trials[0].config_hash, 0));
}

TEST_CASE("random search samples a seeded, reproducible set", "[expansion]") {
  auto spec = base_spec();
  spec["search"] = {
      {"method", "random"},
      {"trials", 10},
      {"parameters",
       {{"optimizer", {"adam", "sgd"}}, {"learning_rate", {{"loguniform", {1e-4, 1e-1}}}}}}};
  const auto first = expand(parse_spec(spec, "s"));
  const auto second = expand(parse_spec(spec, "s"));
  REQUIRE(first.size() == 10);
  for (std::size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].config_hash == second[i].config_hash);
    const double lr = first[i].params["learning_rate"].get<double>();
    CHECK(lr >= 1e-4);
    CHECK(lr <= 1e-1);
  }
}

TEST_CASE("random search draws again for each duplicate, and says so", "[expansion]") {
  auto spec = base_spec();
  // Rates rounded to 6 digits on [1e-4, 1.001e-4]: 101 values
  // for 60 draws, so some draws repeat an earlier one.
  spec["search"] = {
      {"method", "random"},
      {"trials", 60},
      {"repeats", 2},
      {"parameters",
       {{"optimizer", {"adam"}}, {"learning_rate", {{"uniform", {1e-4, 1.001e-4}}}}}}};
  const auto parsed = parse_spec(spec, "s");
  std::string note;
  const auto first = expand(parsed, note);
  REQUIRE(first.size() == std::size_t{60} * 2);
  std::set<std::string> hashes;
  for (const auto& t : first) hashes.insert(t.config_hash);
  CHECK(hashes.size() == 60);
  // The replacements come from the same generator: the same spec, the same plans.
  std::string again;
  const auto second = expand(parsed, again);
  REQUIRE(second.size() == first.size());
  for (std::size_t i = 0; i < first.size(); ++i)
    CHECK(first[i].config_hash == second[i].config_hash);
  CHECK(again == note);
  CHECK_THAT(note, Catch::Matches("random search: [0-9]+ of [0-9]+ draws repeated an earlier "
                                  "configuration and were drawn again, so 60 distinct "
                                  "configurations will run, as asked"));
  // The same count through plan(): the note is only said, never acted on.
  CHECK(expand(parsed).size() == first.size());

  SECTION("a space smaller than asked plans what it holds, and says how many will run") {
    spec["search"]["parameters"] = {{"optimizer", {"adam", "sgd"}}, {"batch_size", {16, 32, 64}}};
    spec["search"]["trials"] = 20;
    const auto small = expand(parse_spec(spec, "s"), note);
    CHECK(small.size() == std::size_t{6} * 2);
    CHECK(note ==
          "random search: 1200 draws found only 6 distinct configurations of the 20 asked "
          "(search.trials; values are rounded to 6 digits, lists are finite), so 12 trials will "
          "run");
  }
  SECTION("no duplicate, nothing to say") {
    spec["search"]["parameters"] = {{"optimizer", {"adam", "sgd"}},
                                    {"learning_rate", {{"loguniform", {1e-4, 1e-1}}}}};
    spec["search"]["trials"] = 10;
    CHECK(expand(parse_spec(spec, "s"), note).size() == std::size_t{10} * 2);
    CHECK(note.empty());
  }
}

TEST_CASE("learning rates nested under an optimizer choice apply to that optimizer only",
          "[expansion]") {
  auto spec = base_spec();
  spec["search"] = {{"parameters",
                     {{"optimizer", json::parse(R"([
                          {"name": "adam", "learning_rate": [0.001, 0.01]},
                          {"name": "sgd", "learning_rate": {"logspace": [0.01, 1, 3]}}])")},
                      {"batch_size", {16, 32}}}}};
  const auto parsed = parse_spec(spec, "s");
  CHECK(parsed.swept_keys() ==
        std::vector<std::string>{"optimizer", "learning_rate", "batch_size"});
  const auto trials = expand(parsed);
  REQUIRE(trials.size() == 2 * 2 + 3 * 2);
  std::set<std::pair<std::string, double>> rates;
  for (const auto& t : trials) {
    const auto& optimizer = t.config["training"]["optimizer"];
    CHECK(t.params["learning_rate"] == optimizer["learning_rate"]);
    rates.emplace(optimizer["name"].get<std::string>(), optimizer["learning_rate"].get<double>());
  }
  CHECK(rates == std::set<std::pair<std::string, double>>{
                     {"adam", 0.001}, {"adam", 0.01}, {"sgd", 0.01}, {"sgd", 0.1}, {"sgd", 1.0}});
}

TEST_CASE("nested learning rates take precedence over a shared learning-rate axis", "[expansion]") {
  auto spec = base_spec();
  spec["search"] = {
      {"parameters",
       {{"optimizer", json::parse(R"([{"name": "adam", "learning_rate": [0.001]}, "sgd"])")},
        {"learning_rate", {0.5, 0.05}}}}};
  const auto trials = expand(parse_spec(spec, "s"));
  REQUIRE(trials.size() == 1 + 2);
  CHECK(trials[0].params == json({{"optimizer", "adam"}, {"learning_rate", 0.001}}));
  CHECK(trials[1].params == json({{"optimizer", "sgd"}, {"learning_rate", 0.5}}));
  CHECK(trials[2].params == json({{"optimizer", "sgd"}, {"learning_rate", 0.05}}));
}

TEST_CASE("a bad nested learning rate names its place in the choice", "[expansion]") {
  auto spec = base_spec();
  spec["search"] = {
      {"parameters",
       {{"optimizer", json::parse(R"([{"name": "adam", "learning_rate": [0.001, -1]}])")}}}};
  try {
    parse_spec(spec, "s");
    FAIL("expected a SpecError");
  } catch (const sweep::runner::SpecError& e) {
    CHECK(e.lines() ==
          std::vector<std::string>{"s: search.parameters.optimizer[0].learning_rate[1]: "
                                   "got -1; expected a number > 0"});
  }
}

TEST_CASE("samplers are chosen by name through one registry", "[expansion]") {
  using sweep::runner::make_sampler;
  using sweep::runner::sampler_names;
  CHECK(sampler_names() == std::vector<std::string>{"grid", "random"});
  CHECK_THROWS_WITH(make_sampler("tpe"), "unknown search method \"tpe\"; known: grid, random");
  // The spec parser checks the name against the same registry.
  auto bad = nlohmann::json::parse(R"({"name": "s", "dataset": {"name": "xor"},
    "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]},
    "search": {"method": "tpe"}})");
  CHECK_THROWS_WITH(sweep::runner::parse_spec(bad, "spec.json"),
                    Catch::Contains("search.method: got \"tpe\"; expected one of: grid, random"));
}
