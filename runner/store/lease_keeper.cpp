#include "runner/store/lease_keeper.hpp"

#include <chrono>

#include <unistd.h>

#include "runner/store/sqlite/detail/process.hpp"

namespace sweep::runner {

std::string lease_owner_id() {
  return detail::host_name() + ":" + std::to_string(static_cast<long>(getpid()));
}

LeaseKeeper::LeaseKeeper(Storage& store, std::int64_t sweep_id, std::string owner,
                         double ttl_seconds)
    : store_(store),
      sweep_id_(sweep_id),
      owner_(std::move(owner)),
      ttl_seconds_(ttl_seconds),
      thread_([this] { renew_until_stopped(); }) {}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  try {
    store_.release_lease(sweep_id_, owner_);
  } catch (...) {
    // The lease then expires on its own after ttl seconds.
  }
}

std::optional<std::string> LeaseKeeper::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void LeaseKeeper::renew_until_stopped() {
  const auto period = std::chrono::duration<double>(ttl_seconds_ / 3.0);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
    lock.unlock();
    std::optional<std::string> error;
    try {
      store_.renew_lease(sweep_id_, owner_, ttl_seconds_);
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    if (error) {
      failure_ = std::move(error);
      return;
    }
  }
}

}  // namespace sweep::runner
