#include "runner/pruning/divergence_pruner.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace sweep::runner {
namespace {

class DivergenceTrialPruner final : public TrialPruner {
 public:
  DivergenceTrialPruner(const DivergencePruner::Options& options, const TrialContext& trial)
      : finite_rule_(options.finite_rule && !trial.accuracy_key.empty() &&
                     std::isfinite(trial.dead_accuracy)),
        factor_(options.factor),
        epochs_(std::max(1, options.epochs)),
        dead_accuracy_(trial.dead_accuracy),
        accuracy_key_(trial.accuracy_key) {}

  PruneDecision after_batch(int epoch, int batch, double loss) override {
    PruneDecision decision;
    if (!first_loss_) {
      first_loss_ = loss;
      if (!std::isfinite(loss)) {
        decision.verdict = PruneDecision::Verdict::setup_error;
        decision.divergence = {epoch, batch, loss};
        decision.reason = std::string("the loss was ") + (std::isnan(loss) ? "nan" : "inf") +
                          " on the first batch, before any update: the model and loss do not "
                          "fit (check the output layer's activation against the loss), not a "
                          "learning-rate problem";
        return decision;
      }
    }
    if (!std::isfinite(loss)) {
      decision.verdict = PruneDecision::Verdict::diverged;
      decision.divergence = {epoch, batch, loss};
      return decision;
    }
    if (epoch != epoch_) {
      epoch_ = epoch;
      all_above_ = true;
      batches_ = 0;
    }
    if (!(loss > factor_ * *first_loss_)) all_above_ = false;
    ++batches_;
    last_ = {epoch, batch, loss};
    return decision;
  }

  PruneDecision after_epoch(const engine::EpochLog& log) override {
    PruneDecision decision;
    if (!finite_rule_) return decision;
    const auto accuracy = log.values.find(accuracy_key_);
    const bool dead = all_above_ && batches_ > 0 && log.epoch == epoch_ &&
                      accuracy != log.values.end() && accuracy->second <= dead_accuracy_;
    dead_epochs_ = dead ? dead_epochs_ + 1 : 0;
    if (dead_epochs_ < epochs_) return decision;
    decision.verdict = PruneDecision::Verdict::diverged;
    decision.divergence = last_;
    return decision;
  }

 private:
  bool finite_rule_;
  double factor_;
  int epochs_;
  double dead_accuracy_;
  std::string accuracy_key_;
  int epoch_ = 0;
  bool all_above_ = true;
  int batches_ = 0;
  int dead_epochs_ = 0;
  std::optional<double> first_loss_;
  reports::Divergence last_;
};

}  // namespace

std::unique_ptr<TrialPruner> DivergencePruner::start(const TrialContext& trial) const {
  return std::make_unique<DivergenceTrialPruner>(options_, trial);
}

}  // namespace sweep::runner
