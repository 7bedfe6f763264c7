#include "runner/store/sqlite/detail/process.hpp"

#include <cerrno>
#include <charconv>
#include <climits>

#include <signal.h>
#include <unistd.h>

namespace sweep::runner::detail {

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

bool owner_is_gone(const std::string& owner) {
  const auto colon = owner.rfind(':');
  if (colon == std::string::npos || owner.substr(0, colon) != host_name()) return false;
  const std::string_view digits = std::string_view(owner).substr(colon + 1);
  long pid = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (error != std::errc() || end != digits.data() + digits.size() || pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH;
}

}  // namespace sweep::runner::detail
