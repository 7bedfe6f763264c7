#include <catch2/catch.hpp>

#include "engine/errors.hpp"
#include "engine/metrics/binary_accuracy.hpp"
#include "engine/metrics/categorical_accuracy.hpp"
#include "engine/metrics/metric.hpp"

using namespace sweep::engine;

TEST_CASE("accuracy resolves as Keras 3 does", "[metrics]") {
  auto binary = make_metric({"accuracy", {}}, {"binary_crossentropy", 1, false});
  CHECK(dynamic_cast<BinaryAccuracy*>(binary.get()) != nullptr);
  auto sparse = make_metric({"accuracy", {}}, {"sparse_categorical_crossentropy", 10, false});
  CHECK(dynamic_cast<CategoricalAccuracy*>(sparse.get()) != nullptr);
  auto categorical = make_metric({"accuracy", {}}, {"categorical_crossentropy", 10, false});
  CHECK(dynamic_cast<CategoricalAccuracy*>(categorical.get()) != nullptr);
  CHECK(categorical->name() == "accuracy");
}

TEST_CASE("categorical accuracy streams over batches", "[metrics]") {
  auto metric = make_metric({"sparse_categorical_accuracy", {}},
                            {"sparse_categorical_crossentropy", 3, false});
  Matrix a(2, 3), b(1, 3);
  a << 0.1, 0.8, 0.1, 0.5, 0.3, 0.2;
  b << 0.2, 0.2, 0.6;
  metric->update(a, std::vector<std::int32_t>{1, 1});
  metric->update(b, std::vector<std::int32_t>{2});
  CHECK(metric->result() == Approx(2.0 / 3));
  CHECK(metric->name() == "sparse_categorical_accuracy");
}

TEST_CASE("binary accuracy of a wide output compares against one-hot labels", "[metrics]") {
  auto metric = make_metric({"binary_accuracy", {}}, {"categorical_crossentropy", 3, false});
  Matrix out(2, 3);
  out << 0.9, 0.6, 0.1,  // label 0: right, wrong, right
      0.2, 0.4, 0.7;     // label 2: right, right, right
  metric->update(out, std::vector<std::int32_t>{0, 2});
  CHECK(metric->result() == Approx(5.0 / 6));
}

TEST_CASE("top-k accuracy counts ties at the boundary as in", "[metrics]") {
  Matrix out(4, 4);
  out << 0.4, 0.3, 0.2, 0.1,  // label 1: second -> in
      0.4, 0.3, 0.2, 0.1,     // label 3: fourth -> out
      0.5, 0.25, 0.25, 0.0,   // label 2: tied second -> in
      0.1, 0.2, 0.3, 0.4;     // label 1: third -> out
  const std::vector<std::int32_t> labels{1, 3, 2, 1};
  auto top2 = make_metric({"top_k_categorical_accuracy", {{"k", 2.0}}},
                          {"categorical_crossentropy", 4, false});
  top2->update(out, labels);
  CHECK(top2->result() == Approx(0.5));
  auto top5 =
      make_metric({"top_k_categorical_accuracy", {}}, {"categorical_crossentropy", 4, false});
  top5->update(out, labels);
  CHECK(top5->result() == 1.0);  // k = 5 >= 4 classes
}

TEST_CASE("metric registry errors", "[metrics]") {
  CHECK(metric_names() ==
        std::vector<std::string>{"accuracy", "binary_accuracy", "categorical_accuracy",
                                 "sparse_categorical_accuracy", "top_k_categorical_accuracy",
                                 "precision", "recall", "f1_score"});
  const MetricContext context{"categorical_crossentropy", 3, false};
  CHECK_THROWS_WITH(make_metric({"acuracy", {}}, context),
                    "unknown metric \"acuracy\"; did you mean \"accuracy\"? known: accuracy, "
                    "binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, "
                    "top_k_categorical_accuracy, precision, recall, f1_score");
  CHECK_THROWS_WITH(
      make_metric({"f1_score", {{"average", std::string{"samples"}}}}, context),
      "f1_score.average: \"samples\" is not accepted; expected one of: macro, micro, weighted");
  CHECK_THROWS_WITH(make_metric({"top_k_categorical_accuracy", {{"k", 0.0}}}, context),
                    "top_k_categorical_accuracy.k: 0 is not accepted; expected an integer >= 1");
}
