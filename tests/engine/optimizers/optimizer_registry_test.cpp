// The optimizer registry: names, Keras defaults, and the exact messages for
// bad names and parameter values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "engine/optimizers/adagrad.hpp"
#include "engine/optimizers/adam.hpp"
#include "engine/optimizers/adamax.hpp"
#include "engine/optimizers/adamw.hpp"
#include "engine/optimizers/nadam.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "engine/optimizers/rmsprop.hpp"
#include "engine/optimizers/sgd.hpp"

namespace sweep::engine {

TEST_CASE("optimizer_names lists every optimizer in registry order", "[optimizers][registry]") {
  CHECK(optimizer_names() ==
        std::vector<std::string>{"adam", "adamax", "adamw", "adagrad", "nadam", "rmsprop", "sgd"});
}

TEST_CASE("every optimizer accepts the common parameters", "[optimizers][registry]") {
  for (const auto& spec : optimizer_specs()) {
    INFO(spec.name);
    std::vector<std::string> names;
    for (const auto& param : spec.params) names.push_back(param.name);
    for (const char* common : {"learning_rate", "weight_decay", "clipnorm", "clipvalue"}) {
      CHECK(std::find(names.begin(), names.end(), common) != names.end());
    }
    CHECK_FALSE(spec.help.empty());
  }
}

TEST_CASE("make_optimizer applies Keras 3 defaults", "[optimizers][registry]") {
  const auto sgd = make_optimizer({"sgd", {}});
  CHECK(sgd->name() == "sgd");
  CHECK(sgd->common().learning_rate == 0.01);
  CHECK(sgd->common().weight_decay == 0.0);
  CHECK(sgd->common().clipnorm == 0.0);
  CHECK(sgd->common().clipvalue == 0.0);
  CHECK(dynamic_cast<const SGD&>(*sgd).options().momentum == 0.0);
  CHECK_FALSE(dynamic_cast<const SGD&>(*sgd).options().nesterov);

  for (const char* name : {"adam", "adamw"}) {
    INFO(name);
    const auto adam = make_optimizer({name, {}});
    CHECK(adam->common().learning_rate == 0.001);
    const auto& options = dynamic_cast<const Adam&>(*adam).options();
    CHECK(options.beta_1 == 0.9);
    CHECK(options.beta_2 == 0.999);
    CHECK(options.epsilon == 1e-7);
    CHECK_FALSE(options.amsgrad);
  }
  CHECK(make_optimizer({"adam", {}})->common().weight_decay == 0.0);
  CHECK(make_optimizer({"adamw", {}})->common().weight_decay == 0.004);
  CHECK(dynamic_cast<const AdamW*>(make_optimizer({"adamw", {}}).get()) != nullptr);

  const auto rmsprop = make_optimizer({"rmsprop", {}});
  CHECK(rmsprop->common().learning_rate == 0.001);
  const auto& rms = dynamic_cast<const RMSprop&>(*rmsprop).options();
  CHECK(rms.rho == 0.9);
  CHECK(rms.momentum == 0.0);
  CHECK(rms.epsilon == 1e-7);
  CHECK_FALSE(rms.centered);

  const auto adagrad = make_optimizer({"adagrad", {}});
  CHECK(adagrad->common().learning_rate == 0.001);
  CHECK(dynamic_cast<const Adagrad&>(*adagrad).options().initial_accumulator_value == 0.1);
  CHECK(dynamic_cast<const Adagrad&>(*adagrad).options().epsilon == 1e-7);

  const auto adamax = make_optimizer({"adamax", {}});
  CHECK(adamax->common().learning_rate == 0.001);
  CHECK(dynamic_cast<const Adamax&>(*adamax).options().beta_2 == 0.999);

  const auto nadam = make_optimizer({"nadam", {}});
  CHECK(nadam->common().learning_rate == 0.001);
  CHECK(dynamic_cast<const Nadam&>(*nadam).options().beta_1 == 0.9);
}

TEST_CASE("make_optimizer passes given parameters through", "[optimizers][registry]") {
  const auto sgd = make_optimizer({"sgd",
                                   {{"learning_rate", 0.5},
                                    {"momentum", 0.9},
                                    {"nesterov", true},
                                    {"clipnorm", 2.0},
                                    {"clipvalue", 3.0},
                                    {"weight_decay", 1e-4}}});
  CHECK(sgd->common().learning_rate == 0.5);
  CHECK(sgd->common().clipnorm == 2.0);
  CHECK(sgd->common().clipvalue == 3.0);
  CHECK(sgd->common().weight_decay == 1e-4);
  CHECK(dynamic_cast<const SGD&>(*sgd).options().momentum == 0.9);
  CHECK(dynamic_cast<const SGD&>(*sgd).options().nesterov);
  CHECK(
      dynamic_cast<const Adam&>(*make_optimizer({"adam", {{"amsgrad", true}}})).options().amsgrad);
}

TEST_CASE("make_optimizer rejects bad names and values with exact messages",
          "[optimizers][registry][errors]") {
  CHECK_THROWS_AS(make_optimizer({"adam", {{"learning_rate", -1.0}}}), ConfigError);
  CHECK_THROWS_WITH(make_optimizer({"adam", {{"learning_rate", -1.0}}}),
                    "adam.learning_rate: -1 is not accepted; expected a number > 0");
  CHECK_THROWS_WITH(make_optimizer({"sgd", {{"learning_rate", 0.0}}}),
                    "sgd.learning_rate: 0 is not accepted; expected a number > 0");
  CHECK_THROWS_WITH(make_optimizer({"sgd", {{"momentum", 1.5}}}),
                    "sgd.momentum: 1.5 is not accepted; expected a number in [0, 1]");
  CHECK_THROWS_WITH(make_optimizer({"adam", {{"beta_1", 1.0}}}),
                    "adam.beta_1: 1 is not accepted; expected a number in [0, 1)");
  CHECK_THROWS_WITH(make_optimizer({"rmsprop", {{"rho", 1.0}}}),
                    "rmsprop.rho: 1 is not accepted; expected a number in [0, 1)");
  CHECK_THROWS_WITH(make_optimizer({"nadam", {{"epsilon", 0.0}}}),
                    "nadam.epsilon: 0 is not accepted; expected a number > 0");
  CHECK_THROWS_WITH(make_optimizer({"adamw", {{"weight_decay", -0.1}}}),
                    "adamw.weight_decay: -0.1 is not accepted; expected a number >= 0");
  CHECK_THROWS_WITH(make_optimizer({"sgd", {{"clipnorm", -1.0}}}),
                    "sgd.clipnorm: -1 is not accepted; expected a number >= 0");
  CHECK_THROWS_WITH(make_optimizer({"sgd", {{"nesterov", std::string{"yes"}}}}),
                    "sgd.nesterov: \"yes\" is not accepted; expected true or false");
  CHECK_THROWS_WITH(make_optimizer({"adam", {{"momentum", 0.9}}}),
                    "adam: unknown parameter \"momentum\"; known: learning_rate, weight_decay, "
                    "clipnorm, clipvalue, beta_1, beta_2, epsilon, amsgrad");
  CHECK_THROWS_AS(make_optimizer({"adamm", {}}), ConfigError);
  CHECK_THROWS_WITH(make_optimizer({"adamm", {}}),
                    "unknown optimizer \"adamm\"; did you mean \"adam\"? known: adam, adamax, "
                    "adamw, adagrad, nadam, rmsprop, sgd");
  CHECK_THROWS_WITH(make_optimizer({"lbfgs", {}}),
                    "unknown optimizer \"lbfgs\"; known: adam, adamax, adamw, adagrad, nadam, "
                    "rmsprop, sgd");
}

}  // namespace sweep::engine
