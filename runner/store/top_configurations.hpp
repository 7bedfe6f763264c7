// The best configurations of a sweep, found from the trials' scores alone
// (Storage::for_each_score): what `sweep best` and `sweep predict` need to
// read only the winner's trials instead of the whole sweep. Memory grows with
// the number of configurations by a few dozen bytes each, never with epochs.
//
// The order is reports::rank_configurations's, computed the same way (the
// same sums in the same order, so equal doubles): configurations with a value
// that can win first (not all diverged or failed), by mean (highest first when
// maximising), then more counted repeats, then smaller standard deviation,
// then first appearance; the others after, by best status. A test checks
// that both agree on real sweeps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runner/store/storage.hpp"

namespace sweep::runner {

struct ConfigurationScore {
  std::string config_hash;
  int n = 0;          // repeats whose value counts
  double mean = 0.0;  // of those values; meaningless when n == 0
  double std = 0.0;   // sample standard deviation; 0 when n == 1
  bool rankable = false;
};

// The first `count` configurations of the sweep's ranking, best first.
std::vector<ConfigurationScore> top_configurations(Storage& store, std::int64_t sweep_id,
                                                   const std::string& metric, bool maximize,
                                                   std::size_t count);

}  // namespace sweep::runner
