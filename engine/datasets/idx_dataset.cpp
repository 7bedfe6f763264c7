#include "engine/datasets/idx_dataset.hpp"

#include <algorithm>
#include <filesystem>
#include <future>
#include <optional>

#include "engine/datasets/idx.hpp"
#include "engine/datasets/preparation.hpp"
#include "engine/errors.hpp"

namespace sweep::engine {
namespace {

namespace fs = std::filesystem;

constexpr const char* file_names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                       "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

// The .gz file when present, else the raw one; nullopt when neither exists.
std::optional<std::string> find_file(const std::string& folder, const std::string& name) {
  for (const std::string& candidate : {name + ".gz", name}) {
    const fs::path path = fs::path(folder) / candidate;
    std::error_code error;
    if (fs::exists(path, error)) return path.string();
  }
  return std::nullopt;
}

struct Part {
  std::size_t features = 0;
  std::vector<std::uint8_t> pixels;
  std::vector<std::int32_t> labels;
};

std::vector<std::int32_t> read_labels(IdxFile& file, std::size_t count, std::size_t classes) {
  std::vector<std::uint8_t> raw(count);
  const std::size_t first = file.rows_read();
  file.read_rows(raw);
  std::vector<std::int32_t> labels(raw.begin(), raw.end());
  for (std::size_t i = 0; i < count; ++i) {
    if (classes != 0 && raw[i] >= classes) {
      throw DatasetError(file.path() + ": label " + std::to_string(raw[i]) + " in row " +
                         std::to_string(first + i) + " is not a class; expected 0.." +
                         std::to_string(classes - 1));
    }
  }
  return labels;
}

// Reads the first `limit` rows of an images / labels pair, cut into the parts
// `split` names (one part, every row, when `split` is null), so that nothing
// is read or held twice: the labels first, then the images a block at a time,
// each row copied to its place.
std::vector<Part> read_pair(const std::string& what, const std::string& images_path,
                            const std::string& labels_path, std::size_t limit,
                            const IdxDatasetOptions* split, std::uint64_t seed, std::size_t classes,
                            std::vector<std::int32_t>* file_labels) {
  IdxFile images(images_path, IdxFile::Kind::images);
  IdxFile labels(labels_path, IdxFile::Kind::labels);
  if (images.rows() != labels.rows()) {
    throw DatasetError(what + ": " + images_path + " holds " + std::to_string(images.rows()) +
                       " images but " + labels_path + " holds " + std::to_string(labels.rows()) +
                       " labels");
  }
  const std::size_t rows = limit == 0 ? images.rows() : std::min(limit, images.rows());
  const std::vector<std::int32_t> all = read_labels(labels, rows, classes);
  detail::RowSplit parts_rows;
  if (split != nullptr) {
    parts_rows = detail::split_rows(all, split->validation_split, split->split_mode, seed);
    if (parts_rows.train.empty()) {
      throw DatasetError(what + ": no training rows left of " + std::to_string(rows) + " in " +
                         images_path + " after the validation split");
    }
  } else {
    parts_rows.train.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) parts_rows.train[i] = i;
  }
  // Where each source row goes: (part, position).
  const std::size_t row_size = images.row_size();
  std::vector<std::pair<std::uint8_t, std::size_t>> place(rows);
  std::vector<Part> parts(split != nullptr ? 2 : 1);
  const std::vector<std::size_t>* lists[2] = {&parts_rows.train, &parts_rows.validation};
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const auto& list = *lists[p];
    parts[p].features = row_size;
    parts[p].pixels.resize(list.size() * row_size);
    parts[p].labels.resize(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      place[list[i]] = {static_cast<std::uint8_t>(p), i};
      parts[p].labels[i] = all[list[i]];
    }
  }
  constexpr std::size_t kBlockRows = 1024;
  std::vector<std::uint8_t> block(std::min(rows, kBlockRows) * row_size);
  for (std::size_t first = 0; first < rows; first += kBlockRows) {
    const std::size_t count = std::min(kBlockRows, rows - first);
    images.read_rows(std::span<std::uint8_t>(block.data(), count * row_size));
    for (std::size_t i = 0; i < count; ++i) {
      const auto [p, position] = place[first + i];
      std::copy_n(block.begin() + static_cast<std::ptrdiff_t>(i * row_size), row_size,
                  parts[p].pixels.begin() + static_cast<std::ptrdiff_t>(position * row_size));
    }
  }
  if (file_labels != nullptr) *file_labels = all;
  return parts;
}

