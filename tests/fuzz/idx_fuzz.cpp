// The IDX reader on arbitrary files, raw or gzip: headers that lie about
// their sizes must cost no memory beyond what the file holds.
#include <exception>

#include "engine/datasets/idx.hpp"
#include "tests/fuzz/data_file.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = sweep::fuzz::write_input(data, size, ".idx");
  try {
    sweep::engine::read_idx_images(path);
  } catch (const std::exception&) {
  }
  try {
    sweep::engine::read_idx_labels(path);
  } catch (const std::exception&) {
  }
  return 0;
}
