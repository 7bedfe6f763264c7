#include "runner/model/npz_writer.hpp"

#include <bit>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <zip.h>

namespace sweep::runner {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the .npy writer stores float32 as this machine does: little-endian");

// Closes (discarding) an archive that was not written.
struct ZipDiscard {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};

std::string shape_text(const std::vector<std::int64_t>& shape) {
  if (shape.empty()) return "()";
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    text += fmt::format("{}", shape[i]);
    text += (shape.size() == 1 || i + 1 < shape.size()) ? "," : "";
    if (i + 1 < shape.size()) text += " ";
  }
  return text + ")";
}

}  // namespace

std::string npy_bytes(const NpyArray& array) {
  std::string header = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': {}, }}",
                                   shape_text(array.shape));
  // magic (6) + version (2) + header length (2) + header + '\n', padded to 64.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>((header.size() >> 8) & 0xFF);
  out += header;
  const std::size_t start = out.size();
  out.resize(start + array.values.size() * sizeof(float));
  if (!array.values.empty())
    std::memcpy(out.data() + start, array.values.data(), array.values.size() * sizeof(float));
  return out;
}

void write_npz(const std::string& path, const std::vector<NpyArray>& arrays,
               const std::vector<std::pair<std::string, std::string>>& extra) {
  int code = 0;
  std::unique_ptr<zip_t, ZipDiscard> archive(
      zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, why));
  }
  const auto fail = [&] {
    return std::runtime_error(
        fmt::format("cannot write {}: {}", path, zip_error_strerror(zip_get_error(archive.get()))));
  };
  // libzip reads the buffers when the archive is closed: they live until then.
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(arrays.size() + extra.size());
  for (const NpyArray& array : arrays) entries.emplace_back(array.name + ".npy", npy_bytes(array));
  for (const auto& entry : extra) entries.push_back(entry);
  for (const auto& [name, bytes] : entries) {
    zip_source_t* source = zip_source_buffer(archive.get(), bytes.data(), bytes.size(), 0);
    if (source == nullptr) throw fail();
    if (zip_file_add(archive.get(), name.c_str(), source, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) <
        0) {
      zip_source_free(source);
      throw fail();
    }
  }
  if (zip_close(archive.get()) != 0) throw fail();
  static_cast<void>(archive.release());  // closed: nothing left to discard
}

}  // namespace sweep::runner
