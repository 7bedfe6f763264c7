#include "engine/datasets/preparation.hpp"

#include <cmath>
#include <sstream>

#include "engine/errors.hpp"

namespace sweep::engine::detail {

std::size_t training_rows(std::size_t rows, double validation_split) {
  return static_cast<std::size_t>(std::floor(static_cast<double>(rows) * (1.0 - validation_split)));
}

Standardisation fit_standardisation(const std::vector<float>& values, std::size_t rows,
                                    std::size_t features) {
  std::vector<double> sum(features, 0.0);
  std::vector<double> squares(features, 0.0);
  for (std::size_t i = 0; i < rows; ++i) {
    const float* row = values.data() + i * features;
    for (std::size_t j = 0; j < features; ++j) sum[j] += row[j];
  }
  Standardisation fitted{std::vector<float>(features, 0.0f), std::vector<float>(features, 1.0f)};
  if (rows == 0) return fitted;
  // Two passes: the mean first, then squared deviations, so large offsets
  // do not cancel the variance away.
  for (std::size_t j = 0; j < features; ++j) sum[j] /= static_cast<double>(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const float* row = values.data() + i * features;
    for (std::size_t j = 0; j < features; ++j) {
      const double d = row[j] - sum[j];
      squares[j] += d * d;
    }
  }
  for (std::size_t j = 0; j < features; ++j) {
    const double sd = std::sqrt(squares[j] / static_cast<double>(rows));
    fitted.offset[j] = static_cast<float>(sum[j]);
    fitted.scale[j] = sd > 0.0 ? static_cast<float>(1.0 / sd) : 1.0f;
  }
  return fitted;
}

void split_and_standardise(Dataset& dataset, const std::string& what, std::vector<float> x,
                           std::vector<std::int32_t> y, double validation_split,
                           std::vector<float> test_x, std::vector<std::int32_t> test_y) {
  const std::size_t features = dataset.features;
  const std::size_t rows = y.size();
  const std::size_t train = training_rows(rows, validation_split);
  if (train == 0) {
    std::ostringstream message;
    message << what << ": no training rows left of " << rows << " after validation_split "
            << validation_split;
    throw DatasetError(message.str());
  }
  const Standardisation fitted = fit_standardisation(x, train, features);
  std::vector<float> validation_x(x.begin() + static_cast<std::ptrdiff_t>(train * features),
                                  x.end());
  std::vector<std::int32_t> validation_y(y.begin() + static_cast<std::ptrdiff_t>(train), y.end());
  x.resize(train * features);
  x.shrink_to_fit();
  y.resize(train);
  dataset.train = Split(features, {}, std::move(x), std::move(y), fitted.offset, fitted.scale);
  dataset.validation = Split(features, {}, std::move(validation_x), std::move(validation_y),
                             fitted.offset, fitted.scale);
  dataset.test =
      Split(features, {}, std::move(test_x), std::move(test_y), fitted.offset, fitted.scale);
}

}  // namespace sweep::engine::detail
