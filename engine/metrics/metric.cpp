#include "engine/metrics/metric.hpp"

#include <cmath>

#include "engine/errors.hpp"
#include "engine/metrics/binary_accuracy.hpp"
#include "engine/metrics/categorical_accuracy.hpp"
#include "engine/metrics/confusion_metric.hpp"
#include "engine/metrics/top_k_categorical_accuracy.hpp"

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
  static const std::vector<ComponentSpec> specs{
      {"accuracy",
       {},
       "binary, categorical or sparse categorical accuracy, from the loss and output width"},
      {"binary_accuracy",
       {threshold_spec()},
       "share of outputs on the right side of the threshold"},
      {"categorical_accuracy", {}, "share of rows whose argmax is the label"},
      {"sparse_categorical_accuracy", {}, "share of rows whose argmax is the label"},
      {"top_k_categorical_accuracy",
       {k_spec()},
       "share of rows with the label among the k largest outputs"},
      {"precision",
       {average_spec(), threshold_spec()},
       "precision (macro over classes by default)"},
      {"recall", {average_spec(), threshold_spec()}, "recall (macro over classes by default)"},
      {"f1_score",
       {average_spec(), threshold_spec()},
       "F1 score from the epoch's confusion counts (macro by default)"},
  };
  return specs;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (const auto& spec : metric_specs()) names.push_back(spec.name);
  return names;
}

std::unique_ptr<Metric> make_metric(const Component& component, const MetricContext& context) {
  const ComponentSpec* spec = nullptr;
  for (const auto& candidate : metric_specs()) {
    if (candidate.name == component.name) spec = &candidate;
  }
  if (spec == nullptr) {
    std::string message = "unknown metric \"" + component.name + "\"";
    if (auto guess = did_you_mean(component.name, metric_names())) {
      message += "; did you mean \"" + *guess + "\"?";
    }
    throw ConfigError(message + "; known: " + join(metric_names()));
  }
  const ParamReader reader(*spec, component.params);
  const std::string& name = spec->name;
  if (name == "accuracy") {
    // Keras 3: binary for a one-wide output, else (sparse) categorical; with
    // integer labels both categorical forms are the argmax test.
    if (context.output_width == 1) {
      return std::make_unique<BinaryAccuracy>(name, output_threshold(0.5, context));
    }
    return std::make_unique<CategoricalAccuracy>(name);
  }
  if (name == "binary_accuracy") {
    return std::make_unique<BinaryAccuracy>(name,
                                            output_threshold(reader.number("threshold"), context));
  }
  if (name == "categorical_accuracy" || name == "sparse_categorical_accuracy") {
    return std::make_unique<CategoricalAccuracy>(name);
  }
  if (name == "top_k_categorical_accuracy") {
    return std::make_unique<TopKCategoricalAccuracy>(name, static_cast<int>(reader.integer("k")));
  }
  const std::string average_name = reader.string("average");
  const auto average = average_name == "micro"      ? ConfusionMetric::Average::micro
                       : average_name == "weighted" ? ConfusionMetric::Average::weighted
                                                    : ConfusionMetric::Average::macro;
  const auto kind = name == "precision" ? ConfusionMetric::Kind::precision
                    : name == "recall"  ? ConfusionMetric::Kind::recall
                                        : ConfusionMetric::Kind::f1;
  return std::make_unique<ConfusionMetric>(name, kind, average, context.output_width,
                                           output_threshold(reader.number("threshold"), context));
}

}  // namespace sweep::engine
