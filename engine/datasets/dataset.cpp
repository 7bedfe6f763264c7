// The dataset registry: names, accepted parameters, and load_dataset.
#include "engine/datasets/dataset.hpp"

#include <functional>
#include <string>
#include <vector>

#include "engine/datasets/csv.hpp"
#include "engine/datasets/idx_dataset.hpp"
#include "engine/datasets/numpy.hpp"
#include "engine/datasets/preparation.hpp"
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
ParamSpec path_param(std::string help, std::string name = "path") {
  ParamSpec spec = param(std::move(name), Kind::string, std::string{}, std::move(help));
  spec.is_path = true;
  return spec;
}
ParamSpec choice_param(std::string name, std::string value, std::vector<std::string> choices,
                       std::string help) {
  ParamSpec spec = param(std::move(name), Kind::string, std::move(value), std::move(help));
  spec.choices = std::move(choices);
  return spec;
}
ParamSpec validation_param(double value) {
  ParamSpec spec = param("validation_split", Kind::number, value,
                         "the fraction of the training rows held out for validation", 0, 1);
  spec.max_exclusive = true;
  return spec;
}
ParamSpec split_mode_param() {
  return choice_param("validation_split_mode", "stratified", {"stratified", "last"},
                      "stratified: shuffled with the sweep's seed, each class in proportion; "
                      "last: the last rows, as Keras");
}
ParamSpec normalize_param(std::string value, std::vector<std::string> choices) {
  std::string help =
      "per-feature scaling fitted on the training part: standard (mean 0, std 1), minmax (into "
      "[0, 1]), none";
  if (choices.size() > 3) help += ", rescale (x / 255)";
  return choice_param("normalize", std::move(value), std::move(choices), std::move(help));
}
ParamSpec missing_param() {
  return choice_param("missing", "error", {"error", "drop", "mean"},
                      "a missing value (empty, NA, NaN, ?): stop naming it, drop its row, or "
                      "the column's training mean");
}

