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

}  // namespace

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
