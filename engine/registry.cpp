// The name lookup's messages, shared by every registry (and by ParamReader
// for parameter names).
#include "engine/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace sweep::engine {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& known) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : known) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string unknown_name_hint(std::string_view name, const std::vector<std::string>& known) {
  if (known.empty()) return {};
  // The question mark ends the suggestion, so "known" follows it directly.
  if (auto guess = did_you_mean(name, known)) {
    return "; did you mean \"" + *guess + "\"? known: " + join(known);
  }
  return "; known: " + join(known);
}

std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& known) {
  return "unknown " + std::string{what} + " \"" + std::string{name} + "\"" +
         unknown_name_hint(name, known);
}

namespace detail {

void bad_registry_entry(const std::string& family, const std::string& name, const char* problem) {
  throw std::invalid_argument(family + " registry: entry \"" + name + "\" is " + problem);
}

}  // namespace detail
}  // namespace sweep::engine