std::vector<ParamSpec> split_params(double validation_split) {
  return {validation_param(validation_split), split_mode_param()};
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

std::vector<ParamSpec> concat(std::vector<ParamSpec> first, const std::vector<ParamSpec>& then) {
  first.insert(first.end(), then.begin(), then.end());
  return first;
}

// Loaded once per sweep and shared read-only by every trial.
using DatasetRegistry = Registry<std::shared_ptr<const Dataset>, std::uint64_t>;

DatasetRegistry::Factory idx_files(bool fashion_mnist) {
  return [fashion_mnist](const ParamReader& params,
                         std::uint64_t seed) -> std::shared_ptr<const Dataset> {
    const IdxDatasetOptions options{
        .path = params.string("path"),
        .train_limit = size_param(params, "train_limit"),
        .test_limit = size_param(params, "test_limit"),
        .validation_split = params.number("validation_split"),
        .split_mode = parse_split_mode(params.string("validation_split_mode")),
        .seed = seed,
        .normalize = parse_normalization(params.string("normalize"))};
    return std::make_shared<const Dataset>(fashion_mnist ? load_fashion_mnist(options)
                                                         : load_idx_dataset(options));
  };
}

std::shared_ptr<const Dataset> csv_file(const ParamReader& params, std::uint64_t seed) {
  const CsvOptions options{.path = params.string("path"),
                           .test_path = params.string("test_path"),
                           .validation_path = params.string("validation_path"),
                           .label_column = params.string("label_column"),
                           .header = params.boolean("header"),
                           .train_limit = size_param(params, "train_limit"),
                           .validation_split = params.number("validation_split"),
                           .split_mode = parse_split_mode(params.string("validation_split_mode")),
                           .seed = seed,
                           .missing = parse_missing(params.string("missing")),
                           .normalize = parse_normalization(params.string("normalize"))};
  return std::make_shared<const Dataset>(load_csv(options));
}

NumpyOptions numpy_options(const ParamReader& params, std::uint64_t seed) {
  NumpyOptions options;
  options.path = params.string("path");
  options.train_limit = size_param(params, "train_limit");
  options.validation_split = params.number("validation_split");
  options.split_mode = parse_split_mode(params.string("validation_split_mode"));
  options.seed = seed;
  options.missing = parse_missing(params.string("missing"));
  options.normalize = parse_normalization(params.string("normalize"));
  return options;
}

std::shared_ptr<const Dataset> npz_file(const ParamReader& params, std::uint64_t seed) {
  NumpyOptions options = numpy_options(params, seed);
  options.x = params.string("x");
  options.y = params.string("y");
  options.x_test = params.string("x_test");
  options.y_test = params.string("y_test");
  options.test_keys_given = params.has("x_test") || params.has("y_test");
  return std::make_shared<const Dataset>(load_npz(options));
}

std::shared_ptr<const Dataset> npy_files(const ParamReader& params, std::uint64_t seed) {
  NumpyOptions options = numpy_options(params, seed);
  options.y_path = params.string("y_path");
  options.test_path = params.string("test_path");
  options.test_y_path = params.string("test_y_path");
  return std::make_shared<const Dataset>(load_npy(options));
}

// A synthetic set: `seed` drives the generation.
std::shared_ptr<const Dataset> synthetic(const ParamReader& params, std::uint64_t seed) {
  const std::string& name = params.spec().name;
  SyntheticOptions options{.kind = name,
                           .samples = size_param(params, "samples"),
                           .validation_split = params.number("validation_split"),
                           .split_mode = parse_split_mode(params.string("validation_split_mode"))};
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
    ParamSpec label_column = param("label_column", Kind::string, std::string{},
                                   "the label's header name or 0-based index; default the last "
                                   "column");
    label_column.accepts_index = true;
    const std::vector<ParamSpec> image_params = concat(
        split_params(0.1), {normalize_param("rescale", {"standard", "minmax", "none", "rescale"})});
    const std::vector<ParamSpec> table_params =
        concat(split_params(0.1), {normalize_param("standard", {"standard", "minmax", "none"})});
    return DatasetRegistry{
        "dataset",
        {
            {{"fashion_mnist",
              concat(
                  {path_param(
                       "folder of the four IDX files; default /usr/share/datasets/fashion-mnist"),
                   train_limit, test_limit},
                  image_params),
              "Fashion-MNIST: 28x28 grey clothing images, 10 classes (Debian's "
              "dataset-fashion-mnist)"},
             idx_files(true)},
            {{"idx",
              concat({path_param("folder of train/t10k images/labels IDX files, gz or raw"),
                      train_limit, test_limit},
                     image_params),
              "any IDX image set in MNIST's four-file layout"},
             idx_files(false)},
            {{"csv",
              concat({path_param("the training CSV file"),
                      path_param("an optional test CSV file with the same columns", "test_path"),
                      path_param("an optional validation CSV file with the same columns; "
                                 "replaces validation_split",
                                 "validation_path"),
                      label_column,
                      param("header", Kind::boolean, true, "the first line names the columns"),
                      missing_param(), train_limit},
                     table_params),
              "a CSV file of numbers with a label column (string labels become classes in sorted "
              "order)"},
             &csv_file},
            {{"npz",
              concat(
                  {path_param("the .npz archive (np.savez or np.savez_compressed)"),
                   param("x", Kind::string, std::string{"x"}, "the features' array"),
                   param("y", Kind::string, std::string{"y"},
                         "the labels' array: class indices or one-hot rows"),
                   param("x_test", Kind::string, std::string{"x_test"},
                         "the test features' array, used when the archive holds it"),
                   param("y_test", Kind::string, std::string{"y_test"}, "the test labels' array"),
                   missing_param(), train_limit},
                  table_params),
              "NumPy arrays in an .npz archive: features (rows, ...) and labels"},
             &npz_file},
            {{"npy",
              concat({path_param("the features' .npy file, shape (rows, ...)"),
                      path_param("the labels' .npy file: class indices or one-hot rows", "y_path"),
                      path_param("an optional test features' .npy file", "test_path"),
                      path_param("the test labels' .npy file", "test_y_path"), missing_param(),
                      train_limit},
                     table_params),
              "a pair of NumPy .npy files: features and labels"},
             &npy_files},
            {{"spirals",
              {samples_param(1500), classes_param(3),
               noise_param(0.2, "std of the Gaussian noise on the angle"), validation_param(0.1),
               split_mode_param()},
              "interleaved spiral arms, one per class (CS231n)"},
             &synthetic},
            {{"moons",
              {samples_param(1000), noise_param(0.1, "std of the Gaussian noise"),
               validation_param(0.1), split_mode_param()},
              "two interleaving half circles (as scikit-learn's make_moons)"},
             &synthetic},
            {{"circles",
              {samples_param(1000), noise_param(0.05, "std of the Gaussian noise"), factor_param(),
               validation_param(0.1), split_mode_param()},
              "a circle inside another (as scikit-learn's make_circles)"},
             &synthetic},
            {{"blobs",
              {samples_param(1000), classes_param(3),
               param("features", Kind::integer, 2.0, "dimensions", 1, 10'000),
               param("cluster_std", Kind::number, 1.0, "std of each Gaussian cluster", 0),
               validation_param(0.1), split_mode_param()},
              "Gaussian clusters around random centres (as scikit-learn's make_blobs)"},
             &synthetic},
            {{"xor",
              {samples_param(1000), noise_param(0.0, "std of the Gaussian noise"),
               validation_param(0.1), split_mode_param()},
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

bool is_path_param(const std::string& name, const std::string& param) {
  if (!registry().contains(name)) return false;
  for (const auto& p : registry().spec(name).params)
    if (p.name == param) return p.is_path;
  return false;
}

std::shared_ptr<const Dataset> load_dataset(const Component& component, std::uint64_t seed) {
  return registry().make(component, seed);
}

}  // namespace sweep::engine
