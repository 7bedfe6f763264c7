// Sweep specs: parsing, Hydra-style overrides, validation that reports every
// problem at once, and the resolved form that identifies a sweep.
//
// A spec is JSON (see the README); unknown keys are errors. Validation fills
// every default, so the resolved spec says exactly what runs, and its hash is
// the sweep's identity.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/errors.hpp"
#include "runner/store/trial_weights.hpp"

namespace sweep::runner {

// One search dimension: values for one key of the trial config.
struct Axis {
  std::string key;   // as written in the spec: "learning_rate", "model.layers[0].units"
  std::string path;  // where it goes: "training.optimizer.learning_rate"
  enum class Kind { list, uniform, loguniform } kind = Kind::list;
  std::vector<nlohmann::json> values;  // list: the values (generated ones rounded to 6 digits)
  double low = 0.0;                    // uniform / loguniform (random search only)
  double high = 0.0;
};

// One value of the "optimizer" axis, with the axes that apply to it alone.
struct OptimizerChoice {
  nlohmann::json fixed;    // {"name": "sgd", "nesterov": true}
  std::vector<Axis> axes;  // keys are optimizer parameters ("momentum")
};

struct Spec {
  std::string source;       // file name, for messages
  nlohmann::json resolved;  // the spec with every default filled in
  std::string hash;         // the sweep's identity: hash of `resolved`
  std::string name;
  std::string description;
  std::uint64_t seed = 0;
  nlohmann::json base;          // dataset, model, training before the search is applied
  std::string method = "grid";  // grid | random
  int random_trials = 0;
  int repeats = 1;
  // The number of the first repeat (search.first_repeat): repeats are
  // first_repeat .. first_repeat + repeats - 1, each with the seed
  // f(seed, config, repeat). `sweep best --spec` sets it to rerun the repeat
  // the report quotes.
  int first_repeat = 0;
  std::vector<OptimizerChoice> optimizers;  // empty: the optimizer is not swept
  std::vector<Axis> axes;                   // every other swept key
  std::string objective_metric;
  bool maximize = true;
  bool divergence = true;
  double divergence_factor = 4.0;
  int divergence_epochs = 2;  // whole dead epochs in a row that count as divergence
  // Pruning for compute, on whole rungs: none, successive_halving, hyperband.
  std::string pruning_method = "none";
  // pruning.min_epochs: the first rung's position in epochs (r), a fraction
  // of an epoch allowed; "auto" (the default) resolves to auto_min_epochs.
  double min_epochs = 1.0;
  int reduction_factor = 3;  // pruning.reduction_factor: 1 of this many trials goes on (eta)
  // Which trials keep their trained weights (storage.weights). Not part of
  // the hash: it changes what is kept, not what is trained.
  WeightsPolicy weights = WeightsPolicy::best;
  // Keys of the swept parameters, in display order ("optimizer", "learning_rate", ...).
  std::vector<std::string> swept_keys() const;
  // What does not stop the spec but is probably not meant, e.g. from_logits on a
  // softmax output; paths as in SpecProblem. Not part of the sweep's identity.
  std::vector<SpecProblem> warnings;
  // One line per warning: "SOURCE: PATH: MESSAGE".
  std::vector<std::string> warning_lines() const;
};

// Where a spec comes from. A loss that does not fit the output layer refuses a
// new spec; a stored one ran before that check existed and must stay readable,
// so there the problem is only a warning.
enum class SpecOrigin { user, stored };

// A sweep's name: [a-z0-9_-]+, at most kMaxNameLength characters. Also what
// makes a name read back from a database safe as a folder name.
inline constexpr std::size_t kMaxNameLength = 64;
bool valid_sweep_name(std::string_view name);

// Reads `path`, applies `overrides` (KEY=VALUES), validates. Throws SpecError
// (every problem) or UsageError (a malformed override). Dataset paths are
// made absolute: those in the file against the file's folder, those in
// overrides against the working directory; a CSV label_column given by index
// (or left to the default, the last column) becomes the header's name for it
// when the file can be read, so both spellings are one sweep.
Spec load_spec(const std::string& path, const std::vector<std::string>& overrides = {});
// What load_spec validates: the file's JSON with its paths resolved, the
// overrides applied and the label column named. Throws SpecError for a file
// that is not a JSON object, UsageError for a malformed override.
nlohmann::json read_spec_file(const std::string& path,
                              const std::vector<std::string>& overrides = {});
// read_spec_file on a file's text (no data file is opened).
nlohmann::json read_spec_json(const std::string& text, const std::string& path,
                              const std::vector<std::string>& overrides = {});
// load_spec on the file's text, `path` naming it in messages (the fuzz
// target's entry point too).
Spec load_spec_text(const std::string& text, const std::string& path,
                    const std::vector<std::string>& overrides = {});
// Validates an already parsed spec (e.g. the one stored with a sweep, with
// SpecOrigin::stored).
Spec parse_spec(const nlohmann::json& spec, const std::string& source,
                SpecOrigin origin = SpecOrigin::user);
// Applies Hydra-style overrides to a spec: `key=a,b` (a list: replaces or adds
// a search axis), `key=lo:hi:logN` or `lo:hi:N` (logspace / linspace), `key=v`
// (fixes the value and removes any axis of that key).
void apply_overrides(nlohmann::json& spec, const std::vector<std::string>& overrides);

// Dataset paths (path, test_path, validation_path, ...) in a spec, and in
// its dataset path axes, made absolute against `folder` when relative.
void resolve_data_paths(nlohmann::json& spec, const std::filesystem::path& folder);
// A csv dataset's label_column given by index, or empty, replaced by the
// header's name for it when the file's first line can be read.
void name_label_column(nlohmann::json& spec);

// What a config's (or a resolved spec's) hash is taken of: dataset keys added
// after sweeps were stored are left out when they hold the value that behaves
// as before (validation_split_mode "last", missing "error", normalize's old
// scaling, no validation_path), so a stored sweep keeps its identity.
nlohmann::json identity_view(const nlohmann::json& config);
// What a trial's seed derives from: identity_view without the dataset's file
// locations, so the same data in another folder trains to the same numbers.
nlohmann::json seed_view(const nlohmann::json& config);
// "none", "best", "all", and back.
std::string_view to_string(WeightsPolicy policy);
std::optional<WeightsPolicy> parse_weights_policy(std::string_view text);

// Resolves one trial's raw config ({dataset, model, training}): fills
// defaults and validates; problems are appended with paths under `prefix`.
nlohmann::json resolve_config(const nlohmann::json& raw, std::vector<SpecProblem>& problems);

// Sets `value` at a dotted path ("model.layers[0].units") inside `root`;
// returns an error message, or an empty string on success.
std::string set_path(nlohmann::json& root, const std::string& path, const nlohmann::json& value);

// The JSON path a search key writes to ("learning_rate" ->
// "training.optimizer.learning_rate"), or empty when the key is not allowed.
std::string axis_path(const std::string& key);

}  // namespace sweep::runner
