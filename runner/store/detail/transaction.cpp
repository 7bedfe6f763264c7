#include "runner/store/detail/transaction.hpp"

#include "runner/store/detail/connection.hpp"

namespace sweep::runner::detail {

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_) return;
  // A failed COMMIT may already have ended the transaction; a ROLLBACK then
  // reports "no transaction is active", which is harmless and ignored here.
  sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

}  // namespace sweep::runner::detail
