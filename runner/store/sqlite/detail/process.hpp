// The facts about this process that a lease needs.
#pragma once

#include <string>

namespace sweep::runner::detail {

// This machine's host name ("localhost" when it cannot be read).
std::string host_name();

// True when "HOST:PID" names a process on this host that no longer exists
// (kill(pid, 0) fails with ESRCH). False for another host, a live process,
// or an owner string in any other form: when in doubt, the owner is alive.
bool owner_is_gone(const std::string& owner);

}  // namespace sweep::runner::detail
