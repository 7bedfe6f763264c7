#include "runner/exit_memory.hpp"

#include <mutex>
#include <vector>

namespace sweep::runner {

void keep_until_exit(std::shared_ptr<void> object) {
  static std::mutex mutex;
  // Never destroyed: destroying it would free what it holds.
  static auto* const kept = new std::vector<std::shared_ptr<void>>();
  const std::lock_guard lock(mutex);
  kept->push_back(std::move(object));
}

}  // namespace sweep::runner
