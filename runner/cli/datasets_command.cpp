// `sweep datasets`: the datasets, their parameters, and whether Fashion-MNIST
// is installed.
#include "runner/cli/command.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <string>

#include "engine/datasets/dataset.hpp"
#include "runner/cli.hpp"

namespace sweep::runner::cli {

int cmd_datasets(const Args&) {
  for (const auto& spec : engine::dataset_specs()) {
    std::string params;
    for (const auto& p : spec.params) params += (params.empty() ? "" : ", ") + p.name;
    fmt::print("{:<14} {}\n{:<14} parameters: {}\n", spec.name, spec.help, "", params);
  }
  const bool installed =
      std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
  fmt::print("\nfashion_mnist files: {}\n", installed
                                                ? "installed (/usr/share/datasets/fashion-mnist)"
                                                : "missing; install Debian's dataset-fashion-mnist "
                                                  "(scripts/setup does)");
  return kExitOk;
}

}  // namespace sweep::runner::cli
