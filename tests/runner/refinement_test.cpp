#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/search/refinement.hpp"
#include "runner/search/sampler.hpp"
#include "runner/spec/spec.hpp"

using nlohmann::json;
using sweep::runner::next_rates;
using sweep::runner::RateBracket;
using sweep::runner::read_bracket;
using sweep::runner::refine_sweep;

namespace {

// Rates compared at the 6 significant digits the grid is rounded to.
void check_rates(const std::vector<double>& got, const std::vector<double>& expected) {
  INFO("got " << json(got).dump());
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).epsilon(1e-6));
}

// A sweep as stored: adam, and sgd with a momentum axis, over a decade grid.
json stored_spec() {
  const json spec = json::parse(R"({
    "name": "t",
    "dataset": {"name": "spirals", "samples": 300},
    "model": {"layers": [{"type": "dense", "units": 16, "activation": "relu"},
                         {"type": "dense", "units": 3, "activation": "softmax"}]},
    "training": {"epochs": 2},
    "search": {"parameters": {
      "optimizer": ["adam", {"name": "sgd", "momentum": [0.0, 0.9]}],
      "learning_rate": {"logspace": [1e-4, 1e-1, 4]},
      "batch_size": [16, 32]}}
  })");
  return sweep::runner::parse_spec(spec, "s").resolved;
}

json entry(double best, const std::vector<double>& rates) {
  return {{"best_learning_rate", best}, {"learning_rates", rates}};
}

}  // namespace

TEST_CASE("refining a decade grid takes the half decades either side of the best", "[refinement]") {
  const RateBracket bracket{0.001, 0.0001, 0.01, "refine"};
  check_rates(next_rates(bracket, 0.0001), {0.000316228, 0.001, 0.00316228});
}

TEST_CASE("refining a wider bracket fills it with half decades", "[refinement]") {
  const RateBracket bracket{0.001, 1e-5, 0.1, "refine"};
  check_rates(next_rates(bracket, 1e-5),
              {3.16228e-5, 0.0001, 0.000316228, 0.001, 0.00316228, 0.01, 0.0316228});
}

TEST_CASE("refining a half-decade grid steps by quarter decades", "[refinement]") {
  const RateBracket bracket{0.001, 0.000316228, 0.00316228, "refine"};
  check_rates(next_rates(bracket, 0.0001), {0.000562341, 0.001, 0.00177828});
}

TEST_CASE("an optimum at an edge extends two decades beyond it", "[refinement]") {
  check_rates(next_rates(RateBracket{0.1, 0.01, std::nullopt, "extend_high"}, 0.0001),
              {0.1, 0.316228, 1, 3.16228, 10});
  check_rates(next_rates(RateBracket{0.0001, std::nullopt, 0.001, "extend_low"}, 0.0001),
              {1e-6, 3.16228e-6, 1e-5, 3.16228e-5, 0.0001});
  check_rates(next_rates(RateBracket{0.01, std::nullopt, std::nullopt, "extend_both"}, 0.01),
              {0.0001, 0.000316228, 0.001, 0.00316228, 0.01, 0.0316228, 0.1, 0.316228, 1});
}

TEST_CASE("without a best, two decades below the lowest rate tried", "[refinement]") {
  check_rates(next_rates(RateBracket{}, 1.0), {0.01, 0.0316228, 0.1, 0.316228});
}

TEST_CASE("the bracket is computed from the rates tried when the report lacks it", "[refinement]") {
  auto b = read_bracket(entry(0.001, {0.0001, 0.001, 0.01, 0.1}));
  CHECK(b.best == 0.001);
  CHECK(b.below == 0.0001);
  CHECK(b.above == 0.01);
  CHECK(b.advice == "refine");
  b = read_bracket(entry(0.1, {0.0001, 0.001, 0.01, 0.1}));
  CHECK_FALSE(b.above);
  CHECK(b.advice == "extend_high");
  b = read_bracket(entry(0.0001, {0.0001, 0.001}));
  CHECK_FALSE(b.below);
  CHECK(b.advice == "extend_low");
  CHECK(read_bracket(entry(0.01, {0.01})).advice == "extend_both");
  b = read_bracket({{"best_learning_rate", nullptr}, {"learning_rates", {1.0, 10.0}}});
  CHECK_FALSE(b.best);
  CHECK(b.advice.empty());
}

