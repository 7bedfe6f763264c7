// The steady-state step allocates nothing: state is made in build(), and
// clipping, weight decay and every rule write into existing matrices.
#include <catch2/catch.hpp>

#include <vector>

#include "engine/optimizers/optimizer.hpp"
#include "tests/engine/optimizers/allocation_counter.hpp"

namespace sweep::engine {

TEST_CASE("the allocation counter sees Eigen's allocations", "[optimizers][allocation]") {
  if (!test::allocation_counting_available()) {
    WARN("allocation counting is off under this sanitizer");
    return;
  }
  const test::AllocationCounter counter;
  const Matrix m = Matrix::Zero(7, 9);
  CHECK(m.size() == 63);
  CHECK(counter.allocations() >= 1);
}

TEST_CASE("optimizer steps allocate nothing after build()", "[optimizers][allocation]") {
  if (!test::allocation_counting_available()) {
    WARN("allocation counting is off under this sanitizer");
    return;
  }
  // Every optimizer, with every option that adds state or a code path on.
  const std::vector<Component> components{
      {"sgd", {}},
      {"sgd", {{"momentum", 0.9}, {"nesterov", true}}},
      {"adam", {{"amsgrad", true}, {"clipnorm", 0.5}, {"clipvalue", 0.1}}},
      {"adam", {}},
      {"adamw", {}},
      {"rmsprop", {{"momentum", 0.5}, {"centered", true}}},
      {"rmsprop", {{"momentum", 0.5}}},
      {"rmsprop", {{"weight_decay", 0.01}}},
      {"adagrad", {}},
      {"adamax", {}},
      {"nadam", {{"clipnorm", 1.0}}},
  };
  Rng rng(42);
  std::uniform_real_distribution<float> uniform(-1.0F, 1.0F);
  for (const auto& component : components) {
    INFO(component.name << " with " << component.params.size() << " options");
    auto optimizer = make_optimizer(component);
    Matrix w = Matrix::NullaryExpr(16, 8, [&] { return uniform(rng); });
    Matrix b = Matrix::NullaryExpr(1, 8, [&] { return uniform(rng); });
    Matrix gw(16, 8);
    Matrix gb(1, 8);
    std::vector<Matrix*> params{&w, &b};
    std::vector<Matrix*> grads{&gw, &gb};
    optimizer->build({{16, 8}, {1, 8}});
    const test::AllocationCounter counter;
    for (int step = 0; step < 5; ++step) {
      gw = Matrix::NullaryExpr(16, 8, [&] { return uniform(rng); });
      gb = Matrix::NullaryExpr(1, 8, [&] { return uniform(rng); });
      optimizer->step(params, grads, 0.01);
    }
    CHECK(counter.allocations() == 0);
    CHECK(w.allFinite());
  }
}

}  // namespace sweep::engine
