// RungBoard: the rungs of successive halving and Hyperband, and decisions
// that depend on the rung's values alone, never on the order of arrival.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "runner/pruning/rung_board.hpp"

using sweep::runner::assign_brackets;
using sweep::runner::halving_brackets;
using sweep::runner::halving_epochs;
using sweep::runner::HalvingOptions;
using sweep::runner::rung_keep;
using sweep::runner::RungBoard;

namespace {

HalvingOptions sh(int epochs, double min_epochs = 1.0, int eta = 3) {
  return {"successive_halving", min_epochs, eta, epochs};
}

std::vector<RungBoard::Member> members(int n) {
  std::vector<RungBoard::Member> out;
  out.reserve(static_cast<std::size_t>(n));
  // Ids in another order than indices: ties must follow the index.
  for (int i = 0; i < n; ++i) out.push_back({100 + (i * 7) % n, i});
  return out;
}

struct Run {
  std::vector<RungBoard::Decision> decisions;
};

// Every trial arrives at rung 1 with `values[index]`, in the given order;
// the kept ones arrive at rung 2 with value + 1.
Run play(const std::vector<double>& values, const std::vector<int>& order) {
  const auto m = members(static_cast<int>(values.size()));
  RungBoard board(sh(9), m, "val_accuracy", true);
  Run run;
  std::vector<std::int64_t> kept;
  for (const int i : order) {
    for (auto& d :
         board.arrive(m[static_cast<std::size_t>(i)].id, {values[static_cast<std::size_t>(i)]})) {
      kept = d.go_on;
      run.decisions.push_back(d);
    }
  }
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    const auto found = std::find_if(m.begin(), m.end(), [&](const auto& x) { return x.id == *it; });
    for (auto& d : board.arrive(*it, {values[static_cast<std::size_t>(found->index)] + 1.0}))
      run.decisions.push_back(d);
  }
  return run;
}

}  // namespace

TEST_CASE("rungs sit at r, r·eta, r·eta² below the last epoch", "[pruning][halving]") {
  using Brackets = std::vector<std::vector<double>>;
  CHECK(halving_brackets(sh(9)) == Brackets{{1, 3}});
  CHECK(halving_brackets(sh(30, 2, 2)) == Brackets{{2, 4, 8, 16}});
  CHECK(halving_brackets({"hyperband", 1, 3, 9}) == Brackets{{1, 3}, {3}, {}});
  CHECK(rung_keep(28, 3) == 9);
  CHECK(rung_keep(12, 3) == 4);
  // Never fewer than eta go on: the last choice is made on whole training.
  CHECK(rung_keep(8, 3) == 3);
  CHECK(rung_keep(2, 3) == 2);
  // 28 trials, 9 epochs: 28 at epoch 1, 9 to epoch 3, 3 to epoch 9.
  CHECK(halving_epochs(sh(9), 28) == 28 * 1 + 9 * 2 + 3 * 6);
}

TEST_CASE("Hyperband shares its trials among brackets as n_s, interleaved by index",
          "[pruning][halving]") {
  // s_max = 2: n_s = ceil(3/(s+1) * 3^s) = 9, 5 (ceil 4.5), 3.
  const auto of = assign_brackets({"hyperband", 1, 3, 9}, 17);
  CHECK(std::count(of.begin(), of.end(), 0) == 9);
  CHECK(std::count(of.begin(), of.end(), 1) == 5);
  CHECK(std::count(of.begin(), of.end(), 2) == 3);
  CHECK(of[0] == 0);
  CHECK(of[1] == 1);  // interleaved, not a block per bracket
}

