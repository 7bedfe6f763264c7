// A write transaction (BEGIN IMMEDIATE, so the write lock is taken up front and
// a busy database waits busy_timeout instead of failing half-way). Rolls back
// in its destructor unless commit() was called; the destructor never throws.
#pragma once

namespace sweep::runner::detail {

class Connection;

class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Throws SqliteFailure; the destructor then rolls back.
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace sweep::runner::detail
