// The spec parser on arbitrary bytes: it may refuse them (any exception is a
// one-line error in the CLI), never crash, hang or exhaust memory.
#include <exception>
#include <string>

#include "runner/spec/spec.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    sweep::runner::load_spec_text(std::string(reinterpret_cast<const char*>(data), size),
                                  "fuzz.json");
  } catch (const std::exception&) {
  }
  return 0;
}
