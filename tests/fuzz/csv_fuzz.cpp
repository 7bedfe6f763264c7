// The CSV reader on arbitrary files: rows, quotes, labels, limits.
#include <exception>

#include "engine/datasets/csv.hpp"
#include "tests/fuzz/data_file.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = sweep::fuzz::write_input(data, size, ".csv");
  for (bool header : {true, false}) {
    try {
      sweep::engine::CsvOptions options;
      options.path = path;
      options.header = header;
      sweep::engine::load_csv(options);
    } catch (const std::exception&) {
    }
  }
  return 0;
}
