// The dataset registry: names, specs, and parameter checking in load_dataset.
#include <catch2/catch.hpp>

#include <algorithm>

#include "engine/datasets/dataset.hpp"
#include "engine/errors.hpp"

using namespace sweep::engine;

TEST_CASE("the registry lists every dataset with its parameters", "[datasets][registry]") {
  CHECK(dataset_names() == std::vector<std::string>{"fashion_mnist", "idx", "csv", "npz", "npy",
                                                    "spirals", "moons", "circles", "blobs", "xor"});
  for (const ComponentSpec& spec : dataset_specs()) {
    INFO(spec.name);
    CHECK(!spec.help.empty());
    const auto split = std::find_if(spec.params.begin(), spec.params.end(), [](const ParamSpec& p) {
      return p.name == "validation_split";
    });
    REQUIRE(split != spec.params.end());
    CHECK(check_param(*split, 1.0) == "a number in [0, 1)");
    for (const ParamSpec& p : spec.params) CHECK(check_param(p, p.default_value).empty());
    // Every dataset chooses how its validation part is taken.
    const auto mode = std::find_if(spec.params.begin(), spec.params.end(), [](const ParamSpec& p) {
      return p.name == "validation_split_mode";
    });
    REQUIRE(mode != spec.params.end());
    CHECK(std::get<std::string>(mode->default_value) == "stratified");
  }
  // The file parameters the runner resolves against the spec's folder.
  CHECK(is_path_param("csv", "path"));
  CHECK(is_path_param("csv", "validation_path"));
  CHECK(is_path_param("npy", "y_path"));
  CHECK(!is_path_param("npz", "x"));
  CHECK(!is_path_param("csv", "label_column"));
  CHECK(!is_path_param("nope", "path"));
}

TEST_CASE("load_dataset refuses unknown names and bad parameters", "[datasets][registry]") {
  CHECK_THROWS_AS(load_dataset({"spiral", {}}, 0), ConfigError);
  CHECK_THROWS_WITH(load_dataset({"spiral", {}}, 0),
                    "unknown dataset \"spiral\"; did you mean \"spirals\"? known: fashion_mnist, "
                    "idx, csv, npz, npy, spirals, moons, circles, blobs, xor");
  CHECK_THROWS_WITH(load_dataset({"fashion_mnist", {{"train_limit", -1.0}}}, 0),
                    "fashion_mnist.train_limit: -1 is not accepted; expected an integer >= 0");
  CHECK_THROWS_WITH(load_dataset({"csv", {{"header", std::string{"yes"}}}}, 0),
                    "csv.header: \"yes\" is not accepted; expected true or false");
  CHECK_THROWS_WITH(load_dataset({"csv", {}}, 0), "csv: path is required");
}

TEST_CASE("a loaded dataset is shared read-only", "[datasets][registry]") {
  const std::shared_ptr<const Dataset> d = load_dataset({"xor", {{"samples", 50.0}}}, 9);
  // NOLINTNEXTLINE(performance-unnecessary-copy-initialization): the test counts the owners
  const std::shared_ptr<const Dataset> copy = d;
  CHECK(copy.use_count() == 2);
  CHECK(d->train.rows() == 45);
}
