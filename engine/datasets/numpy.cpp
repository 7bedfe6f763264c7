#include "engine/datasets/numpy.hpp"

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <utility>

#include "engine/errors.hpp"

namespace sweep::engine {
namespace detail {
namespace {

// What a file may claim before anything is allocated for it.
constexpr std::uint64_t kMaxMemberBytes = std::uint64_t{1} << 36;  // 64 GiB
constexpr std::size_t kMaxHeaderBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxDimensions = 32;

std::uint64_t little(const std::uint8_t* p, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw DatasetError("cannot open " + path + ": " +
                       (errno != 0 ? std::strerror(errno) : "not readable"));
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  if (end < 0) throw DatasetError("cannot read " + path);
  in.seekg(0);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(end));
  in.read(reinterpret_cast<char*>(bytes.data()), end);
  if (!in) throw DatasetError("cannot read " + path);
  return bytes;
}

// The value of `key` in the .npy header's Python dict literal, as its text:
// 'descr': '<f4' -> <f4 (quotes removed), 'shape': (3, 4) -> 3, 4.
std::string header_value(const std::string& header, const std::string& key) {
  const auto at = header.find("'" + key + "'");
  if (at == std::string::npos) return {};
  auto start = header.find(':', at);
  if (start == std::string::npos) return {};
  ++start;
  while (start < header.size() && header[start] == ' ') ++start;
  if (start >= header.size()) return {};
  if (header[start] == '\'' || header[start] == '"') {
    const auto end = header.find(header[start], start + 1);
    return end == std::string::npos ? std::string{} : header.substr(start + 1, end - start - 1);
  }
  if (header[start] == '(') {
    const auto end = header.find(')', start);
    return end == std::string::npos ? std::string{} : header.substr(start + 1, end - start - 1);
  }
  if (header[start] == '[') return "[";  // a structured dtype
  const auto end = header.find_first_of(",}", start);
  return header.substr(start, end - start);
}

}  // namespace

NpyArray::NpyArray(std::vector<std::uint8_t> bytes, std::string what)
    : bytes_(std::move(bytes)), what_(std::move(what)) {
  const auto fail = [this](const std::string& message) -> DatasetError {
    return DatasetError(what_ + ": " + message);
  };
  static const std::uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes_.size() < 10 || !std::equal(magic, magic + 6, bytes_.begin()))
    throw fail("not a .npy array (no \\x93NUMPY magic)");
  const int major = bytes_[6];
  std::size_t header_size = 0;
  std::size_t header_start = 10;
  if (major == 1) {
    header_size = little(&bytes_[8], 2);
  } else if (major == 2 || major == 3) {
    if (bytes_.size() < 12) throw fail("truncated header");
    header_size = little(&bytes_[8], 4);
    header_start = 12;
  } else {
    throw fail("format version " + std::to_string(major) + " is not supported; expected 1, 2 or 3");
  }
  if (header_size > kMaxHeaderBytes || header_start + header_size > bytes_.size())
    throw fail("truncated header");
  const std::string header(
      bytes_.begin() + static_cast<std::ptrdiff_t>(header_start),
      bytes_.begin() + static_cast<std::ptrdiff_t>(header_start + header_size));
  offset_ = header_start + header_size;

  const std::string descr = header_value(header, "descr");
  if (descr == "[") throw fail("structured arrays (several fields) are not supported");
  if (descr.size() < 2) throw fail("unreadable dtype in the header");
  const char order = descr[0];
  kind_ = descr[1];
  if (kind_ == 'O')
    throw fail(
        "an object array (pickled Python objects) is not supported; save numbers, e.g. "
        "np.asarray(a, dtype=np.float32)");
  if (kind_ == 'U' || kind_ == 'S')
    throw fail("a string array is not supported; save the labels as class indices");
  if (kind_ != 'f' && kind_ != 'i' && kind_ != 'u' && kind_ != 'b')
    throw fail("dtype " + descr + " is not supported; expected float, integer or bool");
  item_ = static_cast<std::size_t>(std::strtoul(descr.c_str() + 2, nullptr, 10));
  const bool sizes_ok = kind_ == 'f'   ? (item_ == 4 || item_ == 8)
                        : kind_ == 'b' ? item_ == 1
                                       : (item_ == 1 || item_ == 2 || item_ == 4 || item_ == 8);
  if (!sizes_ok) throw fail("dtype " + descr + " is not supported");
  if (order == '>' && item_ > 1)
    throw fail("big-endian dtype " + descr + " is not supported; save a.astype('<" +
               descr.substr(1) + "')");

