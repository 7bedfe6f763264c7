#include "engine/optimizers/optimizer_detail.hpp"

#include "engine/errors.hpp"

namespace sweep::engine::detail {
namespace {

std::string shape_text(long long rows, long long cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

}  // namespace

std::vector<ParamSpec> common_param_specs(double default_learning_rate,
                                          double default_weight_decay) {
  std::vector<ParamSpec> specs;
  specs.push_back({.name = "learning_rate",
                   .default_value = default_learning_rate,
                   .min = 0.0,
                   .min_exclusive = true,
                   .choices = {},
                   .help = "step size; a schedule, if any, starts from it"});
  specs.push_back({.name = "weight_decay",
                   .default_value = default_weight_decay,
                   .min = 0.0,
                   .choices = {},
                   .help = "decoupled decay, p <- p - p * weight_decay * learning_rate"});
  specs.push_back({.name = "clipnorm",
                   .default_value = 0.0,
                   .min = 0.0,
                   .choices = {},
                   .help = "0 = off; rescale each gradient tensor to this L2 norm at most"});
  specs.push_back({.name = "clipvalue",
                   .default_value = 0.0,
                   .min = 0.0,
                   .choices = {},
                   .help = "0 = off; clip each gradient element to [-clipvalue, clipvalue]"});
  return specs;
}

ParamSpec beta_spec(const std::string& name, double default_value, const std::string& help) {
  return {.name = name,
          .default_value = default_value,
          .min = 0.0,
          .max = 1.0,
          .max_exclusive = true,
          .choices = {},
          .help = help};
}

ParamSpec epsilon_spec() {
  return {.name = "epsilon",
          .default_value = 1e-7,
          .min = 0.0,
          .min_exclusive = true,
          .choices = {},
          .help = "added to the denominator for numerical stability"};
}

ParamSpec flag_spec(const std::string& name, const std::string& help) {
  return {.name = name,
          .kind = ParamSpec::Kind::boolean,
          .default_value = false,
          .choices = {},
          .help = help};
}

OptimizerCommon read_common(const ParamReader& reader) {
  return {.learning_rate = reader.number("learning_rate"),
          .weight_decay = reader.number("weight_decay"),
          .clipnorm = reader.number("clipnorm"),
          .clipvalue = reader.number("clipvalue")};
}

void check_slot(const std::string& optimizer, std::size_t slot,
                const std::vector<std::pair<int, int>>& shapes, const Matrix& param,
                const Matrix& grad) {
  if (slot >= shapes.size()) {
    throw TrainingError(optimizer + ": parameter slot " + std::to_string(slot) +
                        " was not built; build() created " + std::to_string(shapes.size()) +
                        " slots");
  }
  const auto [rows, cols] = shapes[slot];
  if (param.rows() != rows || param.cols() != cols || grad.rows() != rows || grad.cols() != cols) {
    throw TrainingError(optimizer + ": parameter slot " + std::to_string(slot) + " is " +
                        shape_text(param.rows(), param.cols()) + " with a " +
                        shape_text(grad.rows(), grad.cols()) + " gradient; build() expected " +
                        shape_text(rows, cols));
  }
}

}  // namespace sweep::engine::detail
