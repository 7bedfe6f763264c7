#include "engine/datasets/preparation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "engine/datasets/synthetic.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {

Missing parse_missing(const std::string& text) {
  if (text == "error") return Missing::error;
  if (text == "drop") return Missing::drop;
  if (text == "mean") return Missing::mean;
  throw ConfigError(unknown_name_message("missing", text, {"error", "drop", "mean"}));
}

SplitMode parse_split_mode(const std::string& text) {
  if (text == "stratified") return SplitMode::stratified;
  if (text == "last") return SplitMode::last;
  throw ConfigError(unknown_name_message("validation_split_mode", text, {"stratified", "last"}));
}

Normalization parse_normalization(const std::string& text) {
  if (text == "standard") return Normalization::standard;
  if (text == "minmax") return Normalization::minmax;
  if (text == "none") return Normalization::none;
  if (text == "rescale") return Normalization::rescale;
  throw ConfigError(
      unknown_name_message("normalize", text, {"standard", "minmax", "none", "rescale"}));
}

}  // namespace sweep::engine

namespace sweep::engine::detail {
namespace {

// The stream of the sweep's seed that shuffles rows before a stratified split
// (0-2 are the synthetic generators').
constexpr std::uint64_t kSplitStream = 3;

std::string class_text(std::int32_t label, const std::vector<std::string>& names) {
  if (label >= 0 && static_cast<std::size_t>(label) < names.size())
    return names[static_cast<std::size_t>(label)];
  return std::to_string(label);
}

// Validation rows per class: proportional, largest remainders first, then
// moved so that each class with 2 rows or more is in both parts when it can be.
std::map<std::int32_t, std::size_t> quotas(const std::map<std::int32_t, std::size_t>& counts,
                                           std::size_t rows, std::size_t validation) {
  std::map<std::int32_t, std::size_t> quota;
  std::vector<std::pair<double, std::int32_t>> remainders;
  std::size_t given = 0;
  for (const auto& [label, count] : counts) {
    const double exact =
        static_cast<double>(validation) * static_cast<double>(count) / static_cast<double>(rows);
    quota[label] = static_cast<std::size_t>(std::floor(exact));
    given += quota[label];
    remainders.emplace_back(exact - std::floor(exact), label);
  }
  // Largest remainder first; ties to the smaller label, so the split is the
  // same everywhere.
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; given < validation && i < remainders.size(); ++i, ++given)
    ++quota[remainders[i].second];
  // A class with 2 rows or more: at least one in validation, one in training.
  for (const auto& [label, count] : counts) {
    if (count < 2 || quota[label] > 0) continue;
    auto donor = quota.end();
    for (auto it = quota.begin(); it != quota.end(); ++it)
      if (it->second >= 2 && (donor == quota.end() || it->second > donor->second)) donor = it;
    if (donor == quota.end()) break;
    --donor->second;
    quota[label] = 1;
  }
  for (const auto& [label, count] : counts) {
    while (count >= 2 && quota[label] >= count) {
      auto taker = quota.end();
      for (auto it = quota.begin(); it != quota.end(); ++it) {
        const std::size_t room = counts.at(it->first) - 1;
        if (it->first != label && it->second < room &&
            (taker == quota.end() ||
             room - it->second > counts.at(taker->first) - 1 - taker->second))
          taker = it;
      }
      if (taker == quota.end()) break;
      --quota[label];
      ++taker->second;
    }
  }
  return quota;
}

// NaN values (missing cells) become the feature's mean over the first
// `train_rows` rows of `train`; a feature with no value there becomes 0.
// Returns the values used, or nothing when no value was missing.
std::vector<float> fill_missing(std::vector<float>& train, std::size_t train_rows,
                                std::vector<float>& validation, std::vector<float>& test,
                                std::size_t features) {
  const auto has_nan = [](const std::vector<float>& values) {
    return std::any_of(values.begin(), values.end(), [](float v) { return std::isnan(v); });
  };
  if (!has_nan(train) && !has_nan(validation) && !has_nan(test)) return {};
  std::vector<double> sum(features, 0.0);
  std::vector<std::size_t> count(features, 0);
  for (std::size_t i = 0; i < train_rows; ++i) {
    for (std::size_t j = 0; j < features; ++j) {
      const float value = train[i * features + j];
      if (std::isnan(value)) continue;
      sum[j] += value;
      ++count[j];
    }
  }
  std::vector<float> mean(features, 0.0f);
  for (std::size_t j = 0; j < features; ++j)
    if (count[j] > 0) mean[j] = static_cast<float>(sum[j] / static_cast<double>(count[j]));
  for (std::vector<float>* part : {&train, &validation, &test})
    for (std::size_t k = 0; k < part->size(); ++k)
      if (std::isnan((*part)[k])) (*part)[k] = mean[k % features];
  return mean;
}

template <typename T>
Scaling fit(std::span<const T> values, std::size_t rows, std::size_t features,
            Normalization normalization) {
  Scaling fitted{std::vector<float>(features, 0.0f), std::vector<float>(features, 1.0f)};
  if (normalization == Normalization::none) return fitted;
  if (normalization == Normalization::rescale) {
    fitted.scale.assign(features, 1.0f / 255.0f);
    return fitted;
  }
  if (rows == 0) return fitted;
  if (normalization == Normalization::minmax) {
    std::vector<double> low(features, std::numeric_limits<double>::infinity());
    std::vector<double> high(features, -std::numeric_limits<double>::infinity());
    for (std::size_t i = 0; i < rows; ++i) {
      const T* row = values.data() + i * features;
      for (std::size_t j = 0; j < features; ++j) {
        low[j] = std::min(low[j], static_cast<double>(row[j]));
        high[j] = std::max(high[j], static_cast<double>(row[j]));
      }
    }
    for (std::size_t j = 0; j < features; ++j) {
      fitted.offset[j] = static_cast<float>(low[j]);
      fitted.scale[j] = high[j] > low[j] ? static_cast<float>(1.0 / (high[j] - low[j])) : 1.0f;
    }
    return fitted;
  }
  // Two passes: the mean first, then squared deviations, so large offsets
  // do not cancel the variance away. Population std, as scikit-learn's
  // StandardScaler.
  std::vector<double> sum(features, 0.0);
  std::vector<double> squares(features, 0.0);
  for (std::size_t i = 0; i < rows; ++i) {
    const T* row = values.data() + i * features;
    for (std::size_t j = 0; j < features; ++j) sum[j] += static_cast<double>(row[j]);
  }
  for (std::size_t j = 0; j < features; ++j) sum[j] /= static_cast<double>(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const T* row = values.data() + i * features;
    for (std::size_t j = 0; j < features; ++j) {
      const double d = static_cast<double>(row[j]) - sum[j];
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

Rows take_rows(const Rows& from, const std::vector<std::size_t>& rows, std::size_t features) {
  Rows out;
  out.x.resize(rows.size() * features);
  out.y.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(from.x.begin() + static_cast<std::ptrdiff_t>(rows[i] * features), features,
                out.x.begin() + static_cast<std::ptrdiff_t>(i * features));
    out.y[i] = from.y[rows[i]];
  }
  return out;
}

}  // namespace

std::size_t training_rows(std::size_t rows, double validation_split) {
  return static_cast<std::size_t>(std::floor(static_cast<double>(rows) * (1.0 - validation_split)));
}

RowSplit split_rows(std::span<const std::int32_t> labels, double validation_split, SplitMode mode,
                    std::uint64_t seed) {
  const std::size_t rows = labels.size();
  const std::size_t train = std::min(rows, training_rows(rows, validation_split));
  RowSplit out;
  if (mode == SplitMode::last || train == rows) {
    out.train.resize(train);
    std::iota(out.train.begin(), out.train.end(), std::size_t{0});
    out.validation.resize(rows - train);
    std::iota(out.validation.begin(), out.validation.end(), train);
    return out;
  }
  std::map<std::int32_t, std::size_t> counts;
  for (const std::int32_t label : labels) ++counts[label];
  std::map<std::int32_t, std::size_t> quota = quotas(counts, rows, rows - train);
  // One seeded Fisher-Yates shuffle with draws written out (Draws), so the
  // order is the same with every standard library.
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Draws draws(derive_seed(seed, kSplitStream));
  for (std::size_t i = rows; i > 1; --i) std::swap(order[i - 1], order[draws.below(i)]);
  out.train.reserve(train);
  out.validation.reserve(rows - train);
  for (const std::size_t row : order) {
    std::size_t& left = quota[labels[row]];
    if (left > 0) {
      --left;
      out.validation.push_back(row);
    } else {
      out.train.push_back(row);
    }
  }
  return out;
}

std::vector<std::string> validation_warnings(const std::string& what,
                                             std::span<const std::int32_t> all_labels,
                                             std::span<const std::int32_t> validation_labels,
                                             SplitMode mode,
                                             const std::vector<std::string>& names) {
  std::vector<std::string> warnings;
  if (validation_labels.empty()) return warnings;
  const std::set<std::int32_t> all(all_labels.begin(), all_labels.end());
  const std::set<std::int32_t> present(validation_labels.begin(), validation_labels.end());
  std::size_t runs = all_labels.empty() ? 0 : 1;
  for (std::size_t i = 1; i < all_labels.size(); ++i)
    if (all_labels[i] != all_labels[i - 1]) ++runs;
  const bool grouped = all.size() >= 2 && runs == all.size();
  const std::string hint =
      "; use validation_split_mode \"stratified\" (the default) or give a validation file";
  std::ostringstream held;
  for (const std::int32_t label : present)
    held << (held.tellp() > 0 ? ", " : "") << class_text(label, names);
  if (mode == SplitMode::last && grouped) {
    warnings.push_back(what +
                       ": the rows are grouped by class (sorted by label) and "
                       "validation_split_mode \"last\" takes the last " +
                       std::to_string(validation_labels.size()) +
                       " rows for validation: they hold " + std::to_string(present.size()) +
                       " of " + std::to_string(all.size()) + " classes (" + held.str() + ")" +
                       hint);
  } else if (present.size() == 1 && all.size() >= 2) {
    warnings.push_back(what + ": the validation part (" + std::to_string(validation_labels.size()) +
                       " rows) holds only class " + held.str() +
                       "; its metrics cannot rank the trials" +
                       (mode == SplitMode::last ? hint : std::string{}));
  }
  return warnings;
}

Scaling fit_scaling(std::span<const float> values, std::size_t rows, std::size_t features,
                    Normalization normalization) {
  return fit(values, rows, features, normalization);
}

Scaling fit_scaling(std::span<const std::uint8_t> values, std::size_t rows, std::size_t features,
                    Normalization normalization) {
  return fit(values, rows, features, normalization);
}

void prepare_parts(Dataset& dataset, const std::string& what, Rows train, Rows validation,
                   Rows test, const Preparation& preparation) {
  const std::size_t features = dataset.features;
  const std::size_t rows = train.y.size();
  SplitMode mode = preparation.mode;
  // The labels in file order, for the warnings about the validation part.
  const std::vector<std::int32_t> file_labels = train.y;
  if (validation.y.empty()) {
    const RowSplit split =
        split_rows(train.y, preparation.validation_split, preparation.mode, preparation.seed);
    if (split.train.empty()) {
      std::ostringstream message;
      message << what << ": no training rows left of " << rows << " after validation_split "
              << preparation.validation_split;
      throw DatasetError(message.str());
    }
    if (!split.validation.empty()) {
      validation = take_rows(train, split.validation, features);
      train = take_rows(train, split.train, features);
    }
  } else {
    mode = SplitMode::stratified;  // an explicit validation part: nothing to say about order
  }
  if (train.y.empty()) throw DatasetError(what + ": no training rows");
  dataset.missing_fill = fill_missing(train.x, train.y.size(), validation.x, test.x, features);
  const Scaling scaling = fit_scaling(train.x, train.y.size(), features, preparation.normalization);
  dataset.train =
      Split(features, {}, std::move(train.x), std::move(train.y), scaling.offset, scaling.scale);
  dataset.validation = Split(features, {}, std::move(validation.x), std::move(validation.y),
                             scaling.offset, scaling.scale);
  dataset.test =
      Split(features, {}, std::move(test.x), std::move(test.y), scaling.offset, scaling.scale);
  for (auto& warning : validation_warnings(what, file_labels, dataset.validation.labels(), mode,
                                           dataset.class_names))
    dataset.warnings.push_back(std::move(warning));
}

}  // namespace sweep::engine::detail
