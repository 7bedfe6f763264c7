// A trial's resolved config, stored once per sweep (schema 5): the sweep's
// trials share a few base configs (table configs), and each trial keeps only
// its difference from one of them as an RFC 6902 JSON Patch
// (trials.config_id, trials.config_patch). In a random search over learning
// rates that patch is the one replaced rate, ~80 bytes instead of a ~700-byte
// config per trial.
//
// Which base: the one whose patch is smallest, found by first trying the base
// that the last trial with the same hint (its optimizer) used; a config that
// no base is close to (its patch over a quarter of its own size) becomes a
// new base.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/records.hpp"

namespace sweep::runner::detail {

class Connection;

// Chooses each config's base and patch among the bases it was given and
// those it makes up, reading and writing no database: a caller may plan a
// batch before it takes the store.
class ConfigPlanner {
 public:
  struct Split {
    std::int64_t base;  // a given base's id (> 0), or -1 - i for new_bases()[i]
    std::string patch;  // RFC 6902, as text
  };
  // stored: the sweep's bases, by id.
  explicit ConfigPlanner(std::map<std::int64_t, nlohmann::json> stored = {});
  // `config_json_size` is the size of `config` as text; `hint` groups configs
  // that are likely close (e.g. the trial's optimizer).
  Split split(const nlohmann::json& config, std::size_t config_json_size, const std::string& hint);
  // The bases split() made up, in the order it made them.
  const std::vector<nlohmann::json>& new_bases() const { return new_bases_; }

 private:
  const nlohmann::json& base(std::int64_t ref) const;

  std::map<std::int64_t, nlohmann::json> stored_;
  std::vector<nlohmann::json> new_bases_;
  std::map<std::string, std::int64_t> last_for_hint_;
};

// Splits configs into a base and a patch inside the caller's transaction,
// adding bases to the sweep as needed.
class ConfigSplitter {
 public:
  ConfigSplitter(Connection& connection, std::int64_t sweep_id);
  // (config_id, patch text) of `config_json`; `hint` as for ConfigPlanner.
  std::pair<std::int64_t, std::string> split(const std::string& config_json,
                                             const std::string& hint);
  // The same with the config already parsed (`config` is `config_json`
  // parsed), so that a caller can parse outside its transaction.
  std::pair<std::int64_t, std::string> split(const nlohmann::json& config,
                                             std::size_t config_json_size, const std::string& hint);

 private:
  Connection& connection_;
  std::int64_t sweep_id_;
  std::optional<ConfigPlanner> planner_;  // made with the stored bases on first use
  std::vector<std::int64_t> inserted_;    // the id of each of the planner's new bases
};

// Rebuilds configs from (config_id, patch), parsing each base once.
class ConfigJoiner {
 public:
  explicit ConfigJoiner(Connection& connection) : connection_(connection) {}
  // The trial's config as its base and patch (nothing copied): the base
  // (read once, on this thread: it may query; throws SqliteFailure,
  // SQLITE_CORRUPT, when it is missing), then the patch read against it,
  // which reads nothing and may run on any thread. Throws SqliteFailure
  // (SQLITE_CORRUPT) when the patch is not one json::diff could have made
  // against that base (each operation's path there).
  const std::shared_ptr<const nlohmann::json>& base(std::int64_t config_id);
  static reports::TrialConfig config(std::shared_ptr<const nlohmann::json> base,
                                     std::string_view patch);

 private:
  Connection& connection_;
  std::map<std::int64_t, std::shared_ptr<const nlohmann::json>> bases_;
};

// The v4 -> v5 step's data part: moves every trial's config_json into
// bases and patches (the columns exist; config_json is dropped after).
void split_stored_configs(Connection& connection);

}  // namespace sweep::runner::detail
