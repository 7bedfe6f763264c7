// Holds a sweep's lease for as long as it lives: a thread renews it every
// ttl/3, so the lease expires ttl seconds after the owner stops (a crash, a
// kill -9 on another host), and the destructor releases it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "runner/store/storage.hpp"

namespace sweep::runner {

// "hostname:pid": the owner string of this process.
std::string lease_owner_id();

class LeaseKeeper {
 public:
  // Takes no lease itself: call Storage::acquire_lease first.
  LeaseKeeper(Storage& store, std::int64_t sweep_id, std::string owner, double ttl_seconds = 30);
  // Stops the renewing thread at once and releases the lease. Never throws.
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // The message of the renewal that failed (the lease was lost, the database
  // failed), after which the keeper stops renewing; nullopt while all is well.
  std::optional<std::string> failure() const;

 private:
  void renew_until_stopped();

  Storage& store_;
  std::int64_t sweep_id_;
  std::string owner_;
  double ttl_seconds_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::optional<std::string> failure_;
  std::thread thread_;  // last: starts after every member it uses exists
};

}  // namespace sweep::runner
