// report.json: keys, values, the winner's test metrics only, warnings, nulls.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "reports/format.hpp"
#include "reports/report_json.hpp"
#include "tests/reports/synthetic_helpers.hpp"

using namespace sweep::reports;
using namespace sweep::reports::testing;
using nlohmann::json;

namespace {

const json& trial_entry(const json& report, std::int64_t id) {
  for (const json& t : report.at("trials"))
    if (t.at("id") == id) return t;
  FAIL("no trial " << id);
  throw;
}

}  // namespace

TEST_CASE("report.json has every documented section and key", "[report_json]") {
  const json report = build_report(spirals_like_sweep());
  CHECK(report.at("schema_version") == 2);
  for (const char* key :
       {"sweep", "objective", "ranking", "best", "trials", "by_optimizer", "warnings"})
    CHECK(report.contains(key));
  const json& sweep = report.at("sweep");
  for (const char* key : {"name", "description", "id", "status", "spec", "spec_hash", "started",
                          "finished", "duration", "jobs", "version", "host", "classes", "swept"})
    CHECK(sweep.contains(key));
  CHECK(sweep.at("name") == "spirals_lr");
  CHECK(sweep.at("id") == 7);
  CHECK(sweep.at("duration") == 150.0);
  CHECK(sweep.at("jobs") == 2);
  CHECK(sweep.at("host") == "testhost");
  CHECK(sweep.at("spec").at("dataset").at("name") == "spirals");

  const json& objective = report.at("objective");
  CHECK(objective.at("metric") == "val_accuracy");
  CHECK(objective.at("direction") == "maximize");
  CHECK_THAT(objective.at("rule").get<std::string>(),
             Catch::StartsWith("each trial is scored by the highest value of val_accuracy over "
                               "its epochs (its best epoch)"));
  CHECK_THAT(objective.at("rule").get<std::string>(),
             Catch::Contains("test metrics are never used for selection"));
}

TEST_CASE("report.json names the best configuration and its test metrics only", "[report_json]") {
  const SweepRecord sweep = spirals_like_sweep();
  const json report = build_report(sweep);
  const json& best = report.at("best");
  CHECK(best.at("config").at("optimizer") == "adam");
  CHECK(best.at("config").at("learning_rate") == 1e-2);
  CHECK(best.at("description") == "optimizer=adam, learning_rate=1e-2");
  CHECK(best.at("trial_ids") == json::array({9}));
  CHECK(best.at("trial_id") == 9);
  CHECK(best.at("best_epoch") == 5);
  CHECK(best.at("n") == 1);
  CHECK(best.at("objective").get<double>() == report.at("ranking")[0].at("mean").get<double>());
  CHECK(best.at("objective").get<double>() ==
        Approx(sweep.trials[8].epochs[4].metrics.at("val_accuracy")));
  CHECK(best.at("test_metrics").at("accuracy").get<double>() ==
        Approx(sweep.trials[8].test_metrics.at("accuracy")));
  CHECK(best.at("final_metrics").contains("val_loss"));
  CHECK(best.at("best_epoch_metrics").at("val_accuracy") == best.at("objective"));
  // Test metrics appear for the winner only: never in the trials or the ranking.
  const std::string text = report.at("trials").dump() + report.at("ranking").dump();
  CHECK(text.find("test_metrics") == std::string::npos);
}

