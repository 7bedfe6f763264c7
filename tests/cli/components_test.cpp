// `sweep components`: the registries' tables, and the README's copy of them.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "tests/cli/process.hpp"

using sweep::test::read_file;
using sweep::test::run_sweep;

namespace {

// The "### " headings and table rows of `text`, in order: what the README's
// "## Components" section shares with `sweep components --markdown` (the
// README's prose between the tables is its own).
std::string headings_and_tables(const std::string& text) {
  std::istringstream in(text);
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("### ", 0) == 0 || line.rfind('|', 0) == 0) kept += line + "\n";
  }
  return kept;
}

// The README's "## Components" section, up to the next "## " heading.
std::string readme_components() {
  const std::string readme = read_file(std::string{SWEEP_SOURCE_DIR} + "/README.md");
  const auto start = readme.find("\n## Components\n");
  REQUIRE(start != std::string::npos);
  const auto end = readme.find("\n## ", start + 1);
  return readme.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

TEST_CASE("the README's component tables are `sweep components --markdown`", "[cli][components]") {
  const auto result = run_sweep("components --markdown");
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  // On a difference: paste the output of `sweep components --markdown` over the
  // README's tables.
  CHECK(headings_and_tables(readme_components()) == headings_and_tables(result.out));
  // Nothing but headings, tables and the blank lines between them.
  CHECK(result.out.rfind("### Optimizers\n\n| name | parameters (default) | what |\n|---|---|---|\n"
                         "| `adam` | `learning_rate` (0.001), ",
                         0) == 0);
  CHECK(result.out.find("\n\n### Datasets (`dataset`)\n\n") != std::string::npos);
}

TEST_CASE("sweep components lists every family with parameters and defaults", "[cli][components]") {
  const auto result = run_sweep("components");
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.rfind("Optimizers\n  adam ", 0) == 0);
  CHECK(result.out.find("\nLearning-rate schedules (training.schedule)\n") != std::string::npos);
  CHECK(result.out.find("  huber                            quadratic near zero, linear beyond "
                        "delta\n                                   delta (1)\n") !=
        std::string::npos);
  for (const char* family : {"Losses (training.loss)", "Metrics (training.metrics)",
                             "Layers (model.layers[], by type)", "Datasets (dataset)"}) {
    CHECK(result.out.find(std::string{"\n\n"} + family + "\n") != std::string::npos);
  }
}
