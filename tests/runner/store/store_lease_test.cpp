// The lease: one process runs a sweep at a time, and a dead owner never
// locks it. No test sleeps: expiry is made by a negative time-to-live, death
// by a child process that has exited and been reaped.
#include <catch2/catch.hpp>

#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "runner/store/lease_keeper.hpp"
#include "runner/store/sqlite/detail/process.hpp"
#include "runner/store/storage.hpp"
#include "tests/runner/store/store_backends.hpp"
#include "tests/runner/store/store_helpers.hpp"

using sweep::runner::LeaseKeeper;
using sweep::runner::Storage;
using namespace sweep::runner::testing;

namespace {

// The owner id of a process that existed and is now gone.
std::string dead_owner() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return sweep::runner::detail::host_name() + ":" + std::to_string(child);
}

}  // namespace

TEMPLATE_TEST_CASE("lease: the owner id is host:pid", "[store]", SqliteBackend) {
  CHECK(sweep::runner::lease_owner_id() ==
        sweep::runner::detail::host_name() + ":" + std::to_string(getpid()));
}

TEMPLATE_TEST_CASE("lease: a second owner is refused and told who holds it", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  const std::string me = sweep::runner::lease_owner_id();

  auto first = store.acquire_lease(id, me, 60);
  CHECK(first.acquired);
  CHECK(first.holder == me);
  CHECK(store.find_sweep("fashion")->owner == me);
  // The same owner again (a second Store in this process): acquired.
  CHECK(store.acquire_lease(id, me, 60).acquired);

  // Another live process (our parent, on this host) is refused.
  const std::string other = sweep::runner::detail::host_name() + ":" + std::to_string(getppid());
  const auto second_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& second = *second_owned;
  auto refused = second.acquire_lease(id, other, 60);
  CHECK_FALSE(refused.acquired);
  CHECK(refused.holder == me);
  // A live owner on another host is refused too: its pid means nothing here.
  auto remote = second.acquire_lease(id, "elsewhere.example:1", 60);
  CHECK_FALSE(remote.acquired);
  CHECK(remote.holder == me);

  store.release_lease(id, me);
  CHECK(store.find_sweep("fashion")->owner.empty());
  CHECK(second.acquire_lease(id, other, 60).acquired);
  CHECK(store.find_sweep("fashion")->owner == other);
}

TEMPLATE_TEST_CASE("lease: an expired lease is taken", "[store]", SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  // A remote owner whose lease ran out (a time-to-live in the past).
  REQUIRE(store.acquire_lease(id, "elsewhere.example:4242", -1).acquired);
  auto taken = store.acquire_lease(id, sweep::runner::lease_owner_id(), 30);
  CHECK(taken.acquired);
  CHECK(taken.holder == sweep::runner::lease_owner_id());
}

TEMPLATE_TEST_CASE("lease: the lease of a dead process on this host is taken at once", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  const std::string dead = dead_owner();
  REQUIRE(store.acquire_lease(id, dead, 3600).acquired);
  auto taken = store.acquire_lease(id, sweep::runner::lease_owner_id(), 30);
  CHECK(taken.acquired);
  CHECK(store.find_sweep("fashion")->owner == sweep::runner::lease_owner_id());
}

TEMPLATE_TEST_CASE("lease: a sweep created with an owner starts leased to it", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  auto info = sample_sweep("fashion");
  info.owner = "elsewhere.example:7";
  const auto id = store.create_sweep(info);
  auto refused = store.acquire_lease(id, sweep::runner::lease_owner_id(), 30);
  CHECK_FALSE(refused.acquired);
  CHECK(refused.holder == "elsewhere.example:7");
}