TEST_CASE("report.json lists ranking, trials, curves and diagnoses", "[report_json]") {
  const json report = build_report(spirals_like_sweep());
  const json& ranking = report.at("ranking");
  REQUIRE(ranking.size() == 10);
  CHECK(ranking[0].at("rank") == 1);
  for (const char* key :
       {"config", "config_hash", "trial_ids", "mean", "std", "n", "rank", "tied", "status"})
    CHECK(ranking[0].contains(key));
  CHECK(ranking.back().at("status") == "diverged");
  CHECK(ranking.back().at("mean").is_null());
  CHECK(ranking.back().at("config").at("learning_rate") == 10.0);

  const json& stalled = trial_entry(report, 1);
  CHECK(stalled.at("params").at("learning_rate") == 1e-4);
  CHECK(stalled.at("status") == "completed");
  CHECK(stalled.at("diagnosis").at("label") == "stalled");
  CHECK(stalled.at("best_epoch").is_number_integer());
  const json& curves = stalled.at("curves");
  for (const char* key : {"epoch", "learning_rate", "loss", "accuracy", "val_loss", "val_accuracy"})
    CHECK(curves.at(key).size() == 5);
  CHECK(curves.at("epoch") == json::array({1, 2, 3, 4, 5}));
  CHECK(stalled.at("loss_trace").size() == 5);
  CHECK(stalled.at("loss_trace")[0].size() == 20);

  const json& diverged = trial_entry(report, 6);
  CHECK(diverged.at("status") == "diverged");
  CHECK(diverged.at("diagnosis").at("label") == "diverged");
  CHECK(diverged.at("objective").is_null());
  CHECK(diverged.at("best_epoch").is_null());
  // An infinite loss is written as null, like every non-finite number.
  CHECK(diverged.at("divergence") == json{{"epoch", 1}, {"batch", 3}, {"loss", nullptr}});
  CHECK(trial_entry(report, 10).at("diagnosis").at("label") == "saturated");
}

TEST_CASE("the bracket holds the best rate the advice quotes when rates tie on the mean",
          "[report_json]") {
  // 1e-2 and 1e-1 reach the same value; 1e-1 ranks first on its two counted
  // repeats, while the lowest of the tied rates is 1e-2.
  const CurveShapes good = converging(2, 0.3, 0.9, 2.0, 0.0);
  std::vector<TrialRecord> trials;
  trials.push_back(make_trial(1, "sgd", 1e-3, 0, 5, flat(2, 0.69, 0.0), 1));
  trials.push_back(make_trial(2, "sgd", 1e-2, 0, 5, good, 2));
  trials.push_back(make_trial(3, "sgd", 1e-1, 0, 5, good, 3));
  trials.push_back(make_trial(4, "sgd", 1e-1, 1, 5, good, 4));
  trials.push_back(make_trial(5, "sgd", 1.0, 0, 5, flat(2, 0.69, 0.0), 5));
  const json report = build_report(make_sweep(std::move(trials)));
  REQUIRE(report.at("ranking").at(0).at("mean") == report.at("ranking").at(1).at("mean"));
  const json& sgd = report.at("by_optimizer").at("sgd");
  CHECK(sgd.at("best_learning_rate") == 1e-1);
  CHECK(sgd.at("bracket") == json::array({1e-2, 1.0}));
  const auto advice = report.at("advice").get<std::vector<std::string>>();
  CHECK(advice == std::vector<std::string>{"the optimum for sgd lies between 1e-2 and 1 (best "
                                           "tried: 1e-1); refine the grid there"});
}

