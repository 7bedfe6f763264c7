// The sweep database: one SQLite file holding any number of sweeps, their
// trials, every epoch's metrics and loss trace, and a lease that names the one
// process allowed to run each sweep.
//
// Contract (every implementation and its tests follow it):
// - Thread safety: one Store may be shared by any number of threads; every
//   call that touches the database holds the Store's mutex, so calls are
//   serialised. Different processes (and different Store objects) may open the
//   same file at once: SQLite's WAL lets readers read while one writer writes.
// - Writers: only the holder of a sweep's lease may start, record or finish
//   its trials; the store records the lease but the runner enforces it.
// - Durability: WAL journal with synchronous=NORMAL. Each write call is
//   atomic (all of it or nothing) and committed before the call returns.
//   Trial writes (start_trial, record_epoch, finish_trial, finish_and_start)
//   that threads make at the same moment may share one commit (group
//   commit): one write failing is rolled back alone. The runner records each
//   epoch before the next starts, and a trial's last epoch with its outcome
//   (TrialOutcome::final_epoch), so that a worker moving on to its next trial
//   commits once (finish_and_start). A committed epoch survives
//   a crash or kill -9 of the process; an OS crash or power loss can lose the
//   last few commits (not yet checkpointed to disk) but never corrupts the
//   file, which reopens at its last durable commit.
// - Trial states change only as can_transition() allows; start_trial and
//   finish_trial throw std::logic_error otherwise.
// - Errors: StorageError, one lower-case line naming the file.
// - Non-finite numbers: NaN and infinities round-trip through every metric,
//   objective, divergence loss and loss trace.
// - Weights: a trial's weights (TrialWeights) are written with its outcome, in
//   the outcome's transaction, or later for a finished trial (write_weights),
//   kept apart from the tables every listing and
//   report reads (a sweep that keeps every trial's weights reads as fast as
//   one that keeps none), and read back bit for bit. Starting a trial again
//   deletes them with its other rows.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reports/records.hpp"
#include "runner/store/storage_error.hpp"
#include "runner/store/sweep_status.hpp"
#include "runner/store/trial_status.hpp"
#include "runner/store/trial_weights.hpp"

namespace sweep::runner {

struct SweepInfo {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  std::string spec_json;
  std::string spec_hash;
  std::string status;       // running | completed | interrupted | failed
  std::string created_at;   // ISO 8601 UTC; create_sweep fills it when empty
  std::string finished_at;  // empty while running
  std::string host;
  std::string version;
  int jobs = 0;
  std::string owner;  // the lease holder ("host:pid"), empty when none
  // Time spent running, summed over the original run and every resume.
  double duration_seconds = 0;
  // Facts about the loaded data, as JSON ({"validation_rows": ..., ...}); "{}"
  // when never recorded (set_sweep_data).
  std::string data_json = "{}";
};

struct NewTrial {
  int index = 0;  // position in expansion order
  std::string config_json;
  std::string params_json;
  std::string config_hash;
  int repeat = 0;
  std::uint64_t seed = 0;
  double cost = 0;  // expected relative cost; the scheduler runs the dearest first
};

struct TrialRow {
  std::int64_t id = 0;
  std::int64_t sweep_id = 0;
  int index = 0;
  // (The trial's config comes back in read_sweep's TrialRecord::config.)
  std::string params_json;
  std::string config_hash;
  int repeat = 0;
  std::uint64_t seed = 0;
  double cost = 0;
  TrialStatus status = TrialStatus::pending;
  std::string error;
  std::string started_at;
  std::string finished_at;
  double seconds = 0;
  int epochs_done = 0;  // epoch rows committed for this trial
};

struct TrialOutcome {
  TrialStatus status = TrialStatus::completed;
  std::string error;  // failed: the message
  std::optional<reports::Divergence> divergence;
  int best_epoch = 0;
  // The objective metric at the best epoch: its best finite value over the
  // trial's epochs (those this outcome records too), as the reports take it.
  // for_each_score reads it in place of the epochs; nullopt when no epoch has
  // a finite value.
  std::optional<double> objective;
  std::map<std::string, double> test_metrics;
  double seconds = 0;
  // The trial's last epoch when it has not been recorded yet: finishing the
  // trial records it (as record_epoch would) in the same transaction.
  std::optional<reports::EpochRecord> final_epoch;
  // The trained model, when it is to be kept: finishing the trial stores it
  // in the same transaction. Shared, so that copies of an outcome are cheap.
  std::shared_ptr<const TrialWeights> weights;
};

// Which trials a partial read returns, and how much of each.
struct TrialQuery {
  // Only the trials of these configurations (by config_hash); every trial
  // when unset.
  std::optional<std::vector<std::string>> config_hashes;
  bool epochs = true;       // their epochs with every metric
  bool loss_traces = true;  // ... and each epoch's loss trace (needs epochs)
  bool config = true;       // their resolved config (TrialRecord::config)
};

// One trial as the ranking sees it (reports/ranking.hpp): its configuration,
// repeat, status and objective value.
struct TrialScore {
  std::int64_t id = 0;
  std::string config_hash;
  int repeat = 0;
  TrialStatus status = TrialStatus::pending;
  // The best finite value of the objective metric over the trial's epochs
  // (highest when maximising), what reports::trial_objective gives; nullopt
  // when it has none, and always for diverged and failed trials (whose values
  // never count).
  std::optional<double> value;
};

struct LeaseResult {
  bool acquired = false;
  std::string holder;  // the owner after the call: us when acquired, the other owner otherwise
};

class Storage {
 public:
  enum class Mode {
    read_write,  // creates the file if missing, migrates an older schema
    read_only,   // the file must exist and have the current schema
  };

