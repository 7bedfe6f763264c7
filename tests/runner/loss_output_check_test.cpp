// The loss must fit the output layer: what cannot learn is a spec error, what
// Keras warns about is a warning. Exact texts, through parse_spec.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "runner/errors.hpp"
#include "runner/spec/loss_output_check.hpp"
#include "runner/spec/spec.hpp"

using nlohmann::json;
using sweep::runner::parse_spec;
using sweep::runner::SpecError;
using sweep::runner::SpecOrigin;

namespace {

// Three classes, a softmax output and categorical_crossentropy: a fit.
json spec_with(const json& output, const json& loss) {
  json spec = json::parse(R"({
    "name": "t",
    "dataset": {"name": "spirals", "samples": 300},
    "model": {"layers": [{"type": "dense", "units": 16, "activation": "relu"}]},
    "training": {"epochs": 1, "optimizer": {"name": "adam", "learning_rate": 0.001}}
  })");
  spec["model"]["layers"].push_back(output);
  spec["training"]["loss"] = loss;
  return spec;
}

json dense(int units, const std::string& activation) {
  return {{"type", "dense"}, {"units", units}, {"activation", activation}};
}

std::vector<std::string> errors(const json& spec) {
  try {
    parse_spec(spec, "s.json");
  } catch (const SpecError& e) {
    return e.lines();
  }
  return {};
}

std::vector<std::string> warnings(const json& spec) {
  return parse_spec(spec, "s.json").warning_lines();
}

const std::string kOneUnit =
    "on a 1-unit output (model.layers[1].units): the loss is 0 for every sample and nothing is "
    "learned; expected binary_crossentropy with one sigmoid unit, or ";

}  // namespace

TEST_CASE("a loss that fits its output layer gives neither errors nor warnings", "[spec][fit]") {
  CHECK(warnings(spec_with(dense(3, "softmax"), "categorical_crossentropy")).empty());
  CHECK(warnings(spec_with(dense(3, "softmax"), "sparse_categorical_crossentropy")).empty());
  CHECK(warnings(spec_with(dense(1, "sigmoid"), "binary_crossentropy")).empty());
  CHECK(warnings(spec_with(dense(3, "sigmoid"), "binary_crossentropy")).empty());
  CHECK(warnings(spec_with(dense(3, "linear"),
                           {{"name", "categorical_crossentropy"}, {"from_logits", true}}))
            .empty());
  CHECK(warnings(
            spec_with(dense(1, "linear"), {{"name", "binary_crossentropy"}, {"from_logits", true}}))
            .empty());
  // Losses on raw outputs take any activation.
  CHECK(warnings(spec_with(dense(3, "linear"), "mean_squared_error")).empty());
  CHECK(warnings(spec_with(dense(3, "tanh"), "huber")).empty());
}

TEST_CASE("categorical cross-entropy on one output unit is an error", "[spec][fit]") {
  CHECK(errors(spec_with(dense(1, "sigmoid"), "categorical_crossentropy")) ==
        std::vector<std::string>{"s.json: training.loss: got categorical_crossentropy " + kOneUnit +
                                 "categorical_crossentropy with one softmax unit per "
                                 "class"});
  CHECK(errors(spec_with(dense(1, "softmax"), "sparse_categorical_crossentropy")) ==
        std::vector<std::string>{"s.json: training.loss: got sparse_categorical_crossentropy " +
                                 kOneUnit +
                                 "sparse_categorical_crossentropy with one softmax unit per "
                                 "class"});
  // from_logits does not help: the log-sum-exp of one logit is that logit.
  CHECK(errors(spec_with(dense(1, "linear"),
                         {{"name", "categorical_crossentropy"}, {"from_logits", true}}))
            .size() == 1);
}

TEST_CASE("a softmax over one unit is an error whatever the loss", "[spec][fit]") {
  CHECK(errors(spec_with(dense(1, "softmax"), "binary_crossentropy")) ==
        std::vector<std::string>{
            "s.json: model.layers[1].activation: got \"softmax\" on a 1-unit output "
            "(model.layers[1].units): a softmax over one unit is always 1 and nothing is learned; "
            "expected \"sigmoid\" for one unit, or one softmax unit per class"});
  CHECK(errors(spec_with(dense(1, "softmax"), "mean_squared_error")).size() == 1);
}

