#include "reports/writer.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "reports/report_html.hpp"
#include "reports/report_json.hpp"

namespace sweep::reports {
namespace {

namespace fs = std::filesystem;

void write_atomically(const fs::path& path, const std::string& content) {
  const fs::path temporary =
      path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::runtime_error(
          fmt::format("cannot write report file {}: {}", temporary.string(), std::strerror(errno)));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw std::runtime_error(
          fmt::format("cannot write report file {}: write failed", temporary.string()));
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw std::runtime_error(
        fmt::format("cannot write report file {}: {}", path.string(), error.message()));
  }
}

}  // namespace

void write_reports(const SweepRecord& sweep, const std::string& out_dir) {
  const fs::path dir(out_dir);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error)
    throw std::runtime_error(
        fmt::format("cannot create report folder {}: {}", out_dir, error.message()));
  const nlohmann::json report = build_report(sweep);
  write_atomically(dir / "report.json",
                   report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  write_atomically(dir / "report.html", render_html(report));
}

}  // namespace sweep::reports