  virtual ~Storage() = default;
  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // A lease's time to live: what create_sweep gives its owner, and what the
  // runner asks for (its LeaseKeeper renews every third of it).
  static constexpr double kLeaseSeconds = 30.0;

  virtual std::optional<SweepInfo> find_sweep(const std::string& name) = 0;
  // Inserts a sweep (status defaults to running, created_at to now) and
  // returns its id. When info.owner is set the sweep starts leased to it for
  // kLeaseSeconds. Throws SweepExists (a StorageError) when the name is
  // taken, having written nothing.
  virtual std::int64_t create_sweep(const SweepInfo& info) = 0;
  // Sets status and jobs; leaving running also sets finished_at and adds the
  // time since the sweep last became running to duration_seconds. Throws
  // std::logic_error unless can_transition(current, status).
  virtual void set_sweep_status(std::int64_t sweep_id, SweepStatus status, int jobs) = 0;
  virtual std::vector<SweepInfo> list_sweeps() = 0;  // in creation order
  // Replaces the sweep's data facts (a JSON object; read back as
  // SweepRecord::data). The runner writes them each time it loads the data.
  virtual void set_sweep_data(std::int64_t sweep_id, const std::string& data_json) = 0;

  // One transaction; a trial whose (config_hash, repeat) the sweep already
  // has is left as it is (INSERT OR IGNORE), so re-running a spec adds only
  // what is new.
  virtual void add_trials(std::int64_t sweep_id, const std::vector<NewTrial>& trials) = 0;
  virtual std::vector<TrialRow> trials(std::int64_t sweep_id) = 0;  // ordered by index, repeat

  // One transaction: deletes the trial's epoch, metric and trace rows from an
  // earlier partial run (it restarts from scratch), then marks it running
  // with started_at = now. Throws std::logic_error unless it may go to running.
  virtual void start_trial(std::int64_t trial_id) = 0;
  // One transaction, committed before returning. Throws std::logic_error when
  // the trial is not running.
  virtual void record_epoch(std::int64_t trial_id, const reports::EpochRecord& epoch) = 0;
  // One transaction: records outcome.final_epoch when there is one, then sets
  // the outcome. Throws std::logic_error unless can_transition(current,
  // outcome.status) and outcome.status is one a running trial ends in.
  virtual void finish_trial(std::int64_t trial_id, const TrialOutcome& outcome) = 0;
  // finish_trial(finished_id, outcome) then start_trial(next_id) in one
  // transaction: a worker moving on to its next trial commits once, not
  // twice. Either both happen or neither does.
  virtual void finish_and_start(std::int64_t finished_id, const TrialOutcome& outcome,
                                std::int64_t next_id) = 0;
  // After a crash, once the lease is ours: running -> interrupted. Returns
  // how many trials changed.
  virtual int recover_interrupted(std::int64_t sweep_id) = 0;