TEST_CASE("a rung decides the same whatever order its trials arrive in", "[pruning][halving]") {
  const std::vector<double> values = {0.5, 0.9, 0.7, 0.9, 0.1, 0.6, 0.3, 0.8, 0.2};
  std::vector<int> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  const Run first = play(values, order);
  REQUIRE(first.decisions.size() == 2);
  const auto& rung1 = first.decisions[0];
  CHECK(rung1.epoch == 1);
  CHECK(rung1.trials == 9);
  CHECK(rung1.kept == 3);
  // 0.9 (index 1) and 0.9 (index 3) tie: the lower index ranks first.
  const auto m = members(9);
  CHECK(rung1.go_on == std::vector<std::int64_t>{m[1].id, m[3].id, m[7].id});
  CHECK(rung1.cut == 0.8);
  CHECK(rung1.cuts.size() == 6);
  const auto& rung2 = first.decisions[1];
  CHECK(rung2.epoch == 3);
  CHECK(rung2.trials == 3);
  CHECK(rung2.kept == 3);  // at least eta go on
  CHECK(rung2.go_on == std::vector<std::int64_t>{m[1].id, m[3].id, m[7].id});

  std::mt19937 rng(7);
  for (int shuffle = 0; shuffle < 20; ++shuffle) {
    std::shuffle(order.begin(), order.end(), rng);
    const Run again = play(values, order);
    REQUIRE(again.decisions.size() == 2);
    for (std::size_t d = 0; d < 2; ++d) {
      CHECK(again.decisions[d].go_on == first.decisions[d].go_on);
      CHECK(again.decisions[d].cut == first.decisions[d].cut);
      REQUIRE(again.decisions[d].cuts.size() == first.decisions[d].cuts.size());
      for (std::size_t c = 0; c < first.decisions[d].cuts.size(); ++c)
        CHECK(again.decisions[d].cuts[c].reason == first.decisions[d].cuts[c].reason);
    }
  }
}

TEST_CASE("a cut's reason quotes the rung, the epoch, its value and the cut",
          "[pruning][halving]") {
  const auto m = members(4);
  RungBoard board(sh(9), m, "val_accuracy", true);
  CHECK(board.arrive(m[0].id, {0.71}).empty());
  CHECK(board.arrive(m[1].id, {0.80}).empty());
  CHECK(board.arrive(m[2].id, {0.60}).empty());
  const auto decisions = board.arrive(m[3].id, {0.75});
  REQUIRE(decisions.size() == 1);
  REQUIRE(decisions[0].cuts.size() == 1);
  CHECK(decisions[0].cuts[0].reason ==
        "stopped at rung 1 (epoch 1): val_accuracy 0.6, below the cut 0.71 kept by 3 of 4");
}

TEST_CASE("a minimised objective keeps the lowest: NaN ranks last", "[pruning][halving]") {
  const auto m = members(5);
  RungBoard board(sh(9), m, "val_loss", false);
  board.arrive(m[0].id, {std::numeric_limits<double>::quiet_NaN()});
  board.arrive(m[1].id, {0.6});
  board.arrive(m[2].id, {0.3});
  board.arrive(m[3].id, {0.5});
  const auto decisions = board.arrive(m[4].id, {0.4});
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].go_on == std::vector<std::int64_t>{m[2].id, m[4].id, m[3].id});
  REQUIRE(decisions[0].cuts.size() == 2);
  CHECK(decisions[0].cuts[0].reason ==
        "stopped at rung 1 (epoch 1): val_loss 0.6, above the cut 0.5 kept by 3 of 5");
  CHECK(decisions[0].cuts[1].reason ==
        "stopped at rung 1 (epoch 1): val_loss nan, no value, behind the cut 0.5 kept by 3 of 5");
}

TEST_CASE("a trial that ended before a rung is in for it without a place", "[pruning][halving]") {
  const auto m = members(5);
  RungBoard board(sh(9), m, "val_accuracy", true);
  CHECK(board.next_pause(m[0].id) == 1);
  board.arrive(m[0].id, {0.5});
  CHECK(board.next_pause(m[0].id) == 3);
  board.arrive(m[1].id, {0.6});
  board.arrive(m[4].id, {0.3});
  CHECK(board.end(m[2].id).empty());  // diverged in epoch 1
  const auto decisions = board.arrive(m[3].id, {0.4});
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].trials == 5);
  CHECK(decisions[0].kept == 3);
  CHECK(decisions[0].go_on == std::vector<std::int64_t>{m[1].id, m[0].id, m[3].id});
  CHECK(decisions[0].cuts.size() == 1);
  // One kept ends (early stopping) before rung 2: the rung decides on the other two.
  CHECK(board.end(m[1].id).empty());
  CHECK(board.arrive(m[0].id, {0.7}).empty());
  const auto rung2 = board.arrive(m[3].id, {0.8});
  REQUIRE(rung2.size() == 1);
  CHECK(rung2[0].trials == 3);
  CHECK(rung2[0].kept == 2);
  CHECK(rung2[0].cuts.empty());
}

