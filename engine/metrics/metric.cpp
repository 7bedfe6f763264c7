#include "engine/metrics/metric.hpp"

#include <cmath>

#include "engine/errors.hpp"
#include "engine/metrics/binary_accuracy.hpp"
#include "engine/metrics/categorical_accuracy.hpp"
#include "engine/metrics/confusion_metric.hpp"
#include "engine/metrics/top_k_categorical_accuracy.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace {

using Kind = ParamSpec::Kind;

ParamSpec threshold_spec() {
  ParamSpec spec;
  spec.name = "threshold";
  spec.kind = Kind::number;
  spec.default_value = 0.5;
  spec.min = 0.0;
  spec.max = 1.0;
  spec.min_exclusive = true;
  spec.max_exclusive = true;
  spec.help = "probability above which a one-wide output counts as class 1";
  return spec;
}

ParamSpec average_spec() {
  ParamSpec spec;
  spec.name = "average";
  spec.kind = Kind::string;
  spec.default_value = std::string{"macro"};
  spec.choices = {"macro", "micro", "weighted"};
  spec.help = "how per-class values of a multiclass output are combined";
  return spec;
}

ParamSpec k_spec() {
  ParamSpec spec;
  spec.name = "k";
  spec.kind = Kind::integer;
  spec.default_value = 5.0;
  spec.min = 1.0;
  spec.help = "how many of the largest outputs may hold the label";
  return spec;
}

// A probability threshold in the space of the outputs (logit space when the
// loss takes logits).
double output_threshold(double probability, const MetricContext& context) {
  return context.from_logits ? std::log(probability / (1.0 - probability)) : probability;
}

using MetricRegistry = Registry<std::unique_ptr<Metric>, const MetricContext&>;

// precision, recall and f1_score: the epoch's confusion counts.
MetricRegistry::Factory confusion(ConfusionMetric::Kind kind) {
  return
      [kind](const ParamReader& reader, const MetricContext& context) -> std::unique_ptr<Metric> {
        const std::string average_name = reader.string("average");
        const auto average = average_name == "micro"      ? ConfusionMetric::Average::micro
                             : average_name == "weighted" ? ConfusionMetric::Average::weighted
                                                          : ConfusionMetric::Average::macro;
        return std::make_unique<ConfusionMetric>(
            reader.spec().name, kind, average, context.output_width,
            output_threshold(reader.number("threshold"), context));
      };
}

// categorical_accuracy and sparse_categorical_accuracy: with integer labels
// both are the argmax test.
std::unique_ptr<Metric> argmax_accuracy(const ParamReader& reader, const MetricContext&) {
  return std::make_unique<CategoricalAccuracy>(reader.spec().name);
}

const MetricRegistry& registry() {
  static const MetricRegistry metrics{
      "metric",
      {
          {{"accuracy",
            {},
            "binary, categorical or sparse categorical accuracy, from the loss and output width"},
           [](const ParamReader&, const MetricContext& context) -> std::unique_ptr<Metric> {
             // Keras 3: binary for a one-wide output, else (sparse) categorical.
             if (context.output_width == 1) {
               return std::make_unique<BinaryAccuracy>("accuracy", output_threshold(0.5, context));
             }
             return std::make_unique<CategoricalAccuracy>("accuracy");
           }},
          {{"binary_accuracy",
            {threshold_spec()},
            "share of outputs on the right side of the threshold"},
           [](const ParamReader& reader, const MetricContext& context) -> std::unique_ptr<Metric> {
             return std::make_unique<BinaryAccuracy>(
                 "binary_accuracy", output_threshold(reader.number("threshold"), context));
           }},
          {{"categorical_accuracy", {}, "share of rows whose argmax is the label"},
           &argmax_accuracy},
          {{"sparse_categorical_accuracy", {}, "share of rows whose argmax is the label"},
           &argmax_accuracy},
          {{"top_k_categorical_accuracy",
            {k_spec()},
            "share of rows with the label among the k largest outputs"},
           [](const ParamReader& reader, const MetricContext&) -> std::unique_ptr<Metric> {
             return std::make_unique<TopKCategoricalAccuracy>(
                 "top_k_categorical_accuracy", static_cast<int>(reader.integer("k")));
           }},
          {{"precision",
            {average_spec(), threshold_spec()},
            "precision (macro over classes by default)"},
           confusion(ConfusionMetric::Kind::precision)},
          {{"recall", {average_spec(), threshold_spec()}, "recall (macro over classes by default)"},
           confusion(ConfusionMetric::Kind::recall)},
          {{"f1_score",
            {average_spec(), threshold_spec()},
            "F1 score from the epoch's confusion counts (macro by default)"},
           confusion(ConfusionMetric::Kind::f1)},
      }};
  return metrics;
}

}  // namespace

Eigen::Index argmax_row(const Matrix& output, Eigen::Index row) {
  const Eigen::Index cols = output.cols();
  const float* values = output.data() + row * cols;
  Eigen::Index best = 0;
  for (Eigen::Index c = 1; c < cols; ++c) {
    if (values[c] > values[best]) best = c;
  }
  return best;
}

const std::vector<ComponentSpec>& metric_specs() {
  return registry().specs();
}

std::vector<std::string> metric_names() {
  return registry().names();
}

std::unique_ptr<Metric> make_metric(const Component& component, const MetricContext& context) {
  return registry().make(component, context);
}

}  // namespace sweep::engine