  // Everything the reports need that the store holds: the sweep and its
  // trials with epochs, traces, test metrics and divergence. The objective,
  // classes and swept names come from the spec and are left to the caller.
  virtual reports::SweepRecord read_sweep(std::int64_t sweep_id) = 0;
  // The same, with only the trials (and the parts of them) `query` asks for,
  // in the same order, from one snapshot.
  virtual reports::SweepRecord read_sweep(std::int64_t sweep_id, const TrialQuery& query) = 0;
  // Each trial `query` selects, one at a time in read_sweep's order (index,
  // repeat, id), from one snapshot: memory stays that of one trial whatever
  // the sweep's size. `each` may move from its argument; it must not call
  // this Storage (the call holds its mutex).
  virtual void for_each_trial(std::int64_t sweep_id, const TrialQuery& query,
                              const std::function<void(reports::TrialRecord&)>& each) = 0;
  // Each trial's score for the objective `metric` (maximised or not), in
  // read_sweep's order, from one snapshot, without reading its epochs into
  // memory: what ranking a sweep needs and nothing more. For the sweep's own
  // objective (its spec's), a completed or pruned trial's value is its
  // stored finite TrialOutcome::objective. Same rule for `each`.
  virtual void for_each_score(std::int64_t sweep_id, const std::string& metric, bool maximize,
                              const std::function<void(const TrialScore&)>& each) = 0;
  virtual std::vector<reports::EpochRecord> epochs(std::int64_t trial_id) = 0;
  // Every metric name that an epoch of the sweep recorded ("loss",
  // "val_accuracy", "val_f1_score", ...), as the keys of its EpochRecords.
  virtual std::set<std::string> metric_names(std::int64_t sweep_id) = 0;

  // The stored weights of a trial; nullopt when it has none.
  virtual std::optional<TrialWeights> read_weights(std::int64_t trial_id) = 0;
  // The trials of the sweep that have stored weights, by id.
  virtual std::vector<std::int64_t> trials_with_weights(std::int64_t sweep_id) = 0;
  // One transaction: deletes the stored weights of these trials (those that
  // have none are skipped). A trial write: guard_writes applies.
  virtual void delete_weights(const std::vector<std::int64_t>& trial_ids) = 0;
  // One transaction: stores (replacing any) the weights of a trial that has
  // finished as completed or pruned, the outcomes that keep weights. Throws
  // std::logic_error for a trial in any other state. A trial write:
  // guard_writes applies.
  virtual void write_weights(std::int64_t trial_id, const TrialWeights& weights) = 0;

  // One owner per sweep ("host:pid"). Acquired when there is no owner, the
  // lease has expired, the owner is us, or the owner is on this host and its
  // pid no longer exists (kill(pid, 0) fails with ESRCH): a kill -9'd owner
  // never locks a sweep, and no one has to wait for the expiry.
  virtual LeaseResult acquire_lease(std::int64_t sweep_id, const std::string& owner,
                                    double ttl_seconds) = 0;
  // Throws StorageError when owner no longer holds the lease.
  virtual void renew_lease(std::int64_t sweep_id, const std::string& owner, double ttl_seconds) = 0;
  // Does nothing when owner does not hold the lease.
  virtual void release_lease(std::int64_t sweep_id, const std::string& owner) = 0;
  // From now on, every trial write through this object (start_trial,
  // record_epoch, finish_trial, finish_and_start, delete_weights,
  // write_weights) first checks, inside its
  // own transaction, that `owner` still holds the lease of the trial's
  // sweep, and throws LeaseLost without writing anything otherwise: a process
  // that lost its sweep (stopped for longer than the lease, then resumed while
  // another process took over) can never write into it.
  virtual void guard_writes(const std::string& owner) = 0;

  // Cumulative wall time spent doing store work: inside Storage calls while
  // holding the mutex (for the benchmark's "time in the store" figure). The
  // wait for the mutex is left out: with several worker threads, waiting is
  // scheduling, and counting it would count the other thread's store work
  // twice. Opening the file (the constructor) is not counted.
  virtual double seconds_in_store() const = 0;
  // Cumulative wall time threads spent waiting for the mutex before a call.
  virtual double seconds_waiting() const = 0;
  // Where the storage lives, as given to open_storage (for messages).
  virtual const std::string& path() const = 0;
};

// Opens the storage at `location` with the backend its prefix names
// ("sqlite:PATH"), or SQLite for a plain path. Throws StorageError with one
// clear line; a file that is not a sweep database is never modified.
std::unique_ptr<Storage> open_storage(const std::string& location, Storage::Mode mode);

}  // namespace sweep::runner
