// Which trials keep their trained weights (storage.weights), decided as each
// trial finishes, so that a sweep of `best` writes few blobs and still keeps
// the winner's.
//
// A configuration is complete when all its repeats are finished (completed,
// diverged or pruned: outcomes that never change); its mean objective (over
// the repeats with a value, as the ranking averages them) is then final. A
// complete configuration worse than another complete one can never win, so
// under `best`:
// - a trial of an incomplete configuration keeps its weights (its mean may
//   still come out first);
// - the last repeat of a configuration keeps its weights when its mean is at
//   least as good as every other complete configuration's; the weights of
//   the complete configurations it beats are dropped;
// - otherwise the configuration's weights are dropped, this trial's never
//   written.
// So once every configuration is complete, the best ones (ties included)
// alone hold weights, every repeat of them. `all` keeps every trial's weights;
// `none` keeps none. "Keeps" means the sink writes them (StoreSink holds a
// `best` sweep's in memory until the sweep ends). Not thread-safe: the sink calls it under its own
// lock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runner/store/trial_status.hpp"
#include "runner/store/trial_weights.hpp"

namespace sweep::runner {

class WeightsRetention {
 public:
  WeightsRetention(WeightsPolicy policy, int repeats, bool maximize);
  WeightsPolicy policy() const { return policy_; }

  // A trial the store already holds (a sweep that resumes): its status,
  // objective and whether its weights are stored.
  void add_stored(const std::string& config_hash, std::int64_t trial_id, TrialStatus status,
                  std::optional<double> objective, bool has_weights);

  struct Decision {
    bool keep = false;               // write this trial's weights with its outcome
    std::vector<std::int64_t> drop;  // trials whose stored weights can go
  };
  // A trial finished with `status` and `objective`; `has_weights` when its
  // outcome carries weights.
  Decision finished(const std::string& config_hash, std::int64_t trial_id, TrialStatus status,
                    std::optional<double> objective, bool has_weights);

  // Under `best`, the trials that should hold weights by now and do not: the
  // completed trials of the best complete configurations (ties included)
  // whose weights neither the store nor the sink holds (lost when the process that trained them was
  // killed before it wrote them). By id, with the objective each finished
  // with. Empty under `all` and `none`.
  struct Missing {
    std::int64_t trial_id = 0;
    std::optional<double> objective;
  };
  std::vector<Missing> missing() const;

 private:
  struct Config {
    std::map<std::int64_t, std::optional<double>> finished;  // final outcomes' objectives
    std::set<std::int64_t> stored;       // trials whose weights are kept (stored or held)
    std::set<std::int64_t> retrainable;  // completed trials, whose weights a new run reproduces
  };
  bool complete(const Config& config) const;
  static std::optional<double> mean(const Config& config);
  bool worse(double a, double b) const { return maximize_ ? a < b : a > b; }

  WeightsPolicy policy_;
  int repeats_;
  bool maximize_;
  std::map<std::string, Config> configs_;
};

}  // namespace sweep::runner
