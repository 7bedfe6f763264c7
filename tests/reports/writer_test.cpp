// write_reports: both files written, folder created, no temporary left behind.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "reports/report_html.hpp"
#include "reports/report_json.hpp"
#include "reports/writer.hpp"
#include "tests/reports/synthetic_helpers.hpp"

using namespace sweep::reports;
using namespace sweep::reports::testing;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh folder under the system temp folder, removed at scope exit.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("sweep_reports_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

TEST_CASE("write_reports creates the folder and writes both reports", "[writer]") {
  TempDir dir("write");
  const fs::path out = dir.path / "nested" / "reports";
  const SweepRecord sweep = spirals_like_sweep();
  write_reports(sweep, out.string());
  REQUIRE(fs::exists(out / "report.json"));
  REQUIRE(fs::exists(out / "report.html"));
  const nlohmann::json written = nlohmann::json::parse(slurp(out / "report.json"));
  CHECK(written == build_report(sweep));
  CHECK(slurp(out / "report.html") == render_html(build_report(sweep)));
  // Only the two reports: the temporary files were renamed, not left behind.
  CHECK(std::distance(fs::directory_iterator(out), fs::directory_iterator()) == 2);

  // Writing again replaces the files.
  SweepRecord renamed = sweep;
  renamed.name = "second";
  write_reports(renamed, out.string());
  CHECK(nlohmann::json::parse(slurp(out / "report.json")).at("sweep").at("name") == "second");
  CHECK(std::distance(fs::directory_iterator(out), fs::directory_iterator()) == 2);
}

TEST_CASE("write_reports names the folder it cannot create", "[writer]") {
  TempDir dir("blocked");
  fs::create_directories(dir.path);
  const fs::path file = dir.path / "a_file";
  std::ofstream(file) << "x";
  const std::string target = (file / "reports").string();
  CHECK_THROWS_WITH(write_reports(spirals_like_sweep(), target),
                    Catch::StartsWith("cannot create report folder " + target + ": "));
}
