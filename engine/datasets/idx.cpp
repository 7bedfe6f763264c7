#include "engine/datasets/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/errors.hpp"

namespace sweep::engine {
namespace {

constexpr std::uint32_t labels_magic = 0x00000801;
constexpr std::uint32_t images_magic = 0x00000803;

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

std::uint32_t big_endian(const unsigned char* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

// zlib's gzerror prefixes its message with the path it was given; the
// messages here name the path once, in front.
std::string zlib_reason(gzFile file, const std::string& path) {
  int code = Z_OK;
  std::string message = gzerror(file, &code);
  if (message.rfind(path + ": ", 0) == 0) message.erase(0, path.size() + 2);
  if (code == Z_DATA_ERROR) return "corrupt gzip data (" + message + ")";
  return message;
}

// True when zlib stopped because of an error other than a plain early end of
// the file (which zlib reports as Z_BUF_ERROR, "unexpected end of file").
bool hard_error(gzFile file) {
  int code = Z_OK;
  gzerror(file, &code);
  return code != Z_OK && code != Z_BUF_ERROR;
}

// Reads up to dst.size() bytes; returns how many arrived before the end of
// the data. Throws on a read or decompression error.
std::size_t read_some(gzFile file, const std::string& path, unsigned char* dst, std::size_t size) {
  constexpr std::size_t chunk = std::size_t{1} << 30;  // gzread takes an unsigned count
  std::size_t done = 0;
  while (done < size) {
    const auto want = static_cast<unsigned>(std::min(chunk, size - done));
    const int got = gzread(file, dst + done, want);
    if (got < 0 || hard_error(file)) {
      throw DatasetError("cannot read " + path + ": " + zlib_reason(file, path));
    }
    done += static_cast<std::size_t>(got);
    if (static_cast<unsigned>(got) < want) break;
  }
  return done;
}

}  // namespace

IdxFile::IdxFile(std::string path, Kind kind) : path_(std::move(path)) {
  errno = 0;
  gzFile file = gzopen(path_.c_str(), "rb");
  if (file == nullptr) {
    throw DatasetError("cannot open " + path_ + ": " +
                       (errno != 0 ? std::strerror(errno) : "out of memory"));
  }
  file_ = file;
  gzbuffer(file, 1 << 17);

  const bool images = kind == Kind::images;
  const std::uint32_t expected = images ? images_magic : labels_magic;
  header_size_ = images ? 16 : 8;
  std::array<unsigned char, 16> header{};
  std::size_t got = 0;
  try {
    got = read_some(file, path_, header.data(), header_size_);
  } catch (...) {
    gzclose(file);
    throw;
  }
  auto fail = [&](const std::string& message) {
    gzclose(file);
    file_ = nullptr;
    throw DatasetError(message);
  };
  if (got >= 4 && big_endian(header.data()) != expected) {
    fail(path_ + ": bad magic " + hex32(big_endian(header.data())) + "; expected " +
         hex32(expected) + (images ? " (idx3 ubyte images)" : " (idx1 ubyte labels)"));
  }
  if (got < header_size_) {
    fail("cannot read " + path_ + ": truncated after " + std::to_string(got) + " of " +
         std::to_string(header_size_) + " header bytes");
  }
  rows_ = big_endian(header.data() + 4);
  if (images) {
    height_ = big_endian(header.data() + 8);
    width_ = big_endian(header.data() + 12);
    // A 4096 x 4096 image is far beyond any IDX set; the bound keeps
    // rows * row_size from overflowing on a corrupt header.
    if (height_ == 0 || width_ == 0 || height_ > 4096 || width_ > 4096) {
      fail(path_ + ": bad image size " + std::to_string(height_) + " x " + std::to_string(width_) +
           "; expected 1 to 4096 pixels a side");
    }
    row_size_ = height_ * width_;
  }
}

IdxFile::~IdxFile() {
  if (file_ != nullptr) gzclose(static_cast<gzFile>(file_));
}

void IdxFile::read_rows(std::span<std::uint8_t> dst) {
  const std::size_t count = dst.size() / row_size_;
  if (count * row_size_ != dst.size()) {
    throw DatasetError(path_ + ": asked for " + std::to_string(dst.size()) +
                       " bytes, not a whole number of " + std::to_string(row_size_) + "-byte rows");
  }
  if (count > rows_ - rows_read_) {
    throw DatasetError(path_ + ": asked for rows up to " + std::to_string(rows_read_ + count) +
                       " but the file declares " + std::to_string(rows_));
  }
  const std::size_t got = read_some(static_cast<gzFile>(file_), path_, dst.data(), dst.size());
  if (got < dst.size()) {
    const std::size_t before = header_size_ + rows_read_ * row_size_;
    throw DatasetError("cannot read " + path_ + ": truncated after " +
                       std::to_string(before + got) + " of " +
                       std::to_string(header_size_ + rows_ * row_size_) + " bytes");
  }
  rows_read_ += count;
}

namespace {

// Reads `rows` rows a block at a time: memory grows with the data actually
// read, so a header that claims more rows than the file holds (a 29-byte file
// claiming 1.6 G rows) costs at most one block before the truncation is found.
std::vector<std::uint8_t> read_blocks(IdxFile& file, std::size_t rows) {
  constexpr std::size_t kBlockBytes = std::size_t{1} << 24;
  const std::size_t block_rows = std::max<std::size_t>(1, kBlockBytes / file.row_size());
  std::vector<std::uint8_t> out;
  for (std::size_t done = 0; done < rows;) {
    const std::size_t n = std::min(block_rows, rows - done);
    const std::size_t at = out.size();
    out.resize(at + n * file.row_size());
    file.read_rows(std::span<std::uint8_t>(out).subspan(at));
    done += n;
  }
  return out;
}

}  // namespace

IdxImages read_idx_images(const std::string& path, std::size_t limit) {
  IdxFile file(path, IdxFile::Kind::images);
  IdxImages images;
  images.rows = limit == 0 ? file.rows() : std::min(limit, file.rows());
  images.height = file.height();
  images.width = file.width();
  images.pixels = read_blocks(file, images.rows);
  return images;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path, std::size_t limit) {
  IdxFile file(path, IdxFile::Kind::labels);
  return read_blocks(file, limit == 0 ? file.rows() : std::min(limit, file.rows()));
}

}  // namespace sweep::engine
