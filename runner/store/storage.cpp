#include "runner/store/storage.hpp"

#include "runner/store/sqlite/sqlite_storage.hpp"

namespace sweep::runner {

std::unique_ptr<Storage> open_storage(const std::string& location, Storage::Mode mode) {
  // One backend so far; a second one adds its prefix here.
  constexpr std::string_view kSqlite = "sqlite:";
  if (location.starts_with(kSqlite))
    return std::make_unique<SqliteStorage>(location.substr(kSqlite.size()), mode);
  return std::make_unique<SqliteStorage>(location, mode);
}

}  // namespace sweep::runner