  const std::string fortran = header_value(header, "fortran_order");
  if (fortran != "False" && fortran != "True") throw fail("unreadable fortran_order in the header");
  fortran_ = fortran == "True";

  const std::string shape = header_value(header, "shape");
  std::size_t at = 0;
  size_ = 1;
  while (at < shape.size()) {
    while (at < shape.size() && (shape[at] == ' ' || shape[at] == ',')) ++at;
    if (at >= shape.size()) break;
    std::size_t end = at;
    std::uint64_t dimension = 0;
    while (end < shape.size() && shape[end] >= '0' && shape[end] <= '9') {
      dimension = dimension * 10 + static_cast<std::uint64_t>(shape[end] - '0');
      if (dimension > kMaxMemberBytes) throw fail("shape (" + shape + ") is too large");
      ++end;
    }
    if (end == at) throw fail("unreadable shape (" + shape + ")");
    shape_.push_back(static_cast<std::size_t>(dimension));
    if (shape_.size() > kMaxDimensions) throw fail("more than 32 dimensions");
    size_ *= static_cast<std::size_t>(dimension);
    if (size_ > kMaxMemberBytes) throw fail("shape (" + shape + ") is too large");
    at = end;
  }
  if (fortran_ && shape_.size() > 2)
    throw fail(
        "a Fortran-ordered array of more than 2 dimensions is not supported; save "
        "np.ascontiguousarray(a)");
  const std::size_t data = bytes_.size() - offset_;
  if (data < size_ * item_)
    throw fail("holds " + std::to_string(data) + " bytes of data; its shape (" + shape +
               ") needs " + std::to_string(size_ * item_));
}

double NpyArray::at(std::size_t i) const {
  if (fortran_ && shape_.size() == 2) {
    // C index (r, c) = r * cols + c lies at c * rows + r in Fortran order.
    const std::size_t rows = shape_[0];
    const std::size_t cols = shape_[1];
    i = (i % cols) * rows + i / cols;
  }
  const std::uint8_t* p = bytes_.data() + offset_ + i * item_;
  switch (kind_) {
    case 'f': {
      if (item_ == 4) {
        float value;
        std::memcpy(&value, p, 4);
        return value;
      }
      double value;
      std::memcpy(&value, p, 8);
      return value;
    }
    case 'b':
    case 'u':
      return static_cast<double>(little(p, static_cast<int>(item_)));
    default: {
      const std::uint64_t raw = little(p, static_cast<int>(item_));
      const unsigned shift = static_cast<unsigned>(64 - 8 * item_);
      // Sign-extend from item_ bytes.
      const auto value = static_cast<std::int64_t>(raw << shift) >> shift;
      return static_cast<double>(value);
    }
  }
}

std::vector<std::pair<std::string, std::vector<std::uint8_t>>> read_zip(const std::string& path) {
  // libzip reads the archive (zip64, stored and deflated members) and checks
  // each member's CRC as it reads the last byte.
  const auto fail = [&path](const std::string& message) -> DatasetError {
    return DatasetError(path + ": " + message);
  };
  const auto zip_message = [](int code) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
  };
  int code = 0;
  zip_t* opened = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (opened == nullptr) {
    if (code == ZIP_ER_NOZIP) throw fail("not an .npz archive (not a zip file)");
    if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ)
      throw DatasetError("cannot open " + path + ": " + zip_message(code));
    throw fail("not a readable .npz archive (" + zip_message(code) + ")");
  }
  const std::unique_ptr<zip_t, decltype(&zip_discard)> archive(opened, zip_discard);
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> members;
  for (zip_int64_t index = 0; index < entries; ++index) {
    const auto at = static_cast<zip_uint64_t>(index);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), at, 0, &stat) != 0 || (stat.valid & ZIP_STAT_NAME) == 0 ||
        (stat.valid & ZIP_STAT_SIZE) == 0)
      throw fail("bad zip directory entry " + std::to_string(index) + " (" +
                 zip_strerror(archive.get()) + ")");
    std::string name = stat.name;
    if (stat.size > kMaxMemberBytes)
      throw fail(name + " claims " + std::to_string(stat.size) + " bytes");
    const std::unique_ptr<zip_file_t, decltype(&zip_fclose)> member(
        zip_fopen_index(archive.get(), at, 0), zip_fclose);
    if (!member)
      throw fail("cannot read member " + name + " (" + zip_strerror(archive.get()) + ")");
    // Grown as bytes arrive, so a size the directory lies about costs what
    // the member really holds, not what it claims.
    std::vector<std::uint8_t> out;
    out.reserve(static_cast<std::size_t>(std::min<zip_uint64_t>(stat.size, 64u << 20)));
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    for (;;) {
      const std::size_t done = out.size();
      out.resize(done + kChunk);
      const zip_int64_t got = zip_fread(member.get(), out.data() + done, kChunk);
      if (got < 0)
        throw fail("member " + name + " is damaged (" + zip_file_strerror(member.get()) + ")");
      out.resize(done + static_cast<std::size_t>(got));
      if (got == 0) break;
      if (out.size() > stat.size)
        throw fail("member " + name + " holds more than its " + std::to_string(stat.size) +
                   " bytes");
    }
    if (out.size() != stat.size)
      throw fail("member " + name + " does not hold its " + std::to_string(stat.size) + " bytes");
    members.emplace_back(std::move(name), std::move(out));
  }
  return members;
}

}  // namespace detail

