// Every optimizer against tests/data/optimizer_steps.json: Keras 3 update
// rules computed in float64 for 10 steps from fixed gradients. The engine
// runs in float32; each value must match to 1e-5 relative (absolute below 1).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/optimizers/optimizer.hpp"

namespace sweep::engine {
namespace {

nlohmann::json load_reference() {
  std::ifstream in(std::string{SWEEP_TEST_DATA} + "/optimizer_steps.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

Params to_params(const nlohmann::json& hyperparameters) {
  Params params;
  for (const auto& [key, value] : hyperparameters.items()) {
    if (value.is_boolean()) {
      params[key] = value.get<bool>();
    } else {
      params[key] = value.get<double>();
    }
  }
  return params;
}

Matrix row(const nlohmann::json& values) {
  Matrix m(1, static_cast<Eigen::Index>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    m(0, static_cast<Eigen::Index>(i)) = static_cast<float>(values[i].get<double>());
  }
  return m;
}

}  // namespace

TEST_CASE("every optimizer follows the float64 Keras reference trajectory",
          "[optimizers][reference]") {
  const auto reference = load_reference();
  const auto& cases = reference.at("cases");
  REQUIRE(cases.size() >= 12);
  std::vector<std::string> covered;
  for (const auto& item : cases) {
    const auto name = item.at("optimizer").get<std::string>();
    covered.push_back(name);
    const auto& hyperparameters = item.at("hyperparameters");
    INFO(name << " " << hyperparameters.dump());
    auto optimizer = make_optimizer({name, to_params(hyperparameters)});
    const double learning_rate = optimizer->common().learning_rate;

    // One slot per element would also work; one 1x5 tensor keeps the
    // zero-gradient element next to the others, as in a real weight matrix.
    Matrix param = row(reference.at("p0"));
    optimizer->build({{1, static_cast<int>(param.cols())}});
    const auto& gradients = reference.at("gradients");
    const auto& trajectory = item.at("trajectory");
    REQUIRE(trajectory.size() == gradients.size());
    for (std::size_t step = 0; step < gradients.size(); ++step) {
      Matrix grad = row(gradients[step]);
      std::vector<Matrix*> params{&param};
      std::vector<Matrix*> grads{&grad};
      optimizer->step(params, grads, learning_rate);
      const auto& expected = trajectory[step];
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const double want = expected[i].get<double>();
        const double got = param(0, static_cast<Eigen::Index>(i));
        INFO("step " << step + 1 << " element " << i << ": got " << got << ", want " << want);
        REQUIRE(std::isfinite(got));
        CHECK(std::abs(got - want) <= 1e-5 * std::max(1.0, std::abs(want)));
      }
    }
    CHECK(optimizer->iterations() == static_cast<long long>(gradients.size()));
  }
  for (const auto& name : optimizer_names()) {
    INFO(name);
    CHECK(std::find(covered.begin(), covered.end(), name) != covered.end());
  }
}

}  // namespace sweep::engine
