// report_bench: everything `sweep run` does after the trials, on a synthetic
// random search of N tiny trials (tests/reports/synthetic_helpers.hpp's
// random_search_sweep: every learning rate distinct, the worst case of the
// diagnosis's groups), without the store:
//   report_bench [--trials 1000] [--epochs 2] [--seed 1] [--folder DIR]
// Times the diagnosis alone (rate_groups + diagnose_all), the ranking alone,
// then what `sweep run` does: report.json and report.html written into a
// temporary folder from one build_report, and the summary printed from the
// same report to /dev/null.
// Prints one JSON line; bench/report runs it at several N and fits the
// growth exponents.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/diagnosis.hpp"
#include "reports/ranking.hpp"
#include "reports/report_json.hpp"
#include "reports/writer.hpp"
#include "runner/summary.hpp"
#include "tests/reports/synthetic_helpers.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options = {
      {"trials", "1000"}, {"epochs", "2"}, {"seed", "1"}, {"folder", ""}};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || options.count(key.substr(2)) == 0) {
      std::fprintf(stderr,
                   "usage: report_bench [--trials N] [--epochs E] [--seed S] [--folder DIR]\n");
      return 2;
    }
    options[key.substr(2)] = argv[i + 1];
  }
  try {
    namespace fs = std::filesystem;
    const int trials = std::stoi(options["trials"]);
    auto start = Clock::now();
    const sweep::reports::SweepRecord sweep = sweep::reports::testing::random_search_sweep(
        trials, std::stoi(options["epochs"]), std::stoull(options["seed"]));
    const double generate = since(start);
    const double rss_records = peak_rss_mb();

    start = Clock::now();
    const auto groups = sweep::reports::rate_groups(sweep);
    const auto diagnoses = sweep::reports::diagnose_all(sweep, groups);
    const double diagnosis = since(start);

    start = Clock::now();
    const auto ranking = sweep::reports::rank_configurations(sweep);
    const double ranking_seconds = since(start);

    const fs::path folder =
        options["folder"].empty()
            ? fs::temp_directory_path() / ("report_bench-" + std::to_string(::getpid()))
            : fs::path(options["folder"]);
    // As `sweep run` does: the report built once, written, then printed.
    start = Clock::now();
    const nlohmann::json report = sweep::reports::build_report(sweep);
    const double build = since(start);
    start = Clock::now();
    sweep::reports::write_reports(report, folder.string());
    const double write = since(start);

    std::FILE* null = std::fopen("/dev/null", "w");
    if (null == nullptr) throw std::runtime_error("cannot open /dev/null");
    start = Clock::now();
    sweep::runner::print_summary(sweep, report, null);
    const double summary = since(start);
    std::fclose(null);

    const auto json_bytes = fs::file_size(folder / "report.json");
    const auto html_bytes = fs::file_size(folder / "report.html");
    if (options["folder"].empty()) fs::remove_all(folder);

    int diverged = 0;
    for (const auto& d : diagnoses) diverged += d.label == "diverged" ? 1 : 0;
    const nlohmann::json line = {{"trials", trials},
                                 {"epochs", std::stoi(options["epochs"])},
                                 {"configurations", ranking.size()},
                                 {"diverged", diverged},
                                 {"generate_seconds", generate},
                                 {"diagnosis_seconds", diagnosis},
                                 {"ranking_seconds", ranking_seconds},
                                 {"build_report_seconds", build},
                                 {"write_reports_seconds", write},
                                 {"summary_seconds", summary},
                                 {"after_trials_seconds", build + write + summary},
                                 {"report_json_bytes", json_bytes},
                                 {"report_html_bytes", html_bytes},
                                 {"rss_records_mb", rss_records},
                                 {"peak_rss_mb", peak_rss_mb()}};
    std::printf("%s\n", line.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "report_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
