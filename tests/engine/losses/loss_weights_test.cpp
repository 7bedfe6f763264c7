// Class weights (Targets::weights): every loss becomes sum(w_i * loss_i) / rows,
// Keras's "sum_over_batch_size" reduction of a sample-weighted loss, and its
// gradient row i is w_i times the unweighted one.
#include <catch2/catch.hpp>

#include <vector>

#include "engine/losses/loss.hpp"
#include "tests/engine/gradient_check.hpp"

using namespace sweep::engine;
using sweep::engine::testing::uniform_matrix;

TEST_CASE("weighted losses: sum of weight x row loss over the rows", "[loss][class_weight]") {
  Rng rng(29);
  const std::vector<std::int32_t> labels{2, 0, 1, 2, 1};
  const std::vector<float> weights{0.5f, 2.0f, 1.0f, 3.0f, 0.25f};
  struct Case {
    const char* name;
    bool from_logits;
    double low, high;
  };
  for (const Case& c :
       {Case{"categorical_crossentropy", false, 0.05, 0.95},
        Case{"categorical_crossentropy", true, -3, 3},
        Case{"sparse_categorical_crossentropy", false, 0.05, 0.95},
        Case{"sparse_categorical_crossentropy", true, -3, 3},
        Case{"binary_crossentropy", false, 0.05, 0.95}, Case{"binary_crossentropy", true, -3, 3},
        Case{"mean_squared_error", false, 0, 1}, Case{"mean_absolute_error", false, 0, 1},
        Case{"huber", false, -2, 3}}) {
    DYNAMIC_SECTION(c.name << (c.from_logits ? " from logits" : "")) {
      Params params;
      if (c.from_logits) params["from_logits"] = true;
      const auto loss = make_loss({c.name, params});
      const Matrix output = uniform_matrix(5, 3, c.low, c.high, rng);
      Matrix dense;
      fill_dense_targets(labels, 3, dense);
      const Matrix* dense_or_null = loss->needs_dense_targets() ? &dense : nullptr;
      Matrix grad;
      const double weighted = loss->compute(output, {labels, dense_or_null, weights}, &grad);
      double expected = 0.0;
      for (Eigen::Index r = 0; r < 5; ++r) {
        // Row r alone, unweighted: its loss and its gradient (divided by 1 row).
        const Matrix row = output.row(r);
        const std::vector<std::int32_t> label{labels[static_cast<std::size_t>(r)]};
        Matrix row_dense;
        fill_dense_targets(label, 3, row_dense);
        Matrix row_grad;
        const double value = loss->compute(
            row, {label, loss->needs_dense_targets() ? &row_dense : nullptr}, &row_grad);
        const double w = weights[static_cast<std::size_t>(r)];
        expected += w * value / 5.0;
        for (Eigen::Index k = 0; k < 3; ++k) {
          INFO("row " << r << ", output " << k);
          CHECK(grad(r, k) == Approx(w * row_grad(0, k) / 5.0).margin(1e-7));
        }
      }
      CHECK(weighted == Approx(expected).epsilon(1e-6));
    }
  }
}
