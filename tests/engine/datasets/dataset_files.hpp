// Test helpers: a temporary folder removed on scope exit, and writers for
// small IDX files (raw or gzip) and text files.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sweep::engine::test {

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sweep-data-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline void put_u32(std::vector<std::uint8_t>& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<std::uint8_t>(value >> shift));
}

// An idx3 ubyte file's bytes: rows images of height x width, pixel (r, k) = (r * 7 + k) % 256.
inline std::vector<std::uint8_t> idx_images(std::uint32_t rows, std::uint32_t height,
                                            std::uint32_t width) {
  std::vector<std::uint8_t> bytes;
  put_u32(bytes, 0x00000803);
  put_u32(bytes, rows);
  put_u32(bytes, height);
  put_u32(bytes, width);
  for (std::uint32_t r = 0; r < rows; ++r) {
    for (std::uint32_t k = 0; k < height * width; ++k) {
      bytes.push_back(static_cast<std::uint8_t>((r * 7 + k) % 256));
    }
  }
  return bytes;
}

// An idx1 ubyte file's bytes: label r = r % classes.
inline std::vector<std::uint8_t> idx_labels(std::uint32_t rows, std::uint32_t classes) {
  std::vector<std::uint8_t> bytes;
  put_u32(bytes, 0x00000801);
  put_u32(bytes, rows);
  for (std::uint32_t r = 0; r < rows; ++r) bytes.push_back(static_cast<std::uint8_t>(r % classes));
  return bytes;
}

inline void write_raw(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline void write_gz(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("cannot write " + path);
  const int written = gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
  if (written != static_cast<int>(bytes.size())) throw std::runtime_error("cannot write " + path);
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace sweep::engine::test