TEST_CASE("rungs inside an epoch: auto gives short trainings two rungs", "[pruning][halving]") {
  using sweep::runner::at_epoch_end;
  using sweep::runner::auto_min_epochs;
  using sweep::runner::rung_batches;
  CHECK(auto_min_epochs(20, 3) == 1.0);
  CHECK(auto_min_epochs(9, 3) == 1.0);
  CHECK(auto_min_epochs(2, 3) == Approx(2.0 / 9.0));
  CHECK(auto_min_epochs(3, 2) == Approx(0.75));
  const auto two = halving_brackets(sh(2, auto_min_epochs(2, 3)));
  REQUIRE(two.size() == 1);
  REQUIRE(two[0].size() == 2);
  CHECK(two[0][0] == Approx(2.0 / 9.0));
  CHECK(two[0][1] == Approx(2.0 / 3.0));
  CHECK_FALSE(at_epoch_end(two[0][1]));
  // 1/3 · 3 is 1 whatever the rounding: a rung at the end of epoch 1.
  const auto three = halving_brackets(sh(3, 1.0 / 3.0));
  REQUIRE(three[0].size() == 2);
  CHECK(three[0][1] == 1.0);
  CHECK(at_epoch_end(three[0][1]));
  // 32 trials, 2 epochs: 32 train 2/9, 10 go on to 2/3, 3 to the end.
  CHECK(halving_epochs(sh(2, 2.0 / 9.0), 32) ==
        Approx(32 * 2.0 / 9.0 + 10 * 4.0 / 9.0 + 3 * 4.0 / 3.0));
  // A trial of 15 batches an epoch reaches 2/9 after round(3.33) = 3 batches;
  // never 0 batches, never its last.
  CHECK(rung_batches(2.0 / 9.0, 15, 2) == 3);
  CHECK(rung_batches(0.01, 15, 2) == 1);
  CHECK(rung_batches(1.99, 15, 2) == 29);
}

TEST_CASE("trials tied at a rung's cut all go on, and the next rung keeps the bracket's share",
          "[pruning][halving]") {
  using sweep::runner::tie_metric;
  CHECK(tie_metric("val_accuracy") == "val_loss");
  CHECK(tie_metric("accuracy") == "loss");
  CHECK(tie_metric("val_loss") == "");
  const auto m = members(6);
  RungBoard board(sh(9), m, "val_accuracy", true);
  // Four at chance (0.5) where 3 of 6 go on: the rung cannot tell them apart,
  // so all four go on with the 0.9 (ranked by the lower val_loss, then index).
  board.arrive(m[0].id, {0.5, 0.70});
  board.arrive(m[1].id, {0.5, 0.69});
  board.arrive(m[2].id, {0.9, 0.30});
  board.arrive(m[3].id, {0.5, 0.60});
  board.arrive(m[4].id, {0.5, 0.60});
  const auto decisions = board.arrive(m[5].id, {0.1, 2.0});
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].kept == 5);
  CHECK(decisions[0].go_on ==
        std::vector<std::int64_t>{m[2].id, m[3].id, m[4].id, m[1].id, m[0].id});
  REQUIRE(decisions[0].cuts.size() == 1);
  CHECK(decisions[0].cuts[0].id == m[5].id);
  CHECK(decisions[0].cuts[0].reason ==
        "stopped at rung 1 (epoch 1): val_accuracy 0.1, below the cut 0.5 kept by 5 of 6");

  // 27 trials, 20 tied at rung 1's cut: all 20 go on (9 would), and rung 2
  // keeps what it would have kept of 9, 3, not ⌊20/3⌋ = 6.
  const auto many = members(27);
  RungBoard wide(sh(9), many, "val_accuracy", true);
  std::vector<RungBoard::Decision> rung1;
  for (int i = 0; i < 27; ++i)
    for (auto& d : wide.arrive(many[static_cast<std::size_t>(i)].id, {i < 20 ? 0.5 : 0.1, 0.6}))
      rung1.push_back(d);
  REQUIRE(rung1.size() == 1);
  CHECK(rung1[0].kept == 20);
  std::vector<RungBoard::Decision> rung2;
  for (std::size_t r = 0; r < rung1[0].go_on.size(); ++r)
    for (auto& d : wide.arrive(rung1[0].go_on[r], {0.5 + 0.01 * static_cast<double>(r), 0.6}))
      rung2.push_back(d);
  REQUIRE(rung2.size() == 1);
  CHECK(rung2[0].trials == 20);
  CHECK(rung2[0].kept == 3);
  CHECK(rung2[0].go_on ==
        std::vector<std::int64_t>{rung1[0].go_on[19], rung1[0].go_on[18], rung1[0].go_on[17]});
}
