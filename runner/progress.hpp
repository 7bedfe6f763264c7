// What a running sweep prints. On a terminal: one live progress bar on stderr
// (trials done / running / total, epochs, elapsed, ETA, best so far).
// Otherwise: one plain line per finished trial on stdout. Thread-safe.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

namespace sweep::runner {

class Progress {
 public:
  Progress(int total_trials, int total_epochs, bool terminal, std::string metric, bool maximize);
  void trial_started();
  void epoch_done();
  // `label` names the trial's config ("optimizer=adam, learning_rate=1e-3"); `value` its objective;
  // `epochs_skipped` the planned epochs it did not run (diverged, stopped early).
  void trial_finished(const std::string& label, const std::string& status,
                      std::optional<double> value, int epochs, int epochs_skipped, double seconds);
  void finish();  // ends the bar's line

 private:
  void draw_locked();
  std::mutex mutex_;
  const int total_trials_;
  const int total_epochs_;
  const bool terminal_;
  const std::string metric_;
  const bool maximize_;
  int done_ = 0;
  int running_ = 0;
  int epochs_ = 0;
  std::optional<double> best_;
  std::string best_label_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

std::string format_duration(double seconds);  // "1:05", "1:02:03"

}  // namespace sweep::runner