TEST_CASE("the report's bracket and advice are preferred when present", "[refinement]") {
  json e = entry(0.001, {0.0001, 0.001, 0.01});
  e["bracket"] = {0.0003, 0.003};
  e["advice"] = "refine";
  auto b = read_bracket(e);
  CHECK(b.below == 0.0003);
  CHECK(b.above == 0.003);
  CHECK(b.advice == "refine");
  // An advice the bracket contradicts is recomputed.
  e["bracket"] = {nullptr, 0.01};
  b = read_bracket(e);
  CHECK_FALSE(b.below);
  CHECK(b.advice == "extend_low");
}

TEST_CASE("a refined spec moves the learning rates under each optimizer choice", "[refinement]") {
  const json stored = stored_spec();
  const json report = {{"by_optimizer",
                        {{"adam", entry(0.001, {0.0001, 0.001, 0.01, 0.1})},
                         {"sgd", entry(0.1, {0.0001, 0.001, 0.01, 0.1})}}},
                       {"trials", json::array()}};
  const auto refined = refine_sweep(stored, report);
  const json& spec = refined.spec;
  CHECK(spec["name"] == "t-refined");
  for (const char* key : {"dataset", "model", "training", "objective", "pruning", "seed"})
    CHECK(spec[key] == stored[key]);
  const json& parameters = spec["search"]["parameters"];
  CHECK_FALSE(parameters.contains("learning_rate"));
  CHECK(parameters["batch_size"] == json({16, 32}));
  CHECK(parameters["optimizer"] == json::parse(R"([
    {"name": "adam", "learning_rate": [0.000316228, 0.001, 0.00316228]},
    {"name": "sgd", "momentum": [0.0, 0.9], "learning_rate": [0.1, 0.316228, 1, 3.16228, 10]}])"));
  CHECK(refined.notes ==
        std::vector<std::string>{"adam: best 0.001, refine: 0.000316228, 0.001, 0.00316228",
                                 "sgd: best 0.1, extend_high: 0.1, 0.316228, 1, 3.16228, 10"});
  const auto parsed = sweep::runner::parse_spec(spec, "refined");
  CHECK(sweep::runner::expand(parsed).size() == 3 * 2 + 5 * 2 * 2);
}

TEST_CASE("an optimizer without a value goes below its lowest rate, unless still running",
          "[refinement]") {
  const json stored = stored_spec();
  json report = {
      {"by_optimizer",
       {{"adam", entry(0.001, {0.0001, 0.001, 0.01, 0.1})},
        {"sgd", {{"best_learning_rate", nullptr}, {"learning_rates", {0.01, 0.1}}}}}},
      {"trials",
       {{{"params", {{"optimizer", "sgd"}, {"learning_rate", 0.01}}}, {"status", "diverged"}},
        {{"params", {{"optimizer", "sgd"}, {"learning_rate", 0.1}}}, {"status", "failed"}}}}};
  auto refined = refine_sweep(stored, report);
  CHECK(refined.spec["search"]["parameters"]["optimizer"][1]["learning_rate"] ==
        json({0.0001, 0.000316228, 0.001, 0.00316228}));
  CHECK(refined.notes[1] ==
        "sgd: no value at any rate; below the lowest tried, 0.01: 0.0001, 0.000316228, 0.001, "
        "0.00316228");

  report["trials"][1]["status"] = "pending";
  refined = refine_sweep(stored, report);
  CHECK(refined.spec["search"]["parameters"]["optimizer"][1]["learning_rate"] == json({0.01, 0.1}));
}

TEST_CASE("a sweep of one optimizer gets a plain learning-rate axis", "[refinement]") {
  json stored = stored_spec();
  stored["search"]["parameters"].erase("optimizer");
  stored["training"]["optimizer"] = {{"name", "adam"}, {"learning_rate", 0.001}};
  const json report = {{"by_optimizer", {{"adam", entry(0.01, {0.001, 0.01, 0.1})}}}};
  const auto refined = refine_sweep(stored, report);
  CHECK(refined.spec["search"]["parameters"]["learning_rate"] ==
        json({0.00316228, 0.01, 0.0316228}));
  CHECK_NOTHROW(sweep::runner::parse_spec(refined.spec, "refined"));
}

TEST_CASE("a sweep with no learning rate tried cannot be refined", "[refinement]") {
  CHECK_THROWS_WITH(refine_sweep(stored_spec(), {{"by_optimizer", json::object()}}),
                    "sweep \"t\" has no trial with a learning rate to refine");
}
