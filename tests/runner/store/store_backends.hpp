// The storage backends the contract suite runs over: each a type with
// open(path, mode) -> std::unique_ptr<Storage>. A new backend adds a type here
// and to the TEMPLATE_TEST_CASE lists of store_contract_test.cpp and
// store_lease_test.cpp.
#pragma once

#include <memory>
#include <string>

#include "runner/store/sqlite/sqlite_storage.hpp"

namespace sweep::runner::testing {

struct SqliteBackend {
  static std::unique_ptr<Storage> open(const std::string& path, Storage::Mode mode) {
    return std::make_unique<SqliteStorage>(path, mode);
  }
};

}  // namespace sweep::runner::testing
