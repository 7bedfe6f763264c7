// Reader for the IDX format of MNIST and Fashion-MNIST (big-endian header,
// unsigned byte payload), gzip-compressed or raw: zlib reads both alike.
// Rows are read on demand, so a caller that needs the first 1,000 of 60,000
// images never holds (or decompresses) the other 59,000.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sweep::engine {

class IdxFile {
 public:
  enum class Kind { labels, images };  // idx1 ubyte (0x00000801), idx3 ubyte (0x00000803)

  // Opens `path` and reads and checks its header. Throws DatasetError naming
  // the file: missing, unreadable, bad magic, bad dimensions, or truncated.
  IdxFile(std::string path, Kind kind);
  ~IdxFile();
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;

  const std::string& path() const { return path_; }
  // Rows the header declares (images or labels).
  std::size_t rows() const { return rows_; }
  // Bytes per row: 1 for labels, height * width for images.
  std::size_t row_size() const { return row_size_; }
  std::size_t height() const { return height_; }  // images only; 0 for labels
  std::size_t width() const { return width_; }    // images only; 0 for labels
  std::size_t rows_read() const { return rows_read_; }

  // Reads the next dst.size() / row_size() rows into dst. Throws DatasetError
  // when the header declares fewer rows than asked for, or when the file
  // ends before them ("cannot read P: truncated after N of M bytes").
  void read_rows(std::span<std::uint8_t> dst);

 private:
  std::string path_;
  void* file_ = nullptr;  // gzFile; zlib.h stays out of this header
  std::size_t rows_ = 0;
  std::size_t row_size_ = 1;
  std::size_t height_ = 0;
  std::size_t width_ = 0;
  std::size_t header_size_ = 0;
  std::size_t rows_read_ = 0;
};

struct IdxImages {
  std::size_t rows = 0;
  std::size_t height = 0;
  std::size_t width = 0;
  std::vector<std::uint8_t> pixels;  // rows * height * width, row-major
};

// The first `limit` rows of an images / labels file (limit 0 = all rows; a
// limit above the declared rows reads them all).
IdxImages read_idx_images(const std::string& path, std::size_t limit = 0);
std::vector<std::uint8_t> read_idx_labels(const std::string& path, std::size_t limit = 0);

}  // namespace sweep::engine
