// The data side of a spec: paths against the spec's folder, a stored sweep's
// identity kept across the new dataset keys, training.class_weight checked,
// resolved per class and applied to the loss as Keras's formula says.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/datasets/dataset.hpp"
#include "engine/initializers/random.hpp"
#include "engine/layers/layer.hpp"
#include "engine/model.hpp"
#include "runner/errors.hpp"
#include "runner/hashing.hpp"
#include "runner/search/sampler.hpp"
#include "runner/spec/spec.hpp"
#include "runner/trial_runner.hpp"

using nlohmann::json;
using namespace sweep::runner;

namespace {

json csv_spec(const std::string& path) {
  return json{
      {"name", "d"},
      {"dataset", {{"name", "csv"}, {"path", path}}},
      {"model",
       {{"layers", json::array({{{"type", "dense"}, {"units", 2}, {"activation", "softmax"}}})}}},
      {"search", {{"parameters", {{"learning_rate", json::array({0.01, 0.1})}}}}}};
}

std::vector<std::string> lines_of(const json& spec) {
  try {
    parse_spec(spec, "s.json");
  } catch (const SpecError& e) {
    return e.lines();
  }
  return {};
}

}  // namespace

TEST_CASE("paths resolve against the spec's folder, overrides against the cwd", "[spec][paths]") {
  const std::string text = csv_spec("../data/train.csv").dump();
  const json spec =
      read_spec_json(text, "/projects/iris/specs/iris.json", {"dataset.test_path=test.csv"});
  CHECK(spec["dataset"]["path"] == "/projects/iris/data/train.csv");
  const std::string cwd = std::filesystem::current_path().string();
  CHECK(spec["dataset"]["test_path"] == (std::filesystem::path(cwd) / "test.csv").string());
  // An absolute path stays, a non-path parameter is not touched, and a swept
  // path is resolved value by value.
  json swept = csv_spec("/abs/x.csv");
  swept["dataset"]["label_column"] = "y";
  swept["search"]["parameters"]["dataset.validation_path"] = json::array({"a.csv", "/b.csv"});
  resolve_data_paths(swept, "/here");
  CHECK(swept["dataset"]["path"] == "/abs/x.csv");
  CHECK(swept["dataset"]["label_column"] == "y");
  CHECK(swept["search"]["parameters"]["dataset.validation_path"] ==
        json::array({"/here/a.csv", "/b.csv"}));
}

TEST_CASE("a sweep stored before the new keys keeps its hashes and split", "[spec][identity]") {
  // What an older sweep stored: the resolved spec without validation_split_mode,
  // missing, normalize and validation_path, hashed whole.
  json spec = csv_spec("data.csv");
  const Spec now = parse_spec(spec, "s.json");
  json old = now.resolved;
  for (const char* key : {"validation_split_mode", "missing", "normalize", "validation_path"})
    old["dataset"].erase(key);
  const Spec stored = parse_spec(old, "stored", SpecOrigin::stored);
  CHECK(stored.resolved["dataset"]["validation_split_mode"] == "last");
  json identity = old;
  identity.erase("storage");  // never part of the sweep's identity
  CHECK(stored.hash == hash_json(identity));
  for (const TrialPlan& plan : expand(stored)) {
    json config = plan.config;
    for (const char* key : {"validation_split_mode", "missing", "normalize", "validation_path"})
      config["dataset"].erase(key);
    CHECK(plan.config_hash == hash_json(config));
  }
  // A new spec splits stratified, a different sweep from the old one.
  CHECK(now.resolved["dataset"]["validation_split_mode"] == "stratified");
  CHECK(now.hash != stored.hash);
}

TEST_CASE("trial seeds leave out where the data lies", "[spec][identity]") {
  const auto a = expand(parse_spec(csv_spec("/home/ann/iris.csv"), "s.json"));
  const auto b = expand(parse_spec(csv_spec("/scratch/bob/run1/iris.csv"), "s.json"));
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].seed == b[i].seed);
    CHECK(a[i].config_hash != b[i].config_hash);  // different files: different trials
  }
}

