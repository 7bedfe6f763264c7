#include "engine/datasets/synthetic.hpp"

#include <cmath>
#include <numbers>
#include <utility>

#include "engine/datasets/preparation.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace detail {

double Draws::uniform() {
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

double Draws::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // 1 - uniform() lies in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  const double angle = 2.0 * std::numbers::pi * uniform();
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

std::size_t Draws::below(std::size_t n) {
  // Rejection sampling: draws above the largest multiple of n are redrawn.
  const std::uint64_t bound = static_cast<std::uint64_t>(n);
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t value = rng_();
  while (value >= limit) value = rng_();
  return static_cast<std::size_t>(value % bound);
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + (stream + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace detail

namespace {

using detail::Draws;

struct Rows {
  std::size_t features = 2;
  std::vector<float> x;
  std::vector<std::int32_t> y;

  void add(std::initializer_list<double> values, std::int32_t label) {
    for (double v : values) x.push_back(static_cast<float>(v));
    y.push_back(label);
  }
};

// Rows per class: as even as possible, the first n % k classes one more.
std::size_t class_rows(std::size_t n, std::size_t k, std::size_t c) {
  return n / k + (c < n % k ? 1 : 0);
}

// Position i of m evenly spaced points in [0, 1] (the endpoint included).
double spaced(std::size_t i, std::size_t m) {
  return m > 1 ? static_cast<double>(i) / static_cast<double>(m - 1) : 0.0;
}

void spirals(Rows& rows, std::size_t n, const SyntheticOptions& o, Draws& draws) {
  for (std::size_t c = 0; c < o.classes; ++c) {
    const std::size_t m = class_rows(n, o.classes, c);
    for (std::size_t i = 0; i < m; ++i) {
      const double r = spaced(i, m);
      const double theta = 4.0 * static_cast<double>(c) + 4.0 * r + o.noise * draws.normal();
      rows.add({r * std::sin(theta), r * std::cos(theta)}, static_cast<std::int32_t>(c));
    }
  }
}

void moons(Rows& rows, std::size_t n, const SyntheticOptions& o, Draws& draws) {
  const std::size_t outer = n / 2;
  const std::size_t inner = n - outer;
  for (std::size_t i = 0; i < outer; ++i) {
    const double t = std::numbers::pi * spaced(i, outer);
    rows.add({std::cos(t) + o.noise * draws.normal(), std::sin(t) + o.noise * draws.normal()}, 0);
  }
  for (std::size_t i = 0; i < inner; ++i) {
    const double t = std::numbers::pi * spaced(i, inner);
    rows.add({1.0 - std::cos(t) + o.noise * draws.normal(),
              0.5 - std::sin(t) + o.noise * draws.normal()},
             1);
  }
}

void circles(Rows& rows, std::size_t n, const SyntheticOptions& o, Draws& draws) {
  const std::size_t outer = n / 2;
  const std::size_t inner = n - outer;
  const std::size_t counts[2] = {outer, inner};
  const double radius[2] = {1.0, o.factor};
  for (std::int32_t c = 0; c < 2; ++c) {
    for (std::size_t i = 0; i < counts[c]; ++i) {
      // As scikit-learn: the end point left out, so 0 and 2 pi do not repeat.
      const double t =
          2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(counts[c]);
      rows.add({radius[c] * std::cos(t) + o.noise * draws.normal(),
                radius[c] * std::sin(t) + o.noise * draws.normal()},
               c);
    }
  }
}

void blobs(Rows& rows, std::size_t n, const SyntheticOptions& o, Draws& draws,
           const std::vector<double>& centers) {
  for (std::size_t c = 0; c < o.classes; ++c) {
    const std::size_t m = class_rows(n, o.classes, c);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < o.features; ++j) {
        rows.x.push_back(
            static_cast<float>(centers[c * o.features + j] + o.cluster_std * draws.normal()));
      }
      rows.y.push_back(static_cast<std::int32_t>(c));
    }
  }
}

void xor_quadrants(Rows& rows, std::size_t n, const SyntheticOptions& o, Draws& draws) {
  for (std::int32_t c = 0; c < 2; ++c) {
    const std::size_t m = class_rows(n, 2, static_cast<std::size_t>(c));
    for (std::size_t i = 0; i < m; ++i) {
      // Class 0 in the quadrants where the signs agree, class 1 where they differ.
      const double sign = draws.uniform() < 0.5 ? -1.0 : 1.0;
      const double a = sign * (1.0 - draws.uniform());
      const double b = (c == 0 ? sign : -sign) * (1.0 - draws.uniform());
      rows.add({a + o.noise * draws.normal(), b + o.noise * draws.normal()}, c);
    }
  }
}

Rows generate(const SyntheticOptions& o, std::size_t n, Draws& draws,
              const std::vector<double>& centers) {
  Rows rows;
  rows.features = o.kind == "blobs" ? o.features : 2;
  rows.x.reserve(n * rows.features);
  rows.y.reserve(n);
  if (o.kind == "spirals") {
    spirals(rows, n, o, draws);
  } else if (o.kind == "moons") {
    moons(rows, n, o, draws);
  } else if (o.kind == "circles") {
    circles(rows, n, o, draws);
  } else if (o.kind == "blobs") {
    blobs(rows, n, o, draws, centers);
  } else if (o.kind == "xor") {
    xor_quadrants(rows, n, o, draws);
  } else {
    throw ConfigError(unknown_name_message("synthetic dataset", o.kind,
                                           {"spirals", "moons", "circles", "blobs", "xor"}));
  }
  return rows;
}

// Fisher-Yates, with the draws written out so the order is the same everywhere.
void shuffle(Rows& rows, Draws& draws) {
  const std::size_t f = rows.features;
  for (std::size_t i = rows.y.size(); i > 1; --i) {
    const std::size_t k = draws.below(i);
    const std::size_t last = i - 1;
    if (k == last) continue;
    std::swap(rows.y[k], rows.y[last]);
    for (std::size_t j = 0; j < f; ++j) std::swap(rows.x[k * f + j], rows.x[last * f + j]);
  }
}

}  // namespace

Dataset make_synthetic(const SyntheticOptions& options, std::uint64_t seed) {
  SyntheticOptions o = options;
  if (o.kind != "spirals" && o.kind != "blobs") o.classes = 2;
  if (o.kind != "blobs") o.features = 2;
  if (o.classes < 2 || o.features < 1 || o.samples < 1) {
    throw ConfigError(o.kind + ": needs at least 2 classes, 1 feature and 1 sample");
  }

  Draws train_draws(detail::derive_seed(seed, 0));
  Draws test_draws(detail::derive_seed(seed, 1));
  Draws shuffle_draws(detail::derive_seed(seed, 2));

  // Blob centres belong to the dataset, not to a part: drawn once, in
  // [-10, 10) per coordinate as scikit-learn's default center_box.
  std::vector<double> centers;
  if (o.kind == "blobs") {
    centers.resize(o.classes * o.features);
    for (double& c : centers) c = -10.0 + 20.0 * train_draws.uniform();
  }

  Rows train = generate(o, o.samples, train_draws, centers);
  shuffle(train, shuffle_draws);
  Rows test = generate(o, std::max<std::size_t>(o.samples / 5, 1), test_draws, centers);
  shuffle(test, test_draws);

  Dataset dataset;
  dataset.name = o.kind;
  dataset.features = train.features;
  dataset.classes = o.classes;
  const detail::Preparation preparation{.validation_split = o.validation_split,
                                        .mode = o.split_mode,
                                        .seed = seed,
                                        .normalization = Normalization::standard};
  detail::prepare_parts(dataset, o.kind, {std::move(train.x), std::move(train.y)}, {},
                        {std::move(test.x), std::move(test.y)}, preparation);
  return dataset;
}

}  // namespace sweep::engine
