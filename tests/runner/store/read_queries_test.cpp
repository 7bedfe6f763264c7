// The store's partial reads (read_sweep with a TrialQuery, for_each_trial,
// for_each_score, metric_names) against the whole read, and the ranking that
// top_configurations computes from the scores against the reports' own
// (reports::rank_configurations on the whole sweep), on seeded messy sweeps:
// repeats, ties of mean, of count and of spread, every status, NaN and
// infinite values, objectives in their own column and in the metrics table,
// maximised and minimised.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "reports/ranking.hpp"
#include "reports/trial_values.hpp"
#include "runner/store/sqlite/sqlite_storage.hpp"
#include "runner/store/top_configurations.hpp"
#include "tests/runner/store/store_helpers.hpp"

using sweep::reports::EpochRecord;
using sweep::reports::SweepRecord;
using sweep::reports::TrialRecord;
using sweep::runner::NewTrial;
using sweep::runner::SqliteStorage;
using sweep::runner::Storage;
using sweep::runner::TrialOutcome;
using sweep::runner::TrialQuery;
using sweep::runner::TrialScore;
using sweep::runner::TrialStatus;
using namespace sweep::runner::testing;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A few values only, so that means, counts and spreads tie often.
double draw_value(std::mt19937& rng) {
  static const double values[] = {0.5, 0.25, 0.75, 0.5, 0.125, kNan, kInf, -kInf, 0.5, 1.0};
  return values[rng() % 10];
}

// `configs` configurations of 1-3 repeats in a seeded mess of states, with
// val_accuracy and val_f1_score drawn from draw_value. Returns the sweep's id.
std::int64_t messy_sweep(Storage& store, int configs, unsigned seed) {
  std::mt19937 rng(seed);
  auto info = sample_sweep("messy-" + std::to_string(seed));
  info.spec_json = R"({"name":"messy","objective":{"metric":"val_accuracy","direction":"max"}})";
  const std::int64_t sweep_id = store.create_sweep(info);
  std::vector<NewTrial> trials;
  for (int c = 0; c < configs; ++c) {
    const int repeats = 1 + static_cast<int>(rng() % 3);
    for (int r = 0; r < repeats; ++r) {
      NewTrial trial;
      trial.index = c;
      trial.config_json =
          R"({"training":{"optimizer":{"learning_rate":)" + std::to_string(c) + "}}}";
      trial.params_json = R"({"learning_rate":)" + std::to_string(c) + "}";
      trial.config_hash = "config-" + std::to_string(c);
      trial.repeat = r;
      trial.seed = rng();
      trials.push_back(trial);
    }
  }
  store.add_trials(sweep_id, trials);
  for (const auto& row : store.trials(sweep_id)) {
    const unsigned kind = rng() % 8;
    if (kind == 0) continue;  // pending
    store.start_trial(row.id);
    const int epochs = static_cast<int>(rng() % 4);
    // The objective as training takes it (engine::BestEpoch): the first
    // strictly better val_accuracy, NaN never; infinite ones too.
    std::optional<double> objective;
    for (int e = 1; e <= epochs; ++e) {
      EpochRecord epoch = sample_epoch(e);
      epoch.metrics["val_accuracy"] = draw_value(rng);
      epoch.metrics["val_f1_score"] = draw_value(rng);
      if (rng() % 5 == 0) epoch.metrics.erase("val_accuracy");
      const auto value = epoch.metrics.find("val_accuracy");
      if (value != epoch.metrics.end() && value->second > objective.value_or(-kInf))
        objective = value->second;
      store.record_epoch(row.id, epoch);
    }
    if (kind == 1) continue;  // running
    TrialOutcome outcome;
    outcome.objective = objective;
    static const TrialStatus ends[] = {TrialStatus::completed, TrialStatus::completed,
                                       TrialStatus::pruned,    TrialStatus::diverged,
                                       TrialStatus::failed,    TrialStatus::interrupted};
    outcome.status = ends[(kind - 2) % 6];
    store.finish_trial(row.id, outcome);
  }
  return sweep_id;
}