namespace {

using detail::NpyArray;

// Features of `rows` rows as float32, row-major; NaN (missing) handled as
// `missing` says: kept (mean), or its row marked in `drop`.
std::vector<float> features_of(const NpyArray& x, std::size_t rows, std::size_t features,
                               Missing missing, std::vector<bool>& drop) {
  std::vector<float> out(rows * features);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < features; ++j) {
      const double value = x.at(r * features + j);
      if (std::isnan(value)) {
        if (missing == Missing::error)
          throw DatasetError(x.what() + ": row " + std::to_string(r) + ", feature " +
                             std::to_string(j) +
                             " is NaN (a missing value); set dataset.missing to \"drop\" or "
                             "\"mean\"");
        if (missing == Missing::drop) drop[r] = true;
      } else if (!std::isfinite(value) || std::fabs(value) > std::numeric_limits<float>::max()) {
        throw DatasetError(x.what() + ": row " + std::to_string(r) + ", feature " +
                           std::to_string(j) + " is " + std::to_string(value) +
                           "; expected a finite float32 value");
      }
      out[r * features + j] = static_cast<float>(value);
    }
  }
  return out;
}

// Class indices from (rows,), (rows, 1) or one-hot (rows, K) labels.
std::vector<std::int32_t> labels_of(const NpyArray& y, std::size_t rows) {
  const auto& shape = y.shape();
  if (shape.empty() || shape.size() > 2)
    throw DatasetError(y.what() + ": labels of " + std::to_string(shape.size()) +
                       " dimensions; expected (rows,) class indices or (rows, classes) one-hot");
  const std::size_t width = shape.size() == 2 ? shape[1] : 1;
  std::vector<std::int32_t> out(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    if (width == 1) {
      const double value = y.at(r);
      if (!(value >= 0 && value <= 65535 && std::floor(value) == value))
        throw DatasetError(y.what() + ": label " + std::to_string(value) + " in row " +
                           std::to_string(r) +
                           " is not a class index; expected an integer 0..65535");
      out[r] = static_cast<std::int32_t>(value);
      continue;
    }
    std::size_t ones = 0;
    for (std::size_t c = 0; c < width; ++c) {
      const double value = y.at(r * width + c);
      if (value == 1.0) {
        ++ones;
        out[r] = static_cast<std::int32_t>(c);
      } else if (value != 0.0) {
        ones = 2;
      }
    }
    if (ones != 1)
      throw DatasetError(y.what() + ": row " + std::to_string(r) +
                         " of the labels is not one-hot (exactly one 1, the rest 0)");
  }
  return out;
}

struct Part {
  detail::Rows rows;
  std::size_t features = 0;
  std::size_t classes = 0;  // one-hot width, or 0 (from the labels)
  std::size_t dropped = 0;
};

Part part_of(const NpyArray& x, const NpyArray& y, std::size_t limit, Missing missing) {
  if (x.shape().empty())
    throw DatasetError(x.what() + ": a 0-dimensional array; expected (rows, features)");
  if (y.shape().empty() || y.shape()[0] != x.shape()[0])
    throw DatasetError(x.what() + " holds " + std::to_string(x.shape()[0]) + " rows but " +
                       y.what() + " holds " +
                       (y.shape().empty() ? std::string{"a single value"}
                                          : std::to_string(y.shape()[0]) + " rows"));
  Part part;
  const std::size_t rows = limit == 0 ? x.shape()[0] : std::min(limit, x.shape()[0]);
  part.features = 1;
  for (std::size_t d = 1; d < x.shape().size(); ++d) part.features *= x.shape()[d];
  if (part.features == 0) throw DatasetError(x.what() + ": rows of 0 features");
  if (y.shape().size() == 2 && y.shape()[1] > 1) part.classes = y.shape()[1];
  std::vector<bool> drop(rows, false);
  std::vector<float> values = features_of(x, rows, part.features, missing, drop);
  std::vector<std::int32_t> labels = labels_of(y, rows);
  for (std::size_t r = 0; r < rows; ++r) {
    if (drop[r]) {
      ++part.dropped;
      continue;
    }
    part.rows.x.insert(part.rows.x.end(),
                       values.begin() + static_cast<std::ptrdiff_t>(r * part.features),
                       values.begin() + static_cast<std::ptrdiff_t>((r + 1) * part.features));
    part.rows.y.push_back(labels[r]);
  }
  if (part.rows.y.empty()) throw DatasetError(x.what() + ": no rows");
  return part;
}

