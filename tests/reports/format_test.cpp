// describe_config: the one text of a configuration, in reports, `sweep show`,
// `sweep plan`, `sweep best` and the progress lines.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/format.hpp"

using nlohmann::json;
using sweep::reports::describe_config;
using sweep::reports::format_learning_rate;
using sweep::reports::format_learning_rates_apart;

TEST_CASE("describe_config puts optimizer and learning_rate first, then the rest by key",
          "[reports][format]") {
  CHECK(describe_config(json{{"learning_rate", 0.001}, {"optimizer", "adam"}}) ==
        "optimizer=adam, learning_rate=1e-3");
  CHECK(describe_config(json{{"optimizer", "sgd"},
                             {"learning_rate", 0.1},
                             {"training.optimizer.momentum", 0.9},
                             {"batch_size", 32}}) ==
        "optimizer=sgd, learning_rate=1e-1, batch_size=32, training.optimizer.momentum=0.9");
  CHECK(describe_config(json{{"learning_rate", 100.0}, {"optimizer", "adam"}}) ==
        "optimizer=adam, learning_rate=100");
  CHECK(describe_config(json{{"learning_rate", 0.00031622776601683794}}) ==
        "learning_rate=3.16e-4");
  CHECK(describe_config(json{{"model.layers[0].units", 64}, {"dataset.noise", 0.25}}) ==
        "dataset.noise=0.25, model.layers[0].units=64");
  CHECK(describe_config(json{{"training.optimizer.nesterov", true}}) ==
        "training.optimizer.nesterov=true");
  CHECK(describe_config(json::object()).empty());
}

TEST_CASE("learning rates that differ print differently, with 3 significant digits at least",
          "[reports][format]") {
  CHECK(format_learning_rate(0.020213) == "2.02e-2");
  CHECK(format_learning_rate(0.020213, 5) == "2.0213e-2");
  CHECK(format_learning_rate(12.345, 4) == "12.35");
  using Texts = std::vector<std::string>;
  CHECK(format_learning_rates_apart({0.001, 0.01, 0.1}) == Texts{"1e-3", "1e-2", "1e-1"});
  CHECK(format_learning_rates_apart({0.020213, 0.020241, 0.020213}) ==
        Texts{"2.021e-2", "2.024e-2", "2.021e-2"});
  CHECK(format_learning_rates_apart({0.0202, 0.0202}) == Texts{"2.02e-2", "2.02e-2"});
  CHECK(format_learning_rates_apart({}).empty());
}
