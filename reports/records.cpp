#include "reports/records.hpp"

#include <stdexcept>
#include <string_view>
#include <utility>

namespace sweep::reports {

using nlohmann::json;

TrialConfig::TrialConfig(json resolved)
    : base_(std::make_shared<const json>(std::move(resolved))) {}

TrialConfig::TrialConfig(std::shared_ptr<const json> base, json patch)
    : base_(std::move(base)), patch_(std::move(patch)) {}

const json& TrialConfig::base() const {
  static const json empty = json::object();
  return base_ ? *base_ : empty;
}

json TrialConfig::resolved() const {
  if (patch_.empty()) return base();
  try {
    return base().patch(patch_);
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("a trial's config patch does not apply: ") + e.what());
  }
}

namespace {

// Whether one of two JSON pointers is the other or inside it.
bool overlap(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return b.starts_with(a) && (a.size() == b.size() || b[a.size()] == '/');
}

// "/" and the key as a JSON Pointer token (RFC 6901: ~ as ~0, / as ~1).
std::string pointer_to(const std::string& path, const std::string& key) {
  std::string out = path + "/";
  for (const char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// Appends json_diff(source, target) under `path` to patch.
void add_patch(const json& source, const json& target, const std::string& path, json& patch) {
  if (!source.is_object() || !target.is_object()) {
    for (json& op : json::diff(source, target, path)) patch.push_back(std::move(op));
    return;
  }
  for (auto it = source.cbegin(); it != source.cend(); ++it) {
    const auto found = target.find(it.key());
    if (found == target.end()) {
      json::object_t op;
      op.emplace("op", "remove");
      op.emplace("path", pointer_to(path, it.key()));
      patch.push_back(std::move(op));
    } else if (*found != it.value()) {
      add_patch(it.value(), *found, pointer_to(path, it.key()), patch);
    }
  }
  for (auto it = target.cbegin(); it != target.cend(); ++it) {
    if (source.contains(it.key())) continue;
    json::object_t op;
    op.emplace("op", "add");
    op.emplace("path", pointer_to(path, it.key()));
    op.emplace("value", it.value());
    patch.push_back(std::move(op));
  }
}

}  // namespace

json json_diff(const json& source, const json& target) {
  json patch = json::array();
  add_patch(source, target, "", patch);
  return patch;
}

json TrialConfig::find(const std::string& pointer) const {
  const json::json_pointer at(pointer);
  for (const json& op : patch_) {
    const auto path = op.find("path");
    if (op.value("op", "") == "move" || op.value("op", "") == "copy" || path == op.end() ||
        !path->is_string() || overlap(path->get_ref<const std::string&>(), pointer)) {
      const json whole = resolved();
      return whole.contains(at) ? whole.at(at) : json();
    }
  }
  return base().contains(at) ? base().at(at) : json();
}

}  // namespace sweep::reports
