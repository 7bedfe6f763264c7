// Read-only queries on a sweep database, for the command-line tests: they
// check what the real binary wrote, with SQLite itself.
#pragma once

#include <string>
#include <vector>

namespace sweep::test {

// Every row of `sql`, each column rendered as text ("NULL" for null; doubles
// with 17 significant digits, so equal text means bit-identical values).
std::vector<std::vector<std::string>> query(const std::string& db_path, const std::string& sql);
// The first column of the first row.
std::string query_one(const std::string& db_path, const std::string& sql);
// Runs `sql` (one or more statements) in one write transaction, as another
// process would; waits up to 5 s for the database's write lock.
void execute(const std::string& db_path, const std::string& sql);
// Every epoch row in a stable order (config hash, repeat, epoch), values at
// full precision: equal results mean bit-identical training.
std::vector<std::vector<std::string>> epoch_rows(const std::string& db_path);

}  // namespace sweep::test