TEST_CASE("by_optimizer brackets the best rate and says whether to refine or extend",
          "[report_json]") {
  const json report = build_report(spirals_like_sweep());
  const json& sgd = report.at("by_optimizer").at("sgd");
  CHECK(sgd.at("best_learning_rate") == 1e-1);
  CHECK_FALSE(sgd.at("at_edge").get<bool>());
  CHECK(sgd.at("edge").is_null());
  CHECK(sgd.at("learning_rates").size() == 6);
  CHECK(sgd.at("diverged_learning_rates") == json::array({10.0}));
  CHECK(sgd.at("bracket") == json::array({1e-2, 1.0}));
  CHECK(sgd.at("advice") == "refine");
  const json& adam = report.at("by_optimizer").at("adam");
  CHECK(adam.at("best_learning_rate") == 1e-2);
  CHECK(adam.at("bracket") == json::array({1e-3, 1e-1}));
  const auto advice = report.at("advice").get<std::vector<std::string>>();
  CHECK(std::find(advice.begin(), advice.end(),
                  "the optimum for sgd lies between 1e-2 and 1 (best tried: 1e-1); refine the "
                  "grid there") != advice.end());
  for (const auto& w : report.at("warnings"))
    CHECK_THAT(w.get<std::string>(), !Catch::Contains("extend the range"));

  // Drop sgd's rates above 1e-1: now its best sits at the top of the grid.
  SweepRecord edge = spirals_like_sweep();
  std::erase_if(edge.trials, [](const TrialRecord& t) {
    return t.params.at("optimizer") == "sgd" && t.params.at("learning_rate").get<double>() > 0.2;
  });
  const json edged = build_report(edge);
  CHECK(edged.at("by_optimizer").at("sgd").at("at_edge").get<bool>());
  CHECK(edged.at("by_optimizer").at("sgd").at("edge") == "high");
  CHECK(edged.at("by_optimizer").at("sgd").at("advice") == "extend_high");
  CHECK(edged.at("by_optimizer").at("sgd").at("bracket") == json::array({1e-2, nullptr}));
  const auto warnings = edged.at("warnings").get<std::vector<std::string>>();
  CHECK(std::find(warnings.begin(), warnings.end(),
                  "the optimum for sgd may lie above 1e-1, the highest learning rate tried; "
                  "extend the range upward") != warnings.end());

  // A diverged rate above the best is a tried rate: the optimum lies below it.
  SweepRecord capped = spirals_like_sweep();
  std::erase_if(capped.trials, [](const TrialRecord& t) {
    const double rate = t.params.at("learning_rate").get<double>();
    return t.params.at("optimizer") == "sgd" && rate > 0.2 && rate < 5.0;
  });
  const json capped_report = build_report(capped);
  const json& sgd_capped = capped_report.at("by_optimizer").at("sgd");
  CHECK(sgd_capped.at("advice") == "refine");
  CHECK(sgd_capped.at("bracket") == json::array({1e-2, 10.0}));
}

TEST_CASE("the best at the lowest rate: extend downward, unless it was still improving",
          "[report_json]") {
  // adam's rates below 1e-2 removed: 1e-2 is the lowest rate tried and the best.
  SweepRecord sweep = spirals_like_sweep();
  std::erase_if(sweep.trials, [](const TrialRecord& t) {
    return t.params.at("optimizer") == "adam" && t.params.at("learning_rate").get<double>() < 5e-3;
  });
  // Converged (flat at the end): the optimum may lie below.
  for (TrialRecord& t : sweep.trials)
    if (t.params.at("optimizer") == "adam" && t.params.at("learning_rate") == 1e-2)
      for (auto& epoch : t.epochs) epoch.metrics["val_accuracy"] = 0.9;
  const json flat_report = build_report(sweep);
  CHECK(flat_report.at("by_optimizer").at("adam").at("advice") == "extend_low");
  const auto warnings = flat_report.at("warnings").get<std::vector<std::string>>();
  CHECK(std::find(warnings.begin(), warnings.end(),
                  "the optimum for adam may lie below 1e-2, the lowest learning rate tried; "
                  "extend the range downward") != warnings.end());

  // Still climbing when training ended: a lower rate would learn slower still,
  // so the optimum lies between it and the next rate up.
  for (TrialRecord& t : sweep.trials)
    if (t.params.at("optimizer") == "adam" && t.params.at("learning_rate") == 1e-2)
      for (std::size_t e = 0; e < t.epochs.size(); ++e)
        t.epochs[e].metrics["val_accuracy"] = 0.7 + 0.05 * static_cast<double>(e);
  const json climbing = build_report(sweep);
  CHECK(climbing.at("by_optimizer").at("adam").at("advice") == "refine");
  CHECK(climbing.at("by_optimizer").at("adam").at("edge") == "low");
  for (const auto& w : climbing.at("warnings"))
    CHECK_THAT(w.get<std::string>(), !Catch::Contains("optimum for adam"));
  const auto advice = climbing.at("advice").get<std::vector<std::string>>();
  CHECK(std::find(advice.begin(), advice.end(),
                  "the optimum for adam lies between 1e-2 and 1e-1 (best tried: 1e-2), the lowest "
                  "rate tried, still improving when training ended; refine the grid there") !=
        advice.end());
}

