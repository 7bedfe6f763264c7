#include <catch2/catch.hpp>

#include <cmath>

#include "engine/metrics/confusion_metric.hpp"
#include "engine/metrics/metric.hpp"

using namespace sweep::engine;

namespace {

// Four output classes; class 3 never occurs, neither as truth nor as
// prediction. Hand-computed confusion counts (truth, predicted):
//   (0,0)=3 (0,1)=1 (1,1)=2 (2,1)=1 (2,2)=1
//   class 0: tp 3 fp 0 fn 1 -> P 1,   R 3/4, F1 6/7
//   class 1: tp 2 fp 2 fn 0 -> P 1/2, R 1,   F1 2/3
//   class 2: tp 1 fp 0 fn 1 -> P 1,   R 1/2, F1 2/3
//   class 3: nothing        -> P 0,   R 0,   F1 0 (zero division -> 0)
//   support 4, 2, 2, 0
const std::vector<std::int32_t> truth{0, 0, 0, 0, 1, 1, 2, 2};
const std::vector<int> predicted{0, 0, 0, 1, 1, 1, 1, 2};

Matrix one_hot_scores(const std::vector<int>& classes, Eigen::Index first, Eigen::Index count) {
  Matrix out = Matrix::Constant(count, 4, 0.1f);
  for (Eigen::Index r = 0; r < count; ++r)
    out(r, classes[static_cast<std::size_t>(first + r)]) = 0.7f;
  return out;
}

double run(const Component& component) {
  auto metric = make_metric(component, {"sparse_categorical_crossentropy", 4, false});
  metric->reset();
  // Two batches: the result must come from the summed counts.
  metric->update(one_hot_scores(predicted, 0, 3), std::span(truth).subspan(0, 3));
  metric->update(one_hot_scores(predicted, 3, 5), std::span(truth).subspan(3, 5));
  return metric->result();
}

Component with_average(const std::string& name, const std::string& average) {
  return {name, {{"average", average}}};
}

}  // namespace

TEST_CASE("precision, recall and f1 from hand-computed confusion counts", "[metrics]") {
  CHECK(run({"precision", {}}) == Approx((1 + 0.5 + 1 + 0) / 4));
  CHECK(run({"recall", {}}) == Approx((0.75 + 1 + 0.5 + 0) / 4));
  CHECK(run({"f1_score", {}}) == Approx(23.0 / 42));
  CHECK(run(with_average("f1_score", "macro")) == Approx(23.0 / 42));
  // micro: tp 6, fp 2, fn 2
  CHECK(run(with_average("precision", "micro")) == Approx(0.75));
  CHECK(run(with_average("recall", "micro")) == Approx(0.75));
  CHECK(run(with_average("f1_score", "micro")) == Approx(0.75));
  // weighted by support 4, 2, 2, 0
  CHECK(run(with_average("precision", "weighted")) == Approx(7.0 / 8));
  CHECK(run(with_average("recall", "weighted")) == Approx(0.75));
  CHECK(run(with_average("f1_score", "weighted")) == Approx(16.0 / 21));
}

TEST_CASE("f1 is not the mean of per-batch f1 values", "[metrics]") {
  auto metric = make_metric({"f1_score", {}}, {"categorical_crossentropy", 4, false});
  metric->update(one_hot_scores(predicted, 0, 3), std::span(truth).subspan(0, 3));
  const double first = metric->result();  // all three right, class 0 only: (1 + 0 + 0 + 0) / 4
  CHECK(first == Approx(0.25));
  metric->update(one_hot_scores(predicted, 3, 5), std::span(truth).subspan(3, 5));
  CHECK(metric->result() == Approx(23.0 / 42));
  metric->reset();
  CHECK(metric->result() == 0.0);
}

TEST_CASE("confusion counts are kept per (truth, prediction)", "[metrics]") {
  ConfusionMetric metric("f1_score", ConfusionMetric::Kind::f1, ConfusionMetric::Average::macro, 4,
                         0.5);
  metric.update(one_hot_scores(predicted, 0, 8), truth);
  const std::vector<long long> expected{3, 1, 0, 0,  //
                                        0, 2, 0, 0,  //
                                        0, 1, 1, 0,  //
                                        0, 0, 0, 0};
  CHECK(metric.counts() == expected);
}

TEST_CASE("binary precision, recall and f1 of a one-wide output", "[metrics]") {
  // labels 1 1 0 0 1, predictions (> 0.5) 1 0 1 1 1: tp 2, fp 2, fn 1
  Matrix out(5, 1);
  out << 0.9, 0.4, 0.6, 0.7, 0.8;
  const std::vector<std::int32_t> labels{1, 1, 0, 0, 1};
  const MetricContext context{"binary_crossentropy", 1, false};
  const auto value = [&](const Component& component) {
    auto metric = make_metric(component, context);
    metric->update(out, labels);
    return metric->result();
  };
  CHECK(value({"precision", {}}) == Approx(0.5));
  CHECK(value({"recall", {}}) == Approx(2.0 / 3));
  CHECK(value({"f1_score", {}}) == Approx(4.0 / 7));
  CHECK(value({"binary_accuracy", {}}) == Approx(2.0 / 5));
  CHECK(value({"accuracy", {}}) == Approx(2.0 / 5));
  CHECK(value({"precision", {{"threshold", 0.85}}}) == Approx(1.0));
  CHECK(value({"recall", {{"threshold", 0.85}}}) == Approx(1.0 / 3));
}

TEST_CASE("thresholds move to logit space when the loss takes logits", "[metrics]") {
  Matrix logits(3, 1);
  logits << 0.3, -0.2, 2.0;  // probabilities 0.57, 0.45, 0.88
  const std::vector<std::int32_t> labels{1, 0, 0};
  auto metric = make_metric({"binary_accuracy", {}}, {"binary_crossentropy", 1, true});
  metric->update(logits, labels);
  CHECK(metric->result() == Approx(2.0 / 3));
}

TEST_CASE("a class that never occurs gives zeros, never NaN", "[metrics]") {
  Matrix out(3, 1);
  out << 0.1, 0.2, 0.3;  // nothing predicted positive, nothing positive
  const std::vector<std::int32_t> labels{0, 0, 0};
  for (const char* name : {"precision", "recall", "f1_score"}) {
    auto metric = make_metric({name, {}}, {"binary_crossentropy", 1, false});
    metric->update(out, labels);
    CHECK(metric->result() == 0.0);
    auto multi = make_metric({name, {{"average", std::string{"weighted"}}}},
                             {"categorical_crossentropy", 3, false});
    CHECK(multi->result() == 0.0);  // no rows at all
  }
}