void check_ranking(Storage& store, std::int64_t sweep_id, const std::string& metric,
                   bool maximize) {
  SweepRecord record = store.read_sweep(sweep_id);
  record.objective_metric = metric;
  record.maximize = maximize;
  const auto expected = sweep::reports::rank_configurations(record);
  const auto got =
      sweep::runner::top_configurations(store, sweep_id, metric, maximize, expected.size() + 5);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("rank " << i + 1 << " of " << got.size() << ", " << metric);
    CHECK(got[i].config_hash == expected[i].config_hash);
    CHECK(got[i].n == expected[i].n);
    CHECK(got[i].rankable == sweep::reports::is_rankable(expected[i]));
    if (expected[i].n > 0) {
      // The same sums in the same order: equal doubles, not nearly equal ones.
      CHECK(got[i].mean == expected[i].mean);
      CHECK(got[i].std == expected[i].std);
    }
  }
  // The top two alone, as `sweep best` asks.
  const auto top = sweep::runner::top_configurations(store, sweep_id, metric, maximize, 2);
  REQUIRE(top.size() == std::min<std::size_t>(2, expected.size()));
  for (std::size_t i = 0; i < top.size(); ++i) CHECK(top[i].config_hash == expected[i].config_hash);

  // Each score is the reports' trial_objective of the trial.
  std::size_t at = 0;
  store.for_each_score(sweep_id, metric, maximize, [&](const TrialScore& score) {
    REQUIRE(at < record.trials.size());
    const TrialRecord& trial = record.trials[at++];
    CHECK(score.id == trial.id);
    CHECK(score.config_hash == trial.config_hash);
    CHECK(score.repeat == trial.repeat);
    CHECK(std::string(to_string(score.status)) == trial.status);
    const auto value = sweep::reports::counts_for_ranking(trial)
                           ? sweep::reports::trial_objective(record, trial)
                           : std::nullopt;
    CHECK(score.value.has_value() == value.has_value());
    if (score.value && value) CHECK(*score.value == *value);
  });
  CHECK(at == record.trials.size());
}

// Equal records, NaN equal to NaN.
void check_same(const TrialRecord& a, const TrialRecord& b, const TrialQuery& query) {
  CHECK(a.id == b.id);
  CHECK(a.params == b.params);
  CHECK(a.config_hash == b.config_hash);
  CHECK(a.repeat == b.repeat);
  CHECK(a.seed == b.seed);
  CHECK(a.status == b.status);
  CHECK(a.error == b.error);
  CHECK(a.started_at == b.started_at);
  CHECK(a.finished_at == b.finished_at);
  CHECK(a.seconds == b.seconds);
  CHECK(a.test_metrics == b.test_metrics);
  CHECK(a.divergence.has_value() == b.divergence.has_value());
  if (query.config) {
    CHECK(a.config == b.config);
  } else {
    CHECK(a.config == nlohmann::json::object());
  }
  if (!query.epochs) {
    CHECK(a.epochs.empty());
    return;
  }
  REQUIRE(a.epochs.size() == b.epochs.size());
  for (std::size_t e = 0; e < a.epochs.size(); ++e) {
    CHECK(a.epochs[e].epoch == b.epochs[e].epoch);
    CHECK(a.epochs[e].learning_rate == b.epochs[e].learning_rate);
    REQUIRE(a.epochs[e].metrics.size() == b.epochs[e].metrics.size());
    for (const auto& [name, value] : b.epochs[e].metrics) {
      REQUIRE(a.epochs[e].metrics.count(name) == 1);
      const double got = a.epochs[e].metrics.at(name);
      CHECK((got == value || (std::isnan(got) && std::isnan(value))));
    }
    if (query.loss_traces) {
      CHECK(a.epochs[e].loss_trace == b.epochs[e].loss_trace);
    } else {
      CHECK(a.epochs[e].loss_trace.empty());
    }
  }
}

}  // namespace

TEST_CASE("store: top_configurations ranks as the reports do, from the scores alone",
          "[store][ranking]") {
  TempDir dir;
  SqliteStorage store(dir.file("messy.db"), Storage::Mode::read_write);
  for (const unsigned seed : {1u, 2u, 3u, 4u}) {
    const std::int64_t sweep_id = messy_sweep(store, 40, seed);
    INFO("seed " << seed);
    check_ranking(store, sweep_id, "val_accuracy", true);
    check_ranking(store, sweep_id, "val_accuracy", false);
    check_ranking(store, sweep_id, "val_f1_score", true);
    check_ranking(store, sweep_id, "val_f1_score", false);
    check_ranking(store, sweep_id, "loss", false);
    check_ranking(store, sweep_id, "no_such_metric", true);
  }
}

