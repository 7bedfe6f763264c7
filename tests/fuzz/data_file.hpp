// The dataset readers take paths: each input is written to one scratch file
// per process first.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace sweep::fuzz {

inline const std::string& scratch_file(const char* suffix) {
  static const std::string path =
      "/tmp/sweep-fuzz-" + std::to_string(static_cast<long>(getpid())) + suffix;
  return path;
}

inline const std::string& write_input(const std::uint8_t* data, std::size_t size,
                                      const char* suffix) {
  const std::string& path = scratch_file(suffix);
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace sweep::fuzz