TEST_CASE("a probability loss on an output that is not a probability is an error", "[spec][fit]") {
  CHECK(errors(spec_with(dense(3, "linear"), "categorical_crossentropy")) ==
        std::vector<std::string>{
            "s.json: training.loss: got categorical_crossentropy (from_logits false) on a "
            "\"linear\" output (model.layers[1].activation), which is not a probability; expected "
            "a \"softmax\" output, or {\"name\": \"categorical_crossentropy\", \"from_logits\": "
            "true}"});
  CHECK(errors(spec_with(dense(1, "relu"), "binary_crossentropy")) ==
        std::vector<std::string>{
            "s.json: training.loss: got binary_crossentropy (from_logits false) on a \"relu\" "
            "output (model.layers[1].activation), which is not a probability; expected a "
            "\"sigmoid\" output, or {\"name\": \"binary_crossentropy\", \"from_logits\": true}"});
  for (const char* activation : {"linear", "relu", "leaky_relu", "elu", "gelu", "tanh"}) {
    INFO(activation);
    CHECK(errors(spec_with(dense(3, activation), "sparse_categorical_crossentropy")).size() == 1);
    CHECK(errors(spec_with(dense(3, activation), "binary_crossentropy")).size() == 1);
  }
}

TEST_CASE("a trailing activation layer is the output's activation", "[spec][fit]") {
  json spec = spec_with(dense(3, "linear"), "categorical_crossentropy");
  spec["model"]["layers"].push_back({{"type", "activation"}, {"activation", "softmax"}});
  spec["model"]["layers"].push_back({{"type", "dropout"}, {"rate", 0.1}});
  CHECK(warnings(spec).empty());

  spec = spec_with(dense(3, "softmax"), "categorical_crossentropy");
  spec["model"]["layers"].push_back({{"type", "activation"}, {"activation", "tanh"}});
  CHECK(errors(spec) ==
        std::vector<std::string>{
            "s.json: training.loss: got categorical_crossentropy (from_logits false) on a "
            "\"tanh\" output (model.layers[2].activation), which is not a probability; expected a "
            "\"softmax\" output, or {\"name\": \"categorical_crossentropy\", \"from_logits\": "
            "true}"});

  // A linear activation layer changes nothing.
  spec = spec_with(dense(3, "softmax"), "categorical_crossentropy");
  spec["model"]["layers"].push_back({{"type", "activation"}, {"activation", "linear"}});
  CHECK(warnings(spec).empty());
}

TEST_CASE("from_logits on a probability output is a warning, as in Keras", "[spec][fit]") {
  CHECK(warnings(spec_with(dense(3, "softmax"),
                           {{"name", "categorical_crossentropy"}, {"from_logits", true}})) ==
        std::vector<std::string>{
            "s.json: training.loss: categorical_crossentropy received from_logits true, but the "
            "output is produced by \"softmax\" (model.layers[1].activation) and thus is a "
            "probability, not logits; set from_logits false, or make the output \"linear\""});
  CHECK(warnings(spec_with(dense(1, "sigmoid"),
                           {{"name", "binary_crossentropy"}, {"from_logits", true}})) ==
        std::vector<std::string>{
            "s.json: training.loss: binary_crossentropy received from_logits true, but the output "
            "is produced by \"sigmoid\" (model.layers[1].activation) and thus is a probability, "
            "not logits; set from_logits false, or make the output \"linear\""});
}

TEST_CASE("binary cross-entropy on a softmax of several units is a warning", "[spec][fit]") {
  CHECK(warnings(spec_with(dense(3, "softmax"), "binary_crossentropy")) ==
        std::vector<std::string>{
            "s.json: training.loss: binary_crossentropy on a 3-unit \"softmax\" output "
            "(model.layers[1].activation) treats the 3 outputs as independent yes/no labels "
            "though softmax makes them sum to 1; it trains, but for one class out of 3 the "
            "matching loss is categorical_crossentropy (\"sigmoid\" units for independent "
            "labels)"});
}

