#include "reports/writer.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "reports/report_html.hpp"
#include "reports/report_json.hpp"

namespace sweep::reports {
namespace {

namespace fs = std::filesystem;

// Writes the file through `write` (which streams into it) to a temporary
// beside it, renamed over `path` once whole.
void write_atomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  const fs::path temporary =
      path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::runtime_error(
          fmt::format("cannot write report file {}: {}", temporary.string(), std::strerror(errno)));
    write(out);
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
  write_reports(build_report(sweep), out_dir);
}

void write_reports(const nlohmann::json& report, const std::string& out_dir) {
  const fs::path dir(out_dir);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error)
    throw std::runtime_error(
        fmt::format("cannot create report folder {}: {}", out_dir, error.message()));
  // Streamed: a 100,000-trial report.json is ~100 MB, never held as a string.
  write_atomically(dir / "report.json", [&](std::ostream& out) {
    nlohmann::detail::serializer<nlohmann::json> serializer(
        nlohmann::detail::output_adapter<char>(out), ' ', nlohmann::json::error_handler_t::replace);
    serializer.dump(report, false, false, 0);
    out << '\n';
  });
  const std::string html = render_html(report);
  write_atomically(dir / "report.html", [&](std::ostream& out) {
    out.write(html.data(), static_cast<std::streamsize>(html.size()));
  });
}

}  // namespace sweep::reports
