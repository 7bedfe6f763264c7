// Rungs from the store: a RungBoard holding a sweep's trials, with the ones
// that are done (completed, pruned, diverged, failed) replayed from their
// stored epochs. Because a rung decides on values alone, the replay makes the
// decisions the live run made: `sweep resume` continues from it, and the
// reports describe the rungs from it (report.json's `pruning`).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/records.hpp"
#include "runner/pruning/rung_board.hpp"
#include "runner/search/sampler.hpp"

namespace sweep::runner {

// A rung inside an epoch leaves its values in that epoch's record, under
// rung_key(rung, metric) ("rung1_val_accuracy", "rung1_val_loss": the values
// evaluated at the rung's batch, `rung` 0-based within the trial's bracket);
// a trial cut there keeps that epoch as a partial record, its trained share
// of the epoch under kEpochFraction.
inline constexpr const char* kEpochFraction = "epoch_fraction";
std::string rung_key(int rung, const std::string& metric);
// The better of two objective values (NaN loses).
double best_of(double a, double b, bool maximize);
// A number of epochs for report.json: an integer when whole, else 4 decimals.
nlohmann::json epochs_json(double epochs);

// `plans` give each stored trial its index (the tie key), by config hash and
// repeat; a stored trial no plan names is left out. Failed trials count as
// done when `failed_done` (the reports); a run retrains them (needs_run).
std::unique_ptr<RungBoard> replay_rungs(const HalvingOptions& options,
                                        const std::vector<TrialPlan>& plans,
                                        const reports::SweepRecord& record,
                                        const std::string& metric, bool maximize, bool failed_done);

// report.json's `pruning`: {method, min_epochs, reduction_factor, brackets,
// rungs: [{bracket, rung, epoch, trials, kept, cut}], epochs_run,
// epochs_full, epochs_planned}; null for a sweep without pruning.method.
nlohmann::json pruning_summary(const Spec& spec, const reports::SweepRecord& record);

}  // namespace sweep::runner