TEST_CASE("a misfit is reported with the spec's other problems", "[spec][fit]") {
  json spec = spec_with(dense(3, "relu"), "categorical_crossentropy");
  spec["training"]["batch_size"] = 0;
  const auto lines = errors(spec);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "s.json: training.batch_size: got 0; expected an integer from 1 to 16777216");
  CHECK(lines[1].rfind("s.json: training.loss: got categorical_crossentropy (from_logits false) "
                       "on a \"relu\" output",
                       0) == 0);
}

TEST_CASE("swept losses and layers are checked in every combination", "[spec][fit]") {
  SECTION("a swept loss: only the value that misfits, named") {
    json spec = spec_with(dense(1, "sigmoid"), "binary_crossentropy");
    spec["search"]["parameters"] = {
        {"training.loss", {"binary_crossentropy", "categorical_crossentropy"}},
        {"learning_rate", {0.001, 0.01, 0.1}}};
    CHECK(errors(spec) == std::vector<std::string>{
                              "s.json: training.loss: got categorical_crossentropy " + kOneUnit +
                              "categorical_crossentropy with one softmax unit per class (in the "
                              "trials with training.loss=\"categorical_crossentropy\")"});
  }
  SECTION("swept output units") {
    json spec = spec_with(dense(3, "softmax"), "categorical_crossentropy");
    spec["search"]["parameters"] = {{"model.layers[1].units", {1, 3}}};
    CHECK(errors(spec) == std::vector<std::string>{
                              "s.json: training.loss: got categorical_crossentropy " + kOneUnit +
                              "categorical_crossentropy with one softmax unit per class (in the "
                              "trials with model.layers[1].units=1)"});
  }
  SECTION("a swept from_logits") {
    json spec = spec_with(dense(3, "linear"), "categorical_crossentropy");
    spec["search"]["parameters"] = {{"training.loss.from_logits", {true, false}}};
    const auto lines = errors(spec);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("which is not a probability") != std::string::npos);
    CHECK(lines[0].find("(in the trials with training.loss.from_logits=false)") !=
          std::string::npos);
  }
  SECTION("a misfit in every combination is reported once, without naming them") {
    json spec = spec_with(dense(3, "linear"), "categorical_crossentropy");
    spec["search"]["parameters"] = {{"model.layers[1].units", {3, 4}},
                                    {"batch_size", {16, 32}},
                                    {"optimizer", {"adam", "sgd"}}};
    const auto lines = errors(spec);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("(in the trials with") == std::string::npos);
  }
  SECTION("hidden widths do not multiply a finding") {
    json spec = spec_with(dense(3, "softmax"),
                          {{"name", "categorical_crossentropy"}, {"from_logits", true}});
    json widths = json::array();
    for (int i = 1; i <= 10; ++i) widths.push_back(i * 8);
    spec["model"]["layers"].insert(spec["model"]["layers"].begin(), dense(8, "relu"));
    spec["search"]["parameters"] = {{"model.layers[0].units", widths},
                                    {"model.layers[1].units", widths}};
    CHECK(warnings(spec).size() == 1);
  }
}

TEST_CASE("a stored spec keeps loading: its misfit is only a warning", "[spec][fit]") {
  const json spec = spec_with(dense(1, "sigmoid"), "categorical_crossentropy");
  const auto stored = parse_spec(spec, "stored", SpecOrigin::stored);
  CHECK(stored.warning_lines() ==
        std::vector<std::string>{"stored: training.loss: got categorical_crossentropy " + kOneUnit +
                                 "categorical_crossentropy with one softmax unit per class"});
  CHECK_THROWS_AS(parse_spec(spec, "new"), SpecError);
}

TEST_CASE("check_loss_output skips parts that did not resolve", "[spec][fit]") {
  CHECK(sweep::runner::check_loss_output(json::object()).errors.empty());
  const json config = {{"model", {{"layers", {nullptr}}}},
                       {"training", {{"loss", {{"name", "categorical_crossentropy"}}}}}};
  const auto found = sweep::runner::check_loss_output(config);
  CHECK(found.errors.empty());
  CHECK(found.warnings.empty());
}
