// The SQLite backend of Storage: one file, WAL journal with
// synchronous=NORMAL, schema versioned with PRAGMA user_version and migrated
// in place (detail/schema.cpp). One connection shared by every thread under
// one mutex; trial writes made at once are committed together (the waiting
// thread that gets there first commits the others' writes with its own,
// each in a savepoint). sqlite3.h stays out of this header.
#pragma once

#include <memory>
#include <string>

#include "runner/store/storage.hpp"

namespace sweep::runner {

class SqliteStorage final : public Storage {
 public:
  // Throws StorageError with one clear line (see the messages in
  // sqlite_storage.cpp and their verbatim tests). A file that is not a sweep
  // database is never modified.
  SqliteStorage(const std::string& path, Mode mode);
  ~SqliteStorage() override;

  static constexpr int kSchemaVersion = 6;

  std::optional<SweepInfo> find_sweep(const std::string& name) override;
  std::int64_t create_sweep(const SweepInfo& info) override;
  void set_sweep_status(std::int64_t sweep_id, SweepStatus status, int jobs) override;
  std::vector<SweepInfo> list_sweeps() override;
  void set_sweep_data(std::int64_t sweep_id, const std::string& data_json) override;
  void add_trials(std::int64_t sweep_id, const std::vector<NewTrial>& trials) override;
  std::vector<TrialRow> trials(std::int64_t sweep_id) override;
  void start_trial(std::int64_t trial_id) override;
  void record_epoch(std::int64_t trial_id, const reports::EpochRecord& epoch) override;
  void finish_trial(std::int64_t trial_id, const TrialOutcome& outcome) override;
  void finish_and_start(std::int64_t finished_id, const TrialOutcome& outcome,
                        std::int64_t next_id) override;
  int recover_interrupted(std::int64_t sweep_id) override;
  reports::SweepRecord read_sweep(std::int64_t sweep_id) override;
  reports::SweepRecord read_sweep(std::int64_t sweep_id, const TrialQuery& query) override;
  void for_each_trial(std::int64_t sweep_id, const TrialQuery& query,
                      const std::function<void(reports::TrialRecord&)>& each) override;
  void for_each_score(std::int64_t sweep_id, const std::string& metric, bool maximize,
                      const std::function<void(const TrialScore&)>& each) override;
  std::vector<reports::EpochRecord> epochs(std::int64_t trial_id) override;
  std::set<std::string> metric_names(std::int64_t sweep_id) override;
  std::optional<TrialWeights> read_weights(std::int64_t trial_id) override;
  std::vector<std::int64_t> trials_with_weights(std::int64_t sweep_id) override;
  void delete_weights(const std::vector<std::int64_t>& trial_ids) override;
  void write_weights(std::int64_t trial_id, const TrialWeights& weights) override;
  LeaseResult acquire_lease(std::int64_t sweep_id, const std::string& owner,
                            double ttl_seconds) override;
  void renew_lease(std::int64_t sweep_id, const std::string& owner, double ttl_seconds) override;
  void release_lease(std::int64_t sweep_id, const std::string& owner) override;
  void guard_writes(const std::string& owner) override;
  double seconds_in_store() const override;
  double seconds_waiting() const override;
  const std::string& path() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sweep::runner
