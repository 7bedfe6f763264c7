// Writes report.json and report.html of a synthetic sweep into a folder, for
// the browser test (render_report.sh) to open in headless Chromium.
// Usage: make_report OUT_DIR [--large | --huge]
//   --large: 500 trials x 50 epochs; --huge: a 100,000-trial random search
//   (random_search_sweep, seed 17, 2 epochs a trial).
#include <cstdio>
#include <exception>
#include <limits>
#include <string>

#include "reports/writer.hpp"
#include "tests/reports/synthetic_helpers.hpp"

int main(int argc, char** argv) {
  const std::string mode = argc == 3 ? argv[2] : "";
  if (argc < 2 || argc > 3 || (argc == 3 && mode != "--large" && mode != "--huge")) {
    std::fprintf(stderr, "usage: make_report OUT_DIR [--large | --huge]\n");
    return 2;
  }
  try {
    using namespace sweep::reports::testing;
    const bool large = !mode.empty();
    sweep::reports::SweepRecord sweep = mode == "--huge"    ? random_search_sweep(100'000, 2, 17)
                                        : mode == "--large" ? large_sweep(500, 50)
                                                            : spirals_like_sweep();
    // A name that must come out escaped, never as markup.
    sweep.description = "learning rates for sgd and adam <b>not bold</b> & \"quoted\"";
    if (!large) {
      // A second repeat of sgd at 1 that diverged mid-epoch 3: its configuration's
      // mean rests on 1 of 2 repeats, and its cut-short last epoch has only a loss.
      sweep::reports::TrialRecord repeat =
          make_trial(11, "sgd", 1e0, 1, 5, converging(2, 0.3, 0.86, 1.5, 0.08), 17);
      diverge(repeat, 3, 7, std::numeric_limits<double>::infinity());
      sweep.trials.push_back(std::move(repeat));
    }
    sweep::reports::write_reports(sweep, argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_report: %s\n", e.what());
    return 1;
  }
  return 0;
}
