// Read-only queries on a sweep database, for the command-line tests: they
// check what the real binary wrote, with SQLite itself.
#pragma once

#include <string>
#include <vector>

struct sqlite3;

namespace sweep::test {

// Every row of `sql`, each column rendered as text ("NULL" for null; doubles
// with 17 significant digits, so equal text means bit-identical values).
std::vector<std::vector<std::string>> query(const std::string& db_path, const std::string& sql);
// The first column of the first row.
std::string query_one(const std::string& db_path, const std::string& sql);
// Runs `sql` (one or more statements) in one write transaction, as another
// process would; waits up to 5 s for the database's write lock.
void execute(const std::string& db_path, const std::string& sql);

// Holds the database's write lock (BEGIN IMMEDIATE) for as long as it lives,
// as another process writing would.
class WriteLock {
 public:
  explicit WriteLock(const std::string& db_path);
  ~WriteLock();
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  ::sqlite3* db_ = nullptr;
};
// Whether another process could take the write lock at once (BEGIN IMMEDIATE
// without waiting): false while a writer is inside a transaction.
bool write_lock_free(const std::string& db_path);

// Every epoch row in a stable order (config hash, repeat, epoch), values at
// full precision: equal results mean bit-identical training.
std::vector<std::vector<std::string>> epoch_rows(const std::string& db_path);

// The completed and pruned trials whose stored objective is finite but not
// the best finite value of the sweep's objective over their epochs (what
// `sweep best` ranks by against what the reports rank by), as rows of id,
// stored objective, epochs' best. The objective must be a column of the
// epochs table (loss, accuracy, val_loss, val_accuracy).
std::vector<std::vector<std::string>> objective_mismatches(const std::string& db_path);

}  // namespace sweep::test
