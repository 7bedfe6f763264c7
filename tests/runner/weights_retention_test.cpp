// Which finished trials keep their weights under storage.weights: `best`
// keeps every configuration that may still win and, once all are complete,
// exactly the best ones' repeats; `all` every trial; `none` none.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "runner/execution/weights_retention.hpp"

using sweep::runner::TrialStatus;
using sweep::runner::WeightsPolicy;
using sweep::runner::WeightsRetention;
using Ids = std::vector<std::int64_t>;

namespace {

WeightsRetention::Decision done(WeightsRetention& retention, const char* config, std::int64_t id,
                                double objective) {
  return retention.finished(config, id, TrialStatus::completed, objective, true);
}

}  // namespace

TEST_CASE("weights, best: one repeat each: only improvements are written, the beaten dropped",
          "[weights][retention]") {
  WeightsRetention retention(WeightsPolicy::best, 1, true);
  auto a = done(retention, "a", 1, 0.8);
  CHECK(a.keep);
  CHECK(a.drop.empty());
  auto b = done(retention, "b", 2, 0.7);
  CHECK_FALSE(b.keep);
  CHECK(b.drop.empty());
  auto c = done(retention, "c", 3, 0.9);
  CHECK(c.keep);
  CHECK(c.drop == Ids{1});
  // A tie keeps both: the ranking may put either first.
  auto d = done(retention, "d", 4, 0.9);
  CHECK(d.keep);
  CHECK(d.drop.empty());
  auto e = retention.finished("e", 5, TrialStatus::diverged, 0.99, false);
  CHECK_FALSE(e.keep);
  CHECK(e.drop.empty());
  // A trial with no value cannot win.
  auto f = retention.finished("f", 6, TrialStatus::completed, std::nullopt, true);
  CHECK_FALSE(f.keep);
  auto g = done(retention, "g", 7, 0.95);
  CHECK(g.keep);
  CHECK((g.drop == Ids{3, 4} || g.drop == Ids{4, 3}));
}

TEST_CASE("weights, best: repeats are kept until their configuration's mean is final",
          "[weights][retention]") {
  WeightsRetention retention(WeightsPolicy::best, 3, true);
  CHECK(done(retention, "x", 1, 0.85).keep);
  CHECK(done(retention, "y", 4, 0.99).keep);  // incomplete: may still win
  CHECK(done(retention, "x", 2, 0.85).keep);
  CHECK(done(retention, "y", 5, 0.99).keep);
  auto x = done(retention, "x", 3, 0.85);  // x complete: 0.85, the only complete one
  CHECK(x.keep);
  CHECK(x.drop.empty());
  // y ends at (0.99 + 0.99 + 0.42) / 3 = 0.8 < 0.85: it can no longer win.
  auto y = done(retention, "y", 6, 0.42);
  CHECK_FALSE(y.keep);
  CHECK(y.drop == Ids{4, 5});
  // z beats x once complete: x's three repeats go.
  CHECK(done(retention, "z", 7, 0.9).keep);
  CHECK(done(retention, "z", 8, 0.9).keep);
  auto z = retention.finished("z", 9, TrialStatus::diverged, std::nullopt, false);
  CHECK_FALSE(z.keep);
  CHECK(z.drop == Ids{1, 2, 3});
  // A failed repeat will run again: its configuration is not complete.
  CHECK(retention.finished("w", 10, TrialStatus::failed, std::nullopt, false).drop.empty());
  CHECK(done(retention, "w", 11, 0.1).keep);
}

TEST_CASE("weights, best: minimising, and a resumed sweep's stored trials count",
          "[weights][retention]") {
  WeightsRetention retention(WeightsPolicy::best, 1, false);
  retention.add_stored("old", 1, TrialStatus::completed, 0.3, true);
  retention.add_stored("pending", 2, TrialStatus::pending, std::nullopt, false);
  auto worse = done(retention, "new", 3, 0.4);
  CHECK_FALSE(worse.keep);
  CHECK(worse.drop.empty());
  auto better = done(retention, "newer", 4, 0.2);
  CHECK(better.keep);
  CHECK(better.drop == Ids{1});
}

TEST_CASE("weights, all and none", "[weights][retention]") {
  WeightsRetention all(WeightsPolicy::all, 1, true);
  CHECK(done(all, "a", 1, 0.9).keep);
  CHECK(done(all, "b", 2, 0.1).keep);
  CHECK(done(all, "b", 2, 0.1).drop.empty());
  CHECK_FALSE(all.finished("c", 3, TrialStatus::completed, 0.5, false).keep);
  WeightsRetention none(WeightsPolicy::none, 1, true);
  CHECK_FALSE(done(none, "a", 1, 0.9).keep);
}

TEST_CASE("weights, best: the winners whose weights were lost are missing, no one else",
          "[weights][retention]") {
  // Resumed after a kill: configuration "a" (two repeats, the best) finished
  // without its weights written; "b" is beaten; "c" diverged (no value).
  WeightsRetention retention(WeightsPolicy::best, 2, true);
  retention.add_stored("a", 1, TrialStatus::completed, 0.75, false);
  retention.add_stored("a", 2, TrialStatus::completed, 0.25, false);
  retention.add_stored("b", 3, TrialStatus::completed, 0.25, false);
  retention.add_stored("b", 4, TrialStatus::completed, 0.25, false);
  retention.add_stored("c", 5, TrialStatus::diverged, std::nullopt, false);
  retention.add_stored("c", 6, TrialStatus::diverged, 0.95, false);
  auto missing = [&] {
    Ids ids;
    for (const auto& lost : retention.missing()) ids.push_back(lost.trial_id);
    return ids;
  };
  CHECK(missing() == Ids{1, 2});
  CHECK(retention.missing()[0].objective == 0.75);
  // A tie on the mean misses both configurations' weights.
  retention.add_stored("d", 7, TrialStatus::completed, 0.5, false);
  retention.add_stored("d", 8, TrialStatus::pruned, 0.5, false);
  CHECK(missing() == Ids{1, 2, 7});  // a pruned trial is not trained again
  // Weights the sink holds (kept on finishing) are not missing.
  WeightsRetention held(WeightsPolicy::best, 1, true);
  held.add_stored("a", 1, TrialStatus::completed, 0.5, false);
  CHECK(held.finished("b", 2, TrialStatus::completed, 0.7, true).keep);
  CHECK(held.missing().empty());
  // Only `best` trains anything again.
  WeightsRetention all(WeightsPolicy::all, 1, true);
  all.add_stored("a", 1, TrialStatus::completed, 0.5, false);
  CHECK(all.missing().empty());
}
