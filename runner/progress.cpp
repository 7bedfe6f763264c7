#include "runner/progress.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace sweep::runner {

std::string format_duration(double seconds) {
  const long total = std::lround(std::max(0.0, seconds));
  if (total >= 3600)
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

Progress::Progress(int total_trials, int total_epochs, bool terminal, std::string metric,
                   bool maximize)
    : total_trials_(total_trials),
      total_epochs_(total_epochs),
      terminal_(terminal),
      metric_(std::move(metric)),
      maximize_(maximize) {}

void Progress::trial_started() {
  std::lock_guard lock(mutex_);
  ++running_;
  draw_locked();
}

void Progress::epoch_done() {
  std::lock_guard lock(mutex_);
  ++epochs_;
  draw_locked();
}

void Progress::trial_finished(const std::string& label, const std::string& status,
                              std::optional<double> value, int epochs, int epochs_skipped,
                              double seconds) {
  std::lock_guard lock(mutex_);
  epochs_ += std::max(0, epochs_skipped);
  --running_;
  ++done_;
  if (value && std::isfinite(*value) &&
      (!best_ || (maximize_ ? *value > *best_ : *value < *best_))) {
    best_ = value;
    best_label_ = label;
  }
  if (terminal_) {
    last_draw_ = {};
    draw_locked();
  } else {
    const std::string shown = value ? fmt::format("{}={:.4f}", metric_, *value) : metric_ + "=-";
    // fputs, not fmt::print: a closed pipe (`sweep run ... | head -1`) must not
    // throw from a worker; the SIGPIPE handler stops the sweep instead.
    std::fputs(fmt::format("[{}/{}] {:<11} {}  {}  ({} epochs, {:.1f} s)\n", done_, total_trials_,
                           status, label, shown, epochs, seconds)
                   .c_str(),
               stdout);
    std::fflush(stdout);
  }
}

void Progress::draw_locked() {
  if (!terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_trials_) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = total_epochs_ > 0 ? static_cast<double>(epochs_) / total_epochs_ : 0.0;
  // Past the planned epochs (trials tied at a rung all went on) the ETA is unknown.
  const std::string eta = fraction > 0.0 && fraction < 1.0 && done_ < total_trials_
                              ? format_duration(elapsed / fraction - elapsed)
                              : "-";
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(std::lround(fraction * kWidth));
  std::string bar(static_cast<std::size_t>(std::clamp(filled, 0, kWidth)), '#');
  bar.resize(kWidth, '.');
  std::string best =
      best_ ? fmt::format("  best {} {:.4f} ({})", metric_, *best_, best_label_) : "";
  std::fputs(fmt::format("\r\033[K[{}] {}/{} trials, {} running, epoch {}/{}, {} elapsed, ETA {}{}",
                         bar, done_, total_trials_, running_, epochs_, total_epochs_,
                         format_duration(elapsed), eta, best)
                 .c_str(),
             stderr);
  std::fflush(stderr);
}

void Progress::finish() {
  std::lock_guard lock(mutex_);
  if (terminal_) {
    last_draw_ = {};
    draw_locked();
    std::fputs("\n", stderr);
  }
}

}  // namespace sweep::runner