Dataset load(const std::string& what, const IdxDatasetOptions& o, std::size_t classes,
             bool fashion) {
  std::string paths[4];
  for (int i = 0; i < 4; ++i) {
    const auto found = find_file(o.path, file_names[i]);
    if (found) {
      paths[i] = *found;
      continue;
    }
    if (i >= 2 && !fashion && !find_file(o.path, file_names[2]) &&
        !find_file(o.path, file_names[3])) {
      break;  // no test pair: a dataset without a test set
    }
    const std::string missing = (fs::path(o.path) / file_names[i]).string();
    if (fashion) {
      throw DatasetError(what + ": " + missing +
                         ".gz not found; install Debian's dataset-fashion-mnist (scripts/setup "
                         "does) or give dataset.path");
    }
    throw DatasetError(what + ": neither " + missing + ".gz nor " + missing + " found");
  }

  // The test pair is decompressed on a second thread while the training pair
  // is: loading is the one serial part of a sweep before its trials start.
  std::future<std::vector<Part>> test_future;
  if (!paths[2].empty()) {
    test_future = std::async(std::launch::async, [&] {
      return read_pair(what, paths[2], paths[3], o.test_limit, nullptr, 0, classes, nullptr);
    });
  }
  std::vector<std::int32_t> file_labels;
  auto train =
      read_pair(what, paths[0], paths[1], o.train_limit, &o, o.seed, classes, &file_labels);
  std::vector<Part> test;
  if (test_future.valid()) {
    test = test_future.get();
    if (test[0].features != train[0].features) {
      throw DatasetError(what + ": " + paths[2] + " holds images of " +
                         std::to_string(test[0].features) + " pixels; expected " +
                         std::to_string(train[0].features) + " pixels as in the training images");
    }
  }

  Dataset dataset;
  dataset.name = what;
  dataset.features = train[0].features;
  if (fashion) {
    dataset.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                           "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  }
  if (classes == 0) {
    for (const auto* parts : {&train, &test}) {
      for (const auto& part : *parts) {
        for (const std::int32_t label : part.labels) {
          classes = std::max(classes, static_cast<std::size_t>(label) + 1);
        }
      }
    }
  }
  dataset.classes = classes;
  // Pixels stay uint8 and become floats batch by batch: x / 255 into [0, 1]
  // unless normalize says otherwise (fitted on the training part).
  const detail::Scaling scaling =
      detail::fit_scaling(std::span<const std::uint8_t>(train[0].pixels), train[0].labels.size(),
                          dataset.features, o.normalize);
  auto make = [&](Part& part) {
    return Split(dataset.features, std::move(part.pixels), {}, std::move(part.labels),
                 scaling.offset, scaling.scale);
  };
  dataset.train = make(train[0]);
  dataset.validation = make(train[1]);
  if (!test.empty()) dataset.test = make(test[0]);
  dataset.warnings = detail::validation_warnings(what, file_labels, dataset.validation.labels(),
                                                 o.split_mode, dataset.class_names);
  return dataset;
}

}  // namespace

Dataset load_idx_dataset(const IdxDatasetOptions& options) {
  if (options.path.empty()) throw ConfigError("idx: path is required (a folder of IDX files)");
  return load("idx", options, 0, false);
}

Dataset load_fashion_mnist(const IdxDatasetOptions& options) {
  IdxDatasetOptions o = options;
  if (o.path.empty()) o.path = fashion_mnist_folder;
  return load("fashion_mnist", o, 10, true);
}

}  // namespace sweep::engine