TEST_CASE("each trial's diagnosis carries its direction and the trial it was compared with",
          "[report_json]") {
  const json report = build_report(spirals_like_sweep());
  for (const json& trial : report.at("trials")) {
    const json& d = trial.at("diagnosis");
    INFO(trial.at("params").dump() << " " << d.dump());
    CHECK(d.contains("label"));
    CHECK(d.contains("reason"));
    REQUIRE(d.at("direction").is_string());
    REQUIRE(d.at("reference").is_object());
    CHECK(d.at("reference").at("margin").get<double>() > 0.0);
  }
  const json& first = report.at("trials").at(0);  // sgd 1e-4
  CHECK(first.at("diagnosis").at("direction") == "low");
  CHECK(first.at("diagnosis").at("reference").at("trial_id") == 4);
  CHECK(first.at("diagnosis").at("reference").at("learning_rate") == 1e-1);
}

TEST_CASE("warnings report diverged trials, ties and an unfinished sweep", "[report_json]") {
  SweepRecord sweep = spirals_like_sweep();
  const auto warnings = build_report(sweep).at("warnings").get<std::vector<std::string>>();
  CHECK(std::find(warnings.begin(), warnings.end(),
                  "1 of 10 trials diverged: sgd at learning_rate 10") != warnings.end());

  // A repeat of the winner's neighbour with the same value: tie at the top.
  sweep.trials[7].epochs = sweep.trials[8].epochs;  // adam 1e-3 equals adam 1e-2
  sweep.status = "interrupted";
  const auto more = build_report(sweep).at("warnings").get<std::vector<std::string>>();
  CHECK(std::find_if(more.begin(), more.end(), [](const std::string& w) {
          return w.rfind("the best configuration is tied with the one ranked 2 (", 0) == 0;
        }) != more.end());
  CHECK(std::find(more.begin(), more.end(), "the sweep is interrupted: 10 of 10 trials finished") !=
        more.end());
}

TEST_CASE("non-finite numbers become null and the JSON stays valid", "[report_json]") {
  SweepRecord sweep = spirals_like_sweep();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  sweep.trials[0].epochs[2].metrics["val_loss"] = nan;
  sweep.trials[0].epochs[2].loss_trace[4] = inf;
  sweep.trials[0].seconds = nan;
  sweep.duration_seconds = inf;
  const json report = build_report(sweep);
  const std::string text = report.dump();
  CHECK(text.find("NaN") == std::string::npos);
  CHECK(text.find("Infinity") == std::string::npos);
  const json parsed = json::parse(text);
  const json& trial = trial_entry(parsed, 1);
  CHECK(trial.at("curves").at("val_loss")[2].is_null());
  CHECK(trial.at("loss_trace")[2][4].is_null());
  CHECK(trial.at("seconds").is_null());
  CHECK(parsed.at("sweep").at("duration").is_null());
  CHECK(trial.at("diagnosis").at("label") == "diverged");
}

TEST_CASE("a sweep where nothing has a value has no best", "[report_json]") {
  SweepRecord sweep = spirals_like_sweep();
  for (TrialRecord& t : sweep.trials) diverge(t, 1, 0, 99.0);
  const json report = build_report(sweep);
  CHECK(report.at("best").is_null());
  const auto warnings = report.at("warnings").get<std::vector<std::string>>();
  CHECK(std::find(warnings.begin(), warnings.end(),
                  "no trial produced a finite val_accuracy; there is no best configuration") !=
        warnings.end());
  CHECK(report.at("by_optimizer").at("sgd").at("best_learning_rate").is_null());
}