TEMPLATE_TEST_CASE("lease: renew keeps it, and fails once it was lost", "[store]", SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  const std::string me = sweep::runner::lease_owner_id();
  REQUIRE(store.acquire_lease(id, me, -1).acquired);  // already expired...
  store.renew_lease(id, me, 60);                      // ...and renewed
  CHECK_FALSE(store.acquire_lease(id, "elsewhere.example:1", 60).acquired);

  REQUIRE(store.acquire_lease(id, me, -1).acquired);
  REQUIRE(store.acquire_lease(id, "elsewhere.example:1", 60).acquired);  // taken over
  CHECK_THROWS_WITH(store.renew_lease(id, me, 60), me + " lost the lease on sweep \"fashion\" in " +
                                                       path +
                                                       "; it is held by elsewhere.example:1");
  // Releasing a lease we do not hold leaves the holder alone.
  store.release_lease(id, me);
  CHECK(store.find_sweep("fashion")->owner == "elsewhere.example:1");
  store.release_lease(id, "elsewhere.example:1");
  CHECK_THROWS_WITH(store.renew_lease(id, me, 60),
                    me + " lost the lease on sweep \"fashion\" in " + path + "; no one holds it");
}

TEMPLATE_TEST_CASE("lease: the keeper releases the lease when it goes, without waiting", "[store]",
                   SqliteBackend) {
  TempDir dir;
  const auto store_owned = TestType::open(dir.file("sweep.db"), Storage::Mode::read_write);
  Storage& store = *store_owned;
  const auto id = store.create_sweep(sample_sweep("fashion"));
  const std::string me = sweep::runner::lease_owner_id();
  REQUIRE(store.acquire_lease(id, me, 3600).acquired);
  {
    // A renewal every 20 minutes: the destructor must not wait for it.
    LeaseKeeper keeper(store, id, me, 3600);
    CHECK_FALSE(keeper.failure());
    CHECK(store.find_sweep("fashion")->owner == me);
  }
  CHECK(store.find_sweep("fashion")->owner.empty());
}

TEMPLATE_TEST_CASE("lease: a guarded storage refuses every trial write once the lease is lost",
                   "[store]", SqliteBackend) {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  const auto store_owned = TestType::open(path, Storage::Mode::read_write);
  Storage& store = *store_owned;
  const std::string me = sweep::runner::lease_owner_id();
  auto info = sample_sweep("fashion");
  info.owner = me;
  const auto id = store.create_sweep(info);
  store.add_trials(id, sample_trials(3));
  const auto rows = store.trials(id);
  store.guard_writes(me);
  store.start_trial(rows[0].id);
  store.record_epoch(rows[0].id, sample_epoch(1));  // ours: written

  // Another process takes the sweep over.
  const auto other_owned = TestType::open(path, Storage::Mode::read_write);
  REQUIRE(other_owned->acquire_lease(id, me, -1).acquired);  // expire ours
  REQUIRE(other_owned->acquire_lease(id, "elsewhere.example:1", 60).acquired);

  const std::string lost = "lost the lease of sweep \"fashion\" in " + path +
                           ": elsewhere.example:1 holds it now; this process stopped without "
                           "writing (the sweep goes on there)";
  sweep::runner::TrialOutcome outcome;
  CHECK_THROWS_AS(store.record_epoch(rows[0].id, sample_epoch(2)), sweep::runner::LeaseLost);
  CHECK_THROWS_WITH(store.record_epoch(rows[0].id, sample_epoch(2)), lost);
  CHECK_THROWS_WITH(store.finish_trial(rows[0].id, outcome), lost);
  CHECK_THROWS_WITH(store.finish_and_start(rows[0].id, outcome, rows[1].id), lost);
  CHECK_THROWS_WITH(store.start_trial(rows[2].id), lost);
  CHECK_THROWS_WITH(store.write_weights(rows[0].id, sweep::runner::TrialWeights{}), lost);
  CHECK_THROWS_WITH(store.delete_weights({rows[0].id}), lost);
  // Nothing was written: one epoch, the first trial still running, the others pending.
  CHECK(store.epochs(rows[0].id).size() == 1);
  const auto after = store.trials(id);
  CHECK(after[0].status == sweep::runner::TrialStatus::running);
  CHECK(after[1].status == sweep::runner::TrialStatus::pending);
  CHECK(after[2].status == sweep::runner::TrialStatus::pending);
  // An unguarded storage (a reader's, a report's) is not refused its reads.
  CHECK(other_owned->epochs(rows[0].id).size() == 1);
}
