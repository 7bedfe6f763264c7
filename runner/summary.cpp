#include "runner/summary.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "reports/format.hpp"
#include "reports/report_json.hpp"
#include "runner/sweep_runner.hpp"

namespace sweep::runner {

using nlohmann::json;

double parse_iso8601(const std::string& text) {
  if (text.size() < 19) return 0.0;
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  tm.tm_hour = std::stoi(text.substr(11, 2));
  tm.tm_min = std::stoi(text.substr(14, 2));
  tm.tm_sec = std::stoi(text.substr(17, 2));
  double seconds = static_cast<double>(timegm(&tm));
  if (text.size() > 20 && text[19] == '.')
    seconds += std::strtod(text.c_str() + 19, nullptr);  // ".123Z" -> 0.123
  return seconds;
}

double trials_span_seconds(const reports::SweepRecord& record) {
  double first = 0.0;
  double last = 0.0;
  for (const auto& trial : record.trials) {
    const double start = parse_iso8601(trial.started_at);
    const double end = parse_iso8601(trial.finished_at);
    if (start > 0 && (first == 0 || start < first)) first = start;
    if (end > last) last = end;
  }
  return first > 0 && last > first ? last - first : 0.0;
}

std::string summary_text(const reports::SweepRecord& record, const json& report) {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* memory = open_memstream(&data, &size);
  if (memory == nullptr) throw std::system_error(errno, std::generic_category(), "open_memstream");
  try {
    print_summary(record, report, memory);
  } catch (...) {
    std::fclose(memory);
    std::free(data);
    throw;
  }
  std::fclose(memory);
  std::string text(data, size);
  std::free(data);
  return text;
}

void print_summary(const reports::SweepRecord& record, std::FILE* out) {
  print_summary(record, reports::build_report(record), out);
}

void print_summary(const reports::SweepRecord& record, const json& report, std::FILE* out) {
  static const json empty_array = json::array();
  static const json empty_object = json::object();
  const auto find = [](const json& object, const char* key, const json& fallback) -> const json& {
    const auto it = object.find(key);
    return it == object.end() ? fallback : *it;
  };
  std::map<std::string, int> by_status;
  for (const auto& trial : record.trials) ++by_status[trial.status];
  std::string counts;
  for (const auto& [status, n] : by_status)
    counts += (counts.empty() ? "" : ", ") + fmt::format("{} {}", n, status);
  fmt::print(out, "\n{}: {} trials ({}); objective {} ({})\n", terminal_safe(record.name),
             record.trials.size(), counts, record.objective_metric,
             record.maximize ? "max" : "min");
  // The report's trials by id, read in place (never copied).
  std::unordered_map<std::int64_t, const json*> trials;
  const json& report_trials = find(report, "trials", empty_array);
  trials.reserve(report_trials.size());
  for (const auto& trial : report_trials) trials[trial.value("id", std::int64_t{0})] = &trial;
  const json& ranking = find(report, "ranking", empty_array);
  // A terminal's worth: past kSummaryRows configurations, the first
  // kSummaryShown and a line that says where the rest are.
  const std::size_t rows = ranking.size() > kSummaryRows ? kSummaryShown : ranking.size();
  std::size_t width = std::string_view{"configuration"}.size();
  for (std::size_t i = 0; i < rows; ++i)
    width =
        std::max(width, reports::describe_config(find(ranking[i], "config", empty_object)).size());
  fmt::print(out, "{:>4}  {:<{}} {:>17}  {:<11} {}\n", "rank", "configuration", width,
             record.objective_metric, "status", "diagnosis");
  std::vector<std::string> why;  // the configurations that lost, and why
  for (std::size_t i = 0; i < rows; ++i) {
    const json& entry = ranking[i];
    const int n = entry.value("n", 0);
    const int count = entry.value("trials", 1);
    const int diverged = entry.value("diverged", 0);
    std::string value = "-";
    if (entry.contains("mean") && entry["mean"].is_number()) {
      value = fmt::format("{:.4f}", entry["mean"].get<double>());
      if (n > 1 && entry.contains("std") && entry["std"].is_number()) {
        value += fmt::format(" ±{:.4f}", entry["std"].get<double>());
      }
      if (n < count) value += fmt::format(" ({} of {})", n, count);
    }
    // The configuration's status, as the report's heatmap shows it: its best
    // trial's, with the repeats that diverged counted.
    std::string status = entry.value("status", "-");
    if (diverged > 0 && status != "diverged")
      status += fmt::format(", {}/{} diverged", diverged, count);
    // The configuration's diagnosis: that of its first repeat that did not
    // diverge, else its first.
    const json* shown = nullptr;
    for (const auto& id : find(entry, "trial_ids", empty_array)) {
      const auto it = trials.find(id.get<std::int64_t>());
      if (it == trials.end()) continue;
      const json& trial = *it->second;
      if (shown == nullptr ||
          (shown->value("status", "") == "diverged" && trial.value("status", "") != "diverged"))
        shown = &trial;
    }
    const std::string config =
        terminal_safe(reports::describe_config(find(entry, "config", empty_object)));
    std::string diagnosis;
    if (shown != nullptr && shown->contains("diagnosis")) {
      const json& d = (*shown)["diagnosis"];
      diagnosis = d.value("label", "");
      const json direction = d.value("direction", json());
      if ((direction == "low" || direction == "high" || diagnosis == "failed") && why.size() < 40)
        why.push_back(
            terminal_safe(fmt::format("  {} — {}: {}", config, diagnosis, d.value("reason", ""))));
    }
    fmt::print(out, "{:>4}  {:<{}} {:>17}  {:<11} {}{}\n", entry.value("rank", 0), config, width,
               value, status, diagnosis, entry.value("tied", false) ? " (tied)" : "");
  }
  if (rows < ranking.size())
    fmt::print(out,
               "      … {} more configurations (ranks {} to {}): report.html shows them all, "
               "`sweep export` writes every trial\n",
               ranking.size() - rows, rows + 1, ranking.size());
  if (!why.empty()) {
    fmt::print(out, "why the others lost (learning rate too low or too high for its group):\n");
    for (const auto& line : why) fmt::print(out, "{}\n", line);
  }
  for (const auto& line : find(report, "warnings", empty_array))
    fmt::print(out, "warning: {}\n", terminal_safe(line.get<std::string>()));
  for (const auto& line : find(report, "advice", empty_array))
    fmt::print(out, "advice: {}\n", line.get<std::string>());
  if (report.contains("best") && report["best"].is_object() && report["best"].contains("config")) {
    const json& best = report["best"];
    std::string test;
    const json& test_metrics = find(best, "test_metrics", empty_object);
    for (const auto& [name, value] : test_metrics.items()) {
      if (value.is_number())
        test +=
            fmt::format("{}test {} {:.4f}", test.empty() ? "; " : ", ", name, value.get<double>());
    }
    const json objective = best.value("objective", json());
    fmt::print(out, "best: {} with {} {}{}\n",
               terminal_safe(reports::describe_config(best["config"])), record.objective_metric,
               objective.is_number() ? fmt::format("{:.4f}", objective.get<double>()) : "-", test);
  }
  std::fflush(out);
}

}  // namespace sweep::runner
