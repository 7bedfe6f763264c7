// The dataset registry: names, accepted parameters, and load_dataset.
#include "engine/datasets/dataset.hpp"

#include <functional>

#include "engine/datasets/csv.hpp"
#include "engine/datasets/idx_dataset.hpp"
#include "engine/datasets/synthetic.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace {

using Kind = ParamSpec::Kind;

// Designated initializers would leave `choices` out and trip
// -Wmissing-field-initializers, so specs are built field by field.
ParamSpec param(std::string name, Kind kind, ParamValue value, std::string help,
                double min = -1e300, double max = 1e300) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.default_value = std::move(value);
  spec.min = min;
  spec.max = max;
  spec.help = std::move(help);
  return spec;
}
ParamSpec path_param(std::string help) {
  return param("path", Kind::string, std::string{}, std::move(help));
}
ParamSpec validation_param(double value) {
  ParamSpec spec = param("validation_split", Kind::number, value,
                         "the last fraction of the training rows held out for validation (as "
                         "Keras)",
                         0, 1);
  spec.max_exclusive = true;
  return spec;
}
ParamSpec samples_param(double value) {
  return param("samples", Kind::integer, value,
               "training + validation rows; the test set adds samples / 5", 10, 10'000'000);
}
ParamSpec noise_param(double value, std::string help) {
  return param("noise", Kind::number, value, std::move(help), 0);
}
ParamSpec classes_param(double value) {
  return param("classes", Kind::integer, value, "number of classes", 2, 1000);
}
ParamSpec factor_param() {
  ParamSpec spec = param("factor", Kind::number, 0.5, "inner radius / outer radius", 0, 1);
  spec.min_exclusive = true;
  spec.max_exclusive = true;
  return spec;
}

std::size_t size_param(const ParamReader& params, std::string_view name) {
  return static_cast<std::size_t>(params.integer(name));
}

// Loaded once per sweep and shared read-only by every trial.
using DatasetRegistry = Registry<std::shared_ptr<const Dataset>, std::uint64_t>;

DatasetRegistry::Factory idx_files(bool fashion_mnist) {
  return [fashion_mnist](const ParamReader& params,
                         std::uint64_t /*seed*/) -> std::shared_ptr<const Dataset> {
    const IdxDatasetOptions options{.path = params.string("path"),
                                    .train_limit = size_param(params, "train_limit"),
                                    .test_limit = size_param(params, "test_limit"),
                                    .validation_split = params.number("validation_split")};
    return std::make_shared<const Dataset>(fashion_mnist ? load_fashion_mnist(options)
                                                         : load_idx_dataset(options));
  };
}

std::shared_ptr<const Dataset> csv_file(const ParamReader& params, std::uint64_t /*seed*/) {
  const CsvOptions options{.path = params.string("path"),
                           .test_path = params.string("test_path"),
                           .label_column = params.string("label_column"),
                           .header = params.boolean("header"),
                           .train_limit = size_param(params, "train_limit"),
                           .validation_split = params.number("validation_split")};
  return std::make_shared<const Dataset>(load_csv(options));
}

// A synthetic set: `seed` drives the generation.
std::shared_ptr<const Dataset> synthetic(const ParamReader& params, std::uint64_t seed) {
  const std::string& name = params.spec().name;
  SyntheticOptions options{.kind = name,
                           .samples = size_param(params, "samples"),
                           .validation_split = params.number("validation_split")};
  if (params.has("classes") || name == "spirals" || name == "blobs") {
    options.classes = size_param(params, "classes");
  }
  if (name != "blobs") options.noise = params.number("noise");
  if (name == "circles") options.factor = params.number("factor");
  if (name == "blobs") {
    options.features = size_param(params, "features");
    options.cluster_std = params.number("cluster_std");
  }
  return std::make_shared<const Dataset>(make_synthetic(options, seed));
}

const DatasetRegistry& registry() {
  static const DatasetRegistry datasets = [] {
    const ParamSpec train_limit =
        param("train_limit", Kind::integer, 0.0, "read only the first training rows; 0 = all", 0);
    const ParamSpec test_limit =
        param("test_limit", Kind::integer, 0.0, "read only the first test rows; 0 = all", 0);
    return DatasetRegistry{
        "dataset",
        {
            {{"fashion_mnist",
              {path_param(
                   "folder of the four IDX files; default /usr/share/datasets/fashion-mnist"),
               train_limit, test_limit, validation_param(0.1)},
              "Fashion-MNIST: 28x28 grey clothing images, 10 classes (Debian's "
              "dataset-fashion-mnist)"},
             idx_files(true)},
            {{"idx",
              {path_param("folder of train/t10k images/labels IDX files, gz or raw"), train_limit,
               test_limit, validation_param(0.1)},
              "any IDX image set in MNIST's four-file layout"},
             idx_files(false)},
            {{"csv",
              {path_param("the training CSV file"),
               param("test_path", Kind::string, std::string{},
                     "an optional test CSV file with the same columns"),
               param("label_column", Kind::string, std::string{},
                     "the label's header name or 0-based index; default the last column"),
               param("header", Kind::boolean, true, "the first line names the columns"),
               train_limit, validation_param(0.1)},
              "a CSV file of numbers with a label column; standardised on the training part"},
             &csv_file},
            {{"spirals",
              {samples_param(1500), classes_param(3),
               noise_param(0.2, "std of the Gaussian noise on the angle"), validation_param(0.1)},
              "interleaved spiral arms, one per class (CS231n)"},
             &synthetic},
            {{"moons",
              {samples_param(1000), noise_param(0.1, "std of the Gaussian noise"),
               validation_param(0.1)},
              "two interleaving half circles (as scikit-learn's make_moons)"},
             &synthetic},
            {{"circles",
              {samples_param(1000), noise_param(0.05, "std of the Gaussian noise"), factor_param(),
               validation_param(0.1)},
              "a circle inside another (as scikit-learn's make_circles)"},
             &synthetic},
            {{"blobs",
              {samples_param(1000), classes_param(3),
               param("features", Kind::integer, 2.0, "dimensions", 1, 10'000),
               param("cluster_std", Kind::number, 1.0, "std of each Gaussian cluster", 0),
               validation_param(0.1)},
              "Gaussian clusters around random centres (as scikit-learn's make_blobs)"},
             &synthetic},
            {{"xor",
              {samples_param(1000), noise_param(0.0, "std of the Gaussian noise"),
               validation_param(0.1)},
              "points in [-1, 1]^2, class 1 where the coordinates' signs differ"},
             &synthetic},
        }};
  }();
  return datasets;
}

}  // namespace

const std::vector<ComponentSpec>& dataset_specs() {
  return registry().specs();
}

std::vector<std::string> dataset_names() {
  return registry().names();
}

std::shared_ptr<const Dataset> load_dataset(const Component& component, std::uint64_t seed) {
  return registry().make(component, seed);
}

}  // namespace sweep::engine
