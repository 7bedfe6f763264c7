#include "runner/model/prediction_data.hpp"

#include <charconv>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "engine/datasets/csv.hpp"
#include "engine/datasets/idx.hpp"
#include "runner/errors.hpp"

namespace sweep::runner {
namespace {

namespace fs = std::filesystem;

// The .gz file when present, else the raw one.
std::optional<std::string> find_file(const fs::path& folder, const std::string& name) {
  for (const std::string& candidate : {name + ".gz", name}) {
    std::error_code error;
    if (fs::exists(folder / candidate, error)) return (folder / candidate).string();
  }
  return std::nullopt;
}

// The labels file beside an images file: images-idx3 -> labels-idx1.
std::optional<std::string> labels_beside(const std::string& images) {
  const fs::path path(images);
  std::string name = path.filename().string();
  const auto at = name.find("images-idx3");
  if (at == std::string::npos) return std::nullopt;
  name.replace(at, 11, "labels-idx1");
  std::error_code error;
  const fs::path labels = path.parent_path() / name;
  if (!fs::exists(labels, error)) return std::nullopt;
  return labels.string();
}

std::int32_t class_index(const std::string& label, const InputPreprocessing& p,
                         const std::map<std::string, std::int32_t>& names,
                         const std::string& where) {
  if (!p.class_names.empty()) {
    const auto found = names.find(label);
    if (found != names.end()) return found->second;
    std::string known;
    for (const auto& name : p.class_names) known += (known.empty() ? "" : ", ") + name;
    throw UsageError(fmt::format("{}: label \"{}\" is not a class of the model; its classes: {}",
                                 where, label, known));
  }
  long value = -1;
  const char* end = label.data() + label.size();
  const auto [stop, error] = std::from_chars(label.data(), end, value);
  if (error != std::errc{} || stop != end || value < 0 || value >= static_cast<long>(p.classes)) {
    throw UsageError(fmt::format("{}: label \"{}\" is not a class of the model; expected 0..{}",
                                 where, label, p.classes - 1));
  }
  return static_cast<std::int32_t>(value);
}

PredictionData load_images(const std::string& path, const InputPreprocessing& p,
                           std::size_t limit) {
  std::string images = path;
  std::optional<std::string> labels;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    const auto found = find_file(path, "t10k-images-idx3-ubyte");
    if (!found) {
      throw UsageError(fmt::format(
          "{}: no t10k-images-idx3-ubyte(.gz) in this folder; give an IDX images file or a "
          "folder of MNIST's four files",
          path));
    }
    images = *found;
    labels = find_file(path, "t10k-labels-idx1-ubyte");
  } else {
    labels = labels_beside(path);
  }
  engine::IdxImages read = engine::read_idx_images(images, limit);
  if (read.height * read.width != p.features) {
    throw UsageError(fmt::format("{}: images of {} x {} pixels; the model takes {} features",
                                 images, read.height, read.width, p.features));
  }
  PredictionData out;
  out.source = images;
  std::vector<std::int32_t> classes(read.rows, 0);
  if (labels) {
    const std::vector<std::uint8_t> raw = engine::read_idx_labels(*labels, read.rows);
    if (raw.size() != read.rows) {
      throw UsageError(fmt::format("{} holds {} labels for the {} images of {}", *labels,
                                   raw.size(), read.rows, images));
    }
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] >= p.classes) {
        throw UsageError(
            fmt::format("{}: label {} of row {} is not a class of the model; "
                        "expected 0..{}",
                        *labels, raw[i], i, p.classes - 1));
      }
      classes[i] = raw[i];
    }
    out.has_labels = true;
    out.source += " with " + *labels;
  }
  out.rows =
      engine::Split(p.features, std::move(read.pixels), {}, std::move(classes), p.offset, p.scale);
  return out;
}

PredictionData load_csv_rows(const std::string& path, const nlohmann::json& dataset,
                             const InputPreprocessing& p, std::size_t limit) {
  engine::CsvOptions options;
  options.path = path;
  options.header = dataset.value("header", true);
  options.label_column = dataset.value("label_column", std::string());
  engine::CsvRows read = engine::read_csv_rows(options, p.features, limit);
  PredictionData out;
  out.source = path;
  std::vector<std::int32_t> classes(read.rows, 0);
  if (!read.labels.empty()) {
    std::map<std::string, std::int32_t> names;
    for (std::size_t i = 0; i < p.class_names.size(); ++i)
      names[p.class_names[i]] = static_cast<std::int32_t>(i);
    for (std::size_t i = 0; i < read.rows; ++i)
      classes[i] = class_index(read.labels[i], p, names, fmt::format("{}: row {}", path, i + 1));
    out.has_labels = true;
  }
  out.rows =
      engine::Split(p.features, {}, std::move(read.x), std::move(classes), p.offset, p.scale);
  return out;
}

}  // namespace

PredictionData load_prediction_data(const std::string& path, const nlohmann::json& dataset,
                                    const InputPreprocessing& preprocessing, std::size_t limit) {
  std::error_code error;
  if (!fs::exists(path, error)) throw UsageError(fmt::format("{}: no such file or folder", path));
  if (preprocessing.input == "uint8") return load_images(path, preprocessing, limit);
  if (fs::is_directory(path, error)) {
    throw UsageError(
        fmt::format("{} is a folder; the model was trained on {} data and predicts on a CSV file",
                    path, preprocessing.dataset));
  }
  return load_csv_rows(path, dataset, preprocessing, limit);
}

}  // namespace sweep::runner
