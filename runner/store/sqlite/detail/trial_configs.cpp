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

ConfigSplitter::ConfigSplitter(Connection& connection, std::int64_t sweep_id)
    : connection_(connection), sweep_id_(sweep_id) {}

std::pair<std::int64_t, std::string> ConfigSplitter::split(const std::string& config_json,
                                                           const std::string& hint) {
  return split(parse_or_fail(config_json, "a trial's config"), config_json.size(), hint);
}

std::pair<std::int64_t, std::string> ConfigSplitter::split(const json& config,
                                                           std::size_t config_json_size,
                                                           const std::string& hint) {
  if (!loaded_) {
    auto select = connection_.cached("SELECT id, config_json FROM configs WHERE sweep_id = ?1");
    select->bind(1, sweep_id_);
    while (select->step())
      bases_.emplace(select->column_int64(0),
                     parse_or_fail(select->column_text(1), "a stored base config"));
    loaded_ = true;
  }
  const std::size_t close_enough = config_json_size / 4;
  std::int64_t best_id = 0;
  std::string best_patch;
  const auto consider = [&](std::int64_t id, const json& base) {
    std::string patch = reports::json_diff(base, config).dump();
    if (best_id == 0 || patch.size() < best_patch.size()) {
      best_id = id;
      best_patch = std::move(patch);
    }
  };
  if (const auto last = last_for_hint_.find(hint); last != last_for_hint_.end())
    consider(last->second, bases_.at(last->second));
  if (best_id == 0 || best_patch.size() > close_enough) {
    for (const auto& [id, base] : bases_) consider(id, base);
  }
  if (best_id == 0 || best_patch.size() > close_enough) {
    auto insert = connection_.cached("INSERT INTO configs (sweep_id, config_json) VALUES (?1, ?2)");
    insert->bind(1, sweep_id_);
    insert->bind(2, config.dump());
    insert->run();
    best_id = connection_.last_insert_rowid();
    best_patch = "[]";
    bases_.emplace(best_id, config);
  }
  last_for_hint_[hint] = best_id;
  return {best_id, std::move(best_patch)};
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