TEST_CASE("store: for the sweep's objective a finished trial scores its stored objective",
          "[store][ranking]") {
  TempDir dir;
  SqliteStorage store(dir.file("objective.db"), Storage::Mode::read_write);
  auto info = sample_sweep("stored");
  info.spec_json = R"({"name":"stored","objective":{"metric":"val_accuracy","direction":"max"}})";
  const std::int64_t sweep_id = store.create_sweep(info);
  store.add_trials(sweep_id, sample_trials(6));
  // Each trial's epochs say 0.5; its stored objective says otherwise, so the
  // score shows which one was read.
  const std::vector<std::pair<TrialStatus, std::optional<double>>> ends = {
      {TrialStatus::completed, 0.75},         {TrialStatus::pruned, 0.75},
      {TrialStatus::interrupted, 0.75},       {TrialStatus::completed, kInf},
      {TrialStatus::completed, std::nullopt}, {TrialStatus::diverged, 0.75}};
  const auto rows = store.trials(sweep_id);
  REQUIRE(rows.size() == ends.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    store.start_trial(rows[i].id);
    EpochRecord epoch = sample_epoch(1);
    epoch.metrics["val_accuracy"] = 0.5;
    store.record_epoch(rows[i].id, epoch);
    TrialOutcome outcome;
    outcome.status = ends[i].first;
    outcome.objective = ends[i].second;
    store.finish_trial(rows[i].id, outcome);
  }
  const auto scores = [&](const std::string& metric, bool maximize) {
    std::vector<std::optional<double>> out;
    store.for_each_score(sweep_id, metric, maximize,
                         [&](const TrialScore& score) { out.push_back(score.value); });
    return out;
  };
  // Completed and pruned with a finite objective: the stored one; interrupted,
  // infinite or none: the epochs'; diverged: none.
  using Scores = std::vector<std::optional<double>>;
  CHECK(scores("val_accuracy", true) == Scores{0.75, 0.75, 0.5, 0.5, 0.5, std::nullopt});
  // Not the sweep's objective (the other direction, another metric): the epochs' alone.
  CHECK(scores("val_accuracy", false) == Scores{0.5, 0.5, 0.5, 0.5, 0.5, std::nullopt});
  CHECK(scores("val_loss", true) == Scores{2.1, 2.1, 2.1, 2.1, 2.1, std::nullopt});
}