TEST_CASE("training.class_weight: balanced or an object of weights >= 0", "[spec][class_weight]") {
  json spec = csv_spec("d.csv");
  spec["training"]["class_weight"] = "balance";
  CHECK(lines_of(spec) ==
        std::vector<std::string>{"s.json: training.class_weight: got \"balance\"; expected "
                                 "\"balanced\" or an object {class: weight} (a class by its "
                                 "0-based index or its name)"});
  spec["training"]["class_weight"] = {{"0", 1}, {"malignant", -2}};
  CHECK(lines_of(spec) == std::vector<std::string>{"s.json: training.class_weight.malignant: got "
                                                   "-2; expected a number >= 0"});
  spec["training"]["class_weight"] = "balanced";
  CHECK(parse_spec(spec, "s.json").resolved["training"]["class_weight"] == "balanced");
  spec["training"].erase("class_weight");
  CHECK(!parse_spec(spec, "s.json").resolved["training"].contains("class_weight"));
}

TEST_CASE("class weights per class: balanced, by index or by name", "[class_weight]") {
  sweep::engine::Dataset data;
  data.name = "csv";
  data.classes = 3;
  data.class_names = {"a", "b", "c"};
  // 6 of a, 3 of b, 1 of c: balanced = 10 / (3 * count).
  std::vector<std::int32_t> labels = {0, 0, 0, 0, 0, 0, 1, 1, 1, 2};
  data.train = sweep::engine::Split(1, {}, std::vector<float>(labels.size(), 0.0f), labels, {}, {});
  const auto balanced = class_weights("balanced", data);
  REQUIRE(balanced.size() == 3);
  CHECK(balanced[0] == Approx(10.0 / 18.0));
  CHECK(balanced[1] == Approx(10.0 / 9.0));
  CHECK(balanced[2] == Approx(10.0 / 3.0));
  CHECK(class_weights(json{{"c", 5}, {"0", 0.5}}, data) == std::vector<float>{0.5f, 1.0f, 5.0f});
  CHECK(class_weights(json(), data).empty());
  CHECK_THROWS_WITH(class_weights(json{{"d", 1}}, data),
                    "\"d\" is not a class of dataset csv; expected a class index 0..2 or one of: "
                    "a, b, c");
}

TEST_CASE("class_weight balanced weighs the training loss as Keras does", "[class_weight][model]") {
  using namespace sweep::engine;
  // 40 rows, 30 of class 0 and 10 of class 1: balanced weights 40/60 and 40/20.
  Rng data_rng(5);
  std::vector<float> x(std::size_t{40} * 3);
  for (float& v : x) v = static_cast<float>(uniform_below(data_rng, 1000)) / 500.0f - 1.0f;
  std::vector<std::int32_t> y(40, 0);
  for (std::size_t i = 30; i < 40; ++i) y[i] = 1;
  Dataset data;
  data.name = "toy";
  data.classes = 2;
  data.features = 3;
  data.train = Split(3, {}, x, y, {}, {});
  const std::vector<float> weights = class_weights("balanced", data);
  REQUIRE(weights == std::vector<float>{40.0f / 60.0f, 2.0f});

  // The first epoch's loss with one batch of every row is the loss of the
  // initial weights: sum_i w(y_i) * -log p_i(y_i) / 40.
  const auto epoch_loss = [&](const std::vector<float>& class_weight, Matrix* probabilities) {
    Rng rng(11);
    Sequential model;
    model.add(make_layer({"dense", {{"units", 2.0}, {"activation", std::string{"softmax"}}}}));
    model.build(3, rng);
    model.compile(make_optimizer({"sgd", {}}), make_loss({"categorical_crossentropy", {}}), {});
    if (probabilities != nullptr) model.predict(data.train, *probabilities);
    FitOptions options;
    options.batch_size = 40;
    options.shuffle = false;
    options.class_weights = class_weight;
    return model.fit(data.train, nullptr, options, rng).epochs.at(0).values.at("loss");
  };
  Matrix p;
  const double weighted = epoch_loss(weights, &p);
  double expected = 0.0;
  double unweighted_expected = 0.0;
  for (Eigen::Index i = 0; i < 40; ++i) {
    const auto label = static_cast<std::size_t>(y[static_cast<std::size_t>(i)]);
    const double loss = -std::log(static_cast<double>(p(i, static_cast<Eigen::Index>(label))));
    expected += weights[label] * loss / 40.0;
    unweighted_expected += loss / 40.0;
  }
  CHECK(weighted == Approx(expected).epsilon(1e-5));
  CHECK(epoch_loss({}, nullptr) == Approx(unweighted_expected).epsilon(1e-5));
  CHECK(std::abs(weighted - unweighted_expected) > 1e-3);
}
