// Synthetic sweeps for the reports tests and the browser test: trials whose
// curves follow a chosen shape (converging, flat, oscillating, overfitting),
// with seeded noise and ~20-point within-epoch loss traces like the engine's.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reports/records.hpp"

namespace sweep::reports::testing {

// A curve as a function of training time t in epochs (0 = before training,
// 1 = end of the first epoch).
using Shape = std::function<double(double)>;

struct CurveShapes {
  Shape loss;
  Shape accuracy;
  Shape val_loss;
  Shape val_accuracy;
  double noise = 0.0;  // relative noise of each loss-trace window and metric
};

// Trial `id` with params {optimizer, learning_rate} (plus `extra` params),
// `epochs` epochs following `shapes`; trace windows sampled at 20 points per
// epoch, the epoch loss being their mean. config_hash derives from the params.
TrialRecord make_trial(std::int64_t id, const std::string& optimizer, double learning_rate,
                       int repeat, int epochs, const CurveShapes& shapes, std::uint64_t seed,
                       const nlohmann::json& extra = nlohmann::json::object());

// Shapes of the lesson, for a K-class problem with chance loss ln K:
// exponential descent from ln K to `final_loss`, accuracy rising to `final_accuracy`.
CurveShapes converging(int classes, double final_loss, double final_accuracy, double speed,
                       double noise = 0.01);
// Flat at `level`, accuracy at chance.
CurveShapes flat(int classes, double level, double noise = 0.005);
// Up and down around `level` with relative `amplitude` (period two windows).
CurveShapes oscillating(int classes, double level, double amplitude);
// Training loss falls; val_loss falls until `turn` epochs, then rises.
CurveShapes overfitting(int classes, double turn);

// Marks the trial diverged at (epoch, batch) with `loss`, as the runner
// records it: a finite loss stops a trial after a whole epoch (epochs up to
// `epoch` kept); a non-finite one mid-epoch (the epochs before kept, then the
// cut-short epoch with loss and trace at `loss`).
void diverge(TrialRecord& trial, int epoch, int batch, double loss);

// A sweep around `trials`: name, status completed, objective val_accuracy maximised.
SweepRecord make_sweep(std::vector<TrialRecord> trials, int classes = 2);

// SGD over learning rates 1e-4 .. 1e1 on a 2-class spirals-like problem, 5
// epochs, shaped like real runs: 1e-4 and 1e-3 barely move, 1e-1 is best, 1e1
// reaches an infinite loss in its first epoch. Plus adam 1e-4 .. 1e-1 where 1e-1 saturates at ln 2.
SweepRecord spirals_like_sweep();

// `trials` trials (two optimizers x log-spaced rates x repeats) of `epochs`
// epochs each; for size tests.
SweepRecord large_sweep(int trials, int epochs);

// A random search as `sweep run` stores it for tiny trials (3-class spirals,
// 2-8-3 model): `trials` trials of `epochs` epochs, optimizer sgd, adam or
// rmsprop and a log-uniform learning rate in [1e-5, 3] drawn from `seed`,
// each with the whole resolved config the runner keeps (~700 bytes of JSON).
// Every rate is distinct, so each trial is its own configuration. Per
// optimizer the curves follow the lesson around an optimum: far below it the
// loss barely moves, near it converges, above it oscillates, saturates at
// ln 3 and, from ~30x the optimum, diverges (a non-finite loss mid-epoch).
SweepRecord random_search_sweep(int trials, int epochs, std::uint64_t seed);

}  // namespace sweep::reports::testing