TEST_CASE("store: partial reads return exactly what the whole read holds", "[store]") {
  TempDir dir;
  SqliteStorage store(dir.file("messy.db"), Storage::Mode::read_write);
  const std::int64_t sweep_id = messy_sweep(store, 30, 7);
  const SweepRecord whole = store.read_sweep(sweep_id);

  SECTION("every trial, streamed, with and without its parts") {
    for (const bool epochs : {true, false}) {
      for (const bool traces : {true, false}) {
        for (const bool config : {true, false}) {
          TrialQuery query;
          query.epochs = epochs;
          query.loss_traces = traces;
          query.config = config;
          std::size_t at = 0;
          store.for_each_trial(sweep_id, query, [&](TrialRecord& trial) {
            REQUIRE(at < whole.trials.size());
            check_same(trial, whole.trials[at++], query);
          });
          CHECK(at == whole.trials.size());
        }
      }
    }
  }

  SECTION("the trials of some configurations, in the same order, with the sweep's facts") {
    TrialQuery query;
    query.config_hashes = std::vector<std::string>{"config-7", "config-2", "no-such-config"};
    const SweepRecord part = store.read_sweep(sweep_id, query);
    CHECK(part.name == whole.name);
    CHECK(part.spec == whole.spec);
    CHECK(part.data == whole.data);
    std::vector<const TrialRecord*> expected;
    for (const auto& trial : whole.trials)
      if (trial.config_hash == "config-2" || trial.config_hash == "config-7")
        expected.push_back(&trial);
    REQUIRE(!expected.empty());
    REQUIRE(part.trials.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
      check_same(part.trials[i], *expected[i], query);

    query.config_hashes = std::vector<std::string>{};
    CHECK(store.read_sweep(sweep_id, query).trials.empty());
  }

  SECTION("the metric names are the keys of the sweep's epochs") {
    std::set<std::string> expected;
    for (const auto& trial : whole.trials)
      for (const auto& epoch : trial.epochs)
        for (const auto& [name, value] : epoch.metrics) expected.insert(name);
    CHECK(store.metric_names(sweep_id) == expected);
    CHECK(expected.count("val_f1_score") == 1);
  }
}

TEST_CASE("store: a sweep of more rows than a read block reads whole, in order", "[store]") {
  // read_sweep reads 4,096 rows at a time and parses each block on other
  // threads while it reads the next; the last block after the store's lock.
  TempDir dir;
  const std::string path = dir.file("large.db");
  SqliteStorage store(path, Storage::Mode::read_write);
  const std::int64_t sweep_id = store.create_sweep(sample_sweep("large"));
  constexpr int kTrials = 9000;  // two whole blocks and part of a third
  std::vector<NewTrial> trials = sample_trials(kTrials);
  // Configs that differ by their rate alone, so that they share one base.
  for (int i = 0; i < kTrials; ++i)
    trials[static_cast<std::size_t>(i)].config_json =
        R"({"dataset":{"name":"spirals","description":"three interleaved spiral arms, with )"
        R"(noise on each point"},"model":{"layers":[{"activation":"relu","type":"dense",)"
        R"("units":8},{"activation":"softmax","type":"dense","units":3}]},"training":)"
        R"({"batch_size":32,"epochs":2,"loss":"categorical_crossentropy","learning_rate":)" +
        std::to_string(i) + "}}";
  store.add_trials(sweep_id, trials);
  REQUIRE(raw_query(path, "SELECT count(*) FROM configs") == "1");
  std::map<std::string, double> metrics = {{"accuracy", 0.5}};
  for (int t = 0; t < 3; ++t)
    for (int p = 0; p < 3; ++p) metrics[fmt::format("confusion[{}][{}]", t, p)] = t * 3 + p;
  const SweepRecord before = store.read_sweep(sweep_id);
  REQUIRE(before.trials.size() == kTrials);
  for (const int i : {0, 4100, 8999}) {
    const std::int64_t id = before.trials[static_cast<std::size_t>(i)].id;
    store.start_trial(id);
    TrialOutcome outcome;
    outcome.test_metrics = metrics;
    outcome.test_metrics["index"] = i;
    store.finish_trial(id, outcome);
  }

  const SweepRecord read = store.read_sweep(sweep_id);
  REQUIRE(read.trials.size() == kTrials);
  for (int i = 0; i < kTrials; ++i) {
    const TrialRecord& trial = read.trials[static_cast<std::size_t>(i)];
    REQUIRE(trial.params == nlohmann::json::parse(trials[static_cast<std::size_t>(i)].params_json));
    REQUIRE(trial.config.find("/training/learning_rate") == i);
    if (i == 0 || i == 4100 || i == 8999) {
      REQUIRE(trial.test_metrics.size() == 11);
      CHECK(trial.test_metrics.at("index") == i);
      CHECK(trial.test_metrics.at("confusion[2][1]") == 7.0);
    } else {
      REQUIRE(trial.test_metrics.empty());
    }
  }

  // A row that does not parse, in a block parsed while the store is held and
  // in one parsed after: one line either way.
  for (const int bad : {100, 5000, 8500}) {
    raw_exec(path, fmt::format("UPDATE trials SET params_json = 'x' WHERE idx = {}", bad));
    CHECK_THROWS_WITH(store.read_sweep(sweep_id),
                      fmt::format("cannot read sweep {} in {}: a trial's parameters is not "
                                  "valid json",
                                  sweep_id, path));
    raw_exec(path, fmt::format("UPDATE trials SET params_json = '{}' WHERE idx = {}",
                               trials[static_cast<std::size_t>(bad)].params_json, bad));
  }
  CHECK(store.read_sweep(sweep_id).trials.size() == kTrials);
}