Dataset assemble(const std::string& name, const std::string& what, Part train, Part test,
                 const NumpyOptions& o) {
  if (!test.rows.y.empty() && test.features != train.features)
    throw DatasetError(what + ": test rows of " + std::to_string(test.features) +
                       " features; the training rows have " + std::to_string(train.features));
  Dataset dataset;
  dataset.name = name;
  dataset.features = train.features;
  std::size_t classes = std::max(train.classes, test.classes);
  for (const Part* part : {&train, &test})
    for (const std::int32_t label : part->rows.y)
      classes = std::max(classes, static_cast<std::size_t>(label) + 1);
  dataset.classes = classes;
  if (classes < 2)
    throw DatasetError(what + ": only one class (0) in the labels; expected at least 2");
  for (const Part* part : {&train, &test})
    if (part->dropped > 0)
      dataset.notes.push_back(what + ": " + std::to_string(part->dropped) + " of " +
                              std::to_string(part->dropped + part->rows.y.size()) +
                              " rows dropped for a NaN feature (missing: drop)");
  const detail::Preparation preparation{.validation_split = o.validation_split,
                                        .mode = o.split_mode,
                                        .seed = o.seed,
                                        .normalization = o.normalize};
  detail::prepare_parts(dataset, what, std::move(train.rows), {}, std::move(test.rows),
                        preparation);
  return dataset;
}

}  // namespace

Dataset load_npz(const NumpyOptions& o) {
  if (o.path.empty()) throw ConfigError("npz: path is required");
  std::map<std::string, std::vector<std::uint8_t>> arrays;
  for (auto& [name, bytes] : detail::read_zip(o.path)) {
    // np.savez stores key K as member K.npy.
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
      arrays[name.substr(0, name.size() - 4)] = std::move(bytes);
  }
  std::string keys;
  for (const auto& [key, bytes] : arrays) keys += (keys.empty() ? "" : ", ") + key;
  const auto array = [&](const std::string& key) {
    const auto found = arrays.find(key);
    if (found == arrays.end())
      throw DatasetError(o.path + ": no array \"" + key +
                         "\"; the archive holds: " + (keys.empty() ? "none" : keys));
    return NpyArray(std::move(found->second), o.path + " [" + key + "]");
  };
  const NpyArray x = array(o.x);
  const NpyArray y = array(o.y);
  Part train = part_of(x, y, o.train_limit, o.missing);
  Part test;
  const bool has_x_test = arrays.count(o.x_test) != 0;
  const bool has_y_test = arrays.count(o.y_test) != 0;
  if (o.test_keys_given || has_x_test || has_y_test) {
    if (!has_x_test || !has_y_test) {
      throw DatasetError(o.path + ": a test set needs both \"" + o.x_test + "\" and \"" + o.y_test +
                         "\"; the archive holds: " + keys);
    }
    test = part_of(array(o.x_test), array(o.y_test), 0, o.missing);
  }
  return assemble("npz", o.path, std::move(train), std::move(test), o);
}

Dataset load_npy(const NumpyOptions& o) {
  if (o.path.empty()) throw ConfigError("npy: path is required (the features' .npy file)");
  if (o.y_path.empty()) throw ConfigError("npy: y_path is required (the labels' .npy file)");
  const auto array = [](const std::string& path) {
    return NpyArray(detail::read_file(path), path);
  };
  Part train = part_of(array(o.path), array(o.y_path), o.train_limit, o.missing);
  Part test;
  if (o.test_path.empty() != o.test_y_path.empty())
    throw ConfigError("npy: a test set needs both test_path and test_y_path");
  if (!o.test_path.empty()) test = part_of(array(o.test_path), array(o.test_y_path), 0, o.missing);
  return assemble("npy", o.path, std::move(train), std::move(test), o);
}

}  // namespace sweep::engine