TEST_CASE("report.json writes the resolved config once per optimizer, each trial a patch",
          "[report_json]") {
  const SweepRecord sweep = random_search_sweep(300, 2, 5);
  const json report = build_report(sweep);
  const json& bases = report.at("base_configs");
  REQUIRE(bases.size() == 3);
  // The winner's optimizer's base is the winner itself.
  const json& best = report.at("best");
  CHECK(bases.at(best.at("config").at("optimizer").get<std::string>()).at("trial_id") ==
        best.at("trial_id"));
  std::size_t empty_patches = 0;
  for (std::size_t i = 0; i < sweep.trials.size(); ++i) {
    const json& entry = report.at("trials").at(i);
    CHECK_FALSE(entry.contains("config"));
    const json& base = bases.at(entry.at("params").at("optimizer").get<std::string>());
    // Applying the patch gives the trial's whole resolved config back.
    REQUIRE(base.at("config").patch(entry.at("config_patch")) == sweep.trials[i].config.resolved());
    if (entry.at("config_patch").empty()) {
      ++empty_patches;
      CHECK(base.at("trial_id") == entry.at("id"));
    }
  }
  CHECK(empty_patches == 3);
  // Only the learning rate differs within an optimizer: one replace.
  CHECK(report.at("trials").at(0).at("config_patch").size() == 1);
}

TEST_CASE("report.json is the same whether the trials' configs share a base or not",
          "[report_json]") {
  // As the store reads them back: one base for the whole sweep (the first
  // trial's config), each trial its json::diff from it. Trials of the base's
  // optimizer patch the rate alone, the others the rate and the optimizer's
  // name; a few differ in every other way too.
  const SweepRecord whole = random_search_sweep(300, 2, 5);
  SweepRecord shared = whole;
  std::vector<json> configs;
  configs.reserve(whole.trials.size());
  for (const TrialRecord& trial : whole.trials) configs.push_back(trial.config.resolved());
  std::size_t k = 0;
  for (std::size_t i = 0; i < configs.size() && k < 6; ++i) {
    if (whole.trials[i].status != "diverged") continue;
    switch (k++) {
      case 0:
        configs[i]["training"]["optimizer"]["a/b~c"] = 1;
        break;
      case 1:
        configs[i]["training"]["optimizer"].erase("learning_rate");
        break;
      case 2:
        configs[i]["model"]["layers"][0]["units"] = 99;
        break;
      case 3:
        configs[i]["model"]["layers"].push_back({{"x", 1}});
        break;
      case 4:
        configs[i]["training"]["optimizer"] = 7;
        break;
      default:
        configs[i]["training"]["batch_size"] = 64;
        break;
    }
  }
  REQUIRE(k == 6);
  const auto base = std::make_shared<const json>(configs.front());
  for (std::size_t i = 0; i < configs.size(); ++i) {
    shared.trials[i].config = TrialConfig(base, json::diff(*base, configs[i]));
    shared.trials[i].config_hash = whole.trials[i].config_hash;
  }
  SweepRecord apart = whole;
  for (std::size_t i = 0; i < configs.size(); ++i) apart.trials[i].config = configs[i];
  const json expected = build_report(apart);
  const json report = build_report(shared);
  CHECK(report.dump() == expected.dump());
  // The patches are json::diff's from each optimizer's base.
  const json& bases = report.at("base_configs");
  REQUIRE(bases.size() == 3);
  std::size_t single = 0;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    const json& entry = report.at("trials").at(i);
    const json& from = bases.at(entry.at("params").at("optimizer").get<std::string>()).at("config");
    REQUIRE(entry.at("config_patch") == json::diff(from, configs[i]));
    if (entry.at("config_patch").size() == 1) ++single;
  }
  CHECK(single > 250);
}

