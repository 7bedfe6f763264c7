#include "runner/store/sqlite/detail/trial_configs.hpp"

#include <fmt/format.h>

#include "runner/store/sqlite/detail/connection.hpp"
#include "runner/store/sqlite/detail/sqlite_failure.hpp"

namespace sweep::runner::detail {
namespace {

using nlohmann::json;

json parse_or_fail(std::string_view text, const char* what) {
  auto value = json::parse(text, nullptr, false);
  if (value.is_discarded()) throw SqliteFailure(fmt::format("{} is not valid json", what), 11);
  return value;
}

}  // namespace

ConfigPlanner::ConfigPlanner(std::map<std::int64_t, json> stored) : stored_(std::move(stored)) {}

const json& ConfigPlanner::base(std::int64_t ref) const {
  return ref > 0 ? stored_.at(ref) : new_bases_.at(static_cast<std::size_t>(-1 - ref));
}

ConfigPlanner::Split ConfigPlanner::split(const json& config, std::size_t config_json_size,
                                          const std::string& hint) {
  const std::size_t close_enough = config_json_size / 4;
  std::int64_t best = 0;
  std::string best_patch;
  const auto consider = [&](std::int64_t ref, const json& candidate) {
    std::string patch = reports::json_diff(candidate, config).dump();
    if (best == 0 || patch.size() < best_patch.size()) {
      best = ref;
      best_patch = std::move(patch);
    }
  };
  if (const auto last = last_for_hint_.find(hint); last != last_for_hint_.end())
    consider(last->second, base(last->second));
  if (best == 0 || best_patch.size() > close_enough) {
    // The stored bases by id, then the new ones as made: the order in which
    // they would have been stored.
    for (const auto& [id, candidate] : stored_) consider(id, candidate);
    for (std::size_t i = 0; i < new_bases_.size(); ++i)
      consider(-1 - static_cast<std::int64_t>(i), new_bases_[i]);
  }
  if (best == 0 || best_patch.size() > close_enough) {
    new_bases_.push_back(config);
    best = -static_cast<std::int64_t>(new_bases_.size());
    best_patch = "[]";
  }
  last_for_hint_[hint] = best;
  return {best, std::move(best_patch)};
}

ConfigSplitter::ConfigSplitter(Connection& connection, std::int64_t sweep_id)
    : connection_(connection), sweep_id_(sweep_id) {}

std::pair<std::int64_t, std::string> ConfigSplitter::split(const std::string& config_json,
                                                           const std::string& hint) {
  return split(parse_or_fail(config_json, "a trial's config"), config_json.size(), hint);
}

std::pair<std::int64_t, std::string> ConfigSplitter::split(const json& config,
                                                           std::size_t config_json_size,
                                                           const std::string& hint) {
  if (!planner_) {
    std::map<std::int64_t, json> stored;
    auto select = connection_.cached("SELECT id, config_json FROM configs WHERE sweep_id = ?1");
    select->bind(1, sweep_id_);
    while (select->step())
      stored.emplace(select->column_int64(0),
                     parse_or_fail(select->column_text(1), "a stored base config"));
    planner_.emplace(std::move(stored));
  }
  ConfigPlanner::Split split = planner_->split(config, config_json_size, hint);
  if (split.base < 0) {
    // A new base is first used by the config that made it.
    const auto index = static_cast<std::size_t>(-1 - split.base);
    if (index == inserted_.size()) {
      auto insert =
          connection_.cached("INSERT INTO configs (sweep_id, config_json) VALUES (?1, ?2)");
      insert->bind(1, sweep_id_);
      insert->bind(2, planner_->new_bases()[index].dump());
      insert->run();
      inserted_.push_back(connection_.last_insert_rowid());
    }
    split.base = inserted_.at(index);
  }
  return {split.base, std::move(split.patch)};
}

const std::shared_ptr<const json>& ConfigJoiner::base(std::int64_t config_id) {
  auto found = bases_.find(config_id);
  if (found == bases_.end()) {
    auto select = connection_.cached("SELECT config_json FROM configs WHERE id = ?1");
    select->bind(1, config_id);
    if (!select->step())
      throw SqliteFailure(fmt::format("a trial's base config {} is missing", config_id), 11);
    found = bases_
                .emplace(config_id, std::make_shared<const json>(
                                        parse_or_fail(select->column_text(0), "a base config")))
                .first;
  }
  return found->second;
}

reports::TrialConfig ConfigJoiner::config(std::shared_ptr<const json> base,
                                          std::string_view patch) {
  if (patch == "[]") return reports::TrialConfig(std::move(base), json::array());
  json ops = parse_or_fail(patch, "a trial's config patch");
  const auto fail = [](const std::string& why) {
    throw SqliteFailure("a trial's config patch does not apply: " + why, 11);
  };
  if (!ops.is_array()) fail("it is not an array");
  for (const json& op : ops) {
    if (!op.is_object() || !op.contains("op") || !op.contains("path") || !op["path"].is_string())
      fail("an operation has no op or path");
    const json& name = op["op"];
    try {
      const json::json_pointer at(op["path"].get_ref<const std::string&>());
      if (name == "replace" || name == "remove") {
        if (!base->contains(at)) fail("no " + at.to_string() + " in its base");
      } else if (name == "add") {
        if (!at.empty() && !base->contains(at.parent_pointer()))
          fail("no " + at.parent_pointer().to_string() + " in its base");
      } else {
        fail("op " + name.dump() + " is not add, remove or replace");
      }
    } catch (const json::exception& e) {
      fail(e.what());
    }
  }
  return reports::TrialConfig(std::move(base), std::move(ops));
}

void split_stored_configs(Connection& connection) {
  std::map<std::int64_t, ConfigSplitter> splitters;
  auto select = connection.cached(
      "SELECT id, sweep_id, config_json, params_json FROM trials ORDER BY sweep_id, idx, repeat, "
      "id");
  auto update =
      connection.cached("UPDATE trials SET config_id = ?2, config_patch = ?3 WHERE id = ?1");
  while (select->step()) {
    const std::int64_t sweep_id = select->column_int64(1);
    auto splitter = splitters.find(sweep_id);
    if (splitter == splitters.end())
      splitter = splitters.try_emplace(sweep_id, connection, sweep_id).first;
    const json params = json::parse(select->column_text(3), nullptr, false);
    const std::string hint =
        params.is_object() ? params.value("optimizer", json()).dump() : std::string();
    auto [config_id, patch] = splitter->second.split(select->column_text(2), hint);
    update->bind(1, select->column_int64(0));
    update->bind(2, config_id);
    update->bind(3, patch);
    update->run();
    update->reset();
  }
}

}  // namespace sweep::runner::detail
