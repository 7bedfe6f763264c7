// Hydra-style overrides (one per line) applied to a valid spec, then
// validated: refused or accepted, never a crash.
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "runner/spec/spec.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

const char* const kSpec = R"({"name": "f", "dataset": {"name": "xor", "samples": 100},
  "model": {"layers": [{"type": "dense", "units": 4, "activation": "relu"},
                       {"type": "dense", "units": 2, "activation": "softmax"}]},
  "training": {"epochs": 1},
  "search": {"parameters": {"optimizer": ["sgd", "adam"], "learning_rate": [0.01, 0.1]}}})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> overrides;
  std::stringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  std::string line;
  while (std::getline(lines, line) && overrides.size() < 16) overrides.push_back(line);
  try {
    sweep::runner::load_spec_text(kSpec, "fuzz.json", overrides);
  } catch (const std::exception&) {
  }
  return 0;
}
