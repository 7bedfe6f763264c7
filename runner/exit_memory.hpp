// Memory left for the process's exit to return. Freeing a 100,000-trial
// sweep's record, report and plans object by object takes longer than
// writing its reports (~0.5 s at 10,000 trials); the operating system takes
// the whole heap back at once. Only for a process that ends next (the CLI's
// `run`): a library caller frees as usual. What is kept stays reachable, so
// leak checkers do not count it (LLVM's BuryPointer does the same).
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace sweep::runner {

void keep_until_exit(std::shared_ptr<void> object);

template <class T>
void leave_to_exit(T&& value) {
  keep_until_exit(std::make_shared<std::decay_t<T>>(std::forward<T>(value)));
}

}  // namespace sweep::runner
