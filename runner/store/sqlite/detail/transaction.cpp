#include "runner/store/sqlite/detail/transaction.hpp"

#include "runner/store/sqlite/detail/connection.hpp"

namespace sweep::runner::detail {

Transaction::Transaction(Connection& connection) : connection_(connection) {
  // Cached: BEGIN and COMMIT run once per write call, and sqlite3_exec would
  // parse them every time.
  connection_.cached("BEGIN IMMEDIATE")->run();
}

Transaction::~Transaction() {
  if (done_) return;
  // A failed COMMIT may already have ended the transaction; a ROLLBACK then
  // reports "no transaction is active", which is harmless and ignored here.
  sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  connection_.cached("COMMIT")->run();
  done_ = true;
}

}  // namespace sweep::runner::detail
