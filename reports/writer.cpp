#include "reports/writer.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fmt/format.h>
#include <tbb/parallel_invoke.h>
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

// nlohmann's serializer writes most characters one by one; into an
// std::ostream each is a put() with its sentry. This gathers them into
// blocks of 1 MiB first.
class BlockWriter final : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  explicit BlockWriter(std::ostream& out) : out_(out) { block_.reserve(kBlock); }
  void write_character(char c) override {
    block_.push_back(c);
    if (block_.size() >= kBlock) flush();
  }
  void write_characters(const char* s, std::size_t length) override {
    block_.append(s, length);
    if (block_.size() >= kBlock) flush();
  }
  void flush() {
    out_.write(block_.data(), static_cast<std::streamsize>(block_.size()));
    block_.clear();
  }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::ostream& out_;
  std::string block_;
};

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
  // The two files at once: each reads the report, neither changes it. When
  // both fail, report.json's error is the one told, as when they ran in turn.
  std::exception_ptr json_error;
  std::exception_ptr html_error;
  tbb::parallel_invoke(
      [&] {
        try {
          // Streamed: a 100,000-trial report.json is ~100 MB, never held as a string.
          write_atomically(dir / "report.json", [&](std::ostream& out) {
            const auto writer = std::make_shared<BlockWriter>(out);
            nlohmann::detail::serializer<nlohmann::json> serializer(
                writer, ' ', nlohmann::json::error_handler_t::replace);
            serializer.dump(report, false, false, 0);
            writer->write_character('\n');
            writer->flush();
          });
        } catch (...) {
          json_error = std::current_exception();
        }
      },
      [&] {
        try {
          const std::string html = render_html(report);
          write_atomically(dir / "report.html", [&](std::ostream& out) {
            out.write(html.data(), static_cast<std::streamsize>(html.size()));
          });
        } catch (...) {
          html_error = std::current_exception();
        }
      });
  if (json_error) std::rethrow_exception(json_error);
  if (html_error) std::rethrow_exception(html_error);
}

}  // namespace sweep::reports