TEST_CASE("each trial's config patch is json::diff's, whatever differs from its base",
          "[report_json]") {
  SweepRecord sweep = random_search_sweep(200, 2, 5);
  // Differences of every kind, in trials that are not bases (the bases are
  // each optimizer's best: the diverged trials never are).
  std::vector<TrialRecord*> changed;
  for (TrialRecord& trial : sweep.trials)
    if (trial.status == "diverged") changed.push_back(&trial);
  REQUIRE(changed.size() >= 5);
  std::vector<json> configs;
  configs.reserve(changed.size());
  for (const TrialRecord* trial : changed) configs.push_back(trial->config.resolved());
  configs[0]["training"]["optimizer"]["a/b~c"] = 1;            // an added key to escape
  configs[1]["training"]["optimizer"].erase("learning_rate");  // a removed key
  configs[2]["model"]["layers"][0]["units"] = 99;              // a change inside an array
  configs[3]["model"]["layers"].push_back({{"x", 1}});         // a longer array
  configs[4]["training"]["optimizer"] = 7;                     // an object replaced
  for (std::size_t k = 0; k < changed.size(); ++k) changed[k]->config = configs[k];
  const json report = build_report(sweep);
  const json& bases = report.at("base_configs");
  for (std::size_t i = 0; i < sweep.trials.size(); ++i) {
    const json& entry = report.at("trials").at(i);
    const json& base = bases.at(entry.at("params").at("optimizer").get<std::string>()).at("config");
    CHECK(entry.at("config_patch") == json::diff(base, sweep.trials[i].config.resolved()));
    CHECK(base.patch(entry.at("config_patch")) == sweep.trials[i].config.resolved());
  }
  CHECK(report.at("trials")
            .at(changed[0]->id - 1)
            .at("config_patch")
            .dump()
            .find("/training/optimizer/a~1b~0c") != std::string::npos);
}

TEST_CASE("a random search's diverged trials are one line: a count and where", "[report_json]") {
  SweepRecord sweep = random_search_sweep(2000, 2, 9);
  // Expected from the trials themselves: per optimizer, how many diverged and
  // the lowest rate that did (random_search_sweep diverges every trial from
  // 1.5 decades above the optimizer's best, and only those).
  std::map<std::string, std::pair<int, double>> where;
  int total = 0;
  for (const TrialRecord& trial : sweep.trials) {
    if (trial.status != "diverged") continue;
    ++total;
    auto& [count, lowest] = where.try_emplace(trial.params.at("optimizer"), 0, 1e9).first->second;
    ++count;
    lowest = std::min(lowest, trial.params.at("learning_rate").get<double>());
  }
  REQUIRE(where.size() == 2);  // adam and rmsprop; sgd's optimum is too high to diverge
  std::string expected = std::to_string(total) + " of 2000 trials diverged: ";
  for (const auto& [name, at] : where)
    expected += (name == "adam" ? "" : "; ") + name + " " + std::to_string(at.first) +
                " trials, every one from learning_rate " + format_learning_rate(at.second) +
                " upward";
  auto warnings = build_report(sweep).at("warnings").get<std::vector<std::string>>();
  CHECK(std::find(warnings.begin(), warnings.end(), expected) != warnings.end());

  // One more that diverged far below: counted apart, with its rate.
  TrialRecord* low = nullptr;
  for (TrialRecord& trial : sweep.trials)
    if (trial.params.at("optimizer") == "adam" && trial.params.at("learning_rate") < 1e-4) {
      low = &trial;
      break;
    }
  REQUIRE(low != nullptr);
  diverge(*low, 1, 0, std::numeric_limits<double>::infinity());
  const double low_rate = low->params.at("learning_rate").get<double>();
  warnings = build_report(sweep).at("warnings").get<std::vector<std::string>>();
  const auto adam = where.at("adam");
  const std::string part =
      "adam " + std::to_string(adam.first + 1) + " trials: every one from learning_rate " +
      format_learning_rate(adam.second) + " upward (" + std::to_string(adam.first) +
      "), and 1 at learning_rate " + format_learning_rate(low_rate) + ";";
  CHECK(std::find_if(warnings.begin(), warnings.end(), [&](const std::string& w) {
          return w.find(part) != std::string::npos;
        }) != warnings.end());
}
