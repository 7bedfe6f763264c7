// The store's schema as ordered migrations. A database's PRAGMA user_version
// is the number of the last step applied; opening a database applies the
// missing steps in order, all in one transaction (one commit for a new file,
// not one per step), so a crash leaves the file at its old version, which the
// next open upgrades.
// PRAGMA application_id marks the file as sweep's, so that a foreign SQLite
// database is recognised and never altered.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sweep::runner::detail {

class Connection;

// "SWEP" in ASCII.
inline constexpr std::int32_t kApplicationId = 0x53574550;

struct Migration {
  int version;  // user_version after this step
  const char* summary;
  const char* sql;  // the exact DDL of the step; step 1 also sets application_id
  // A step that moves data runs this after `sql`, then `sql_after` (both may
  // be null): SQL alone cannot compute what the step stores.
  void (*data)(Connection&) = nullptr;
  const char* sql_after = nullptr;
};

// Every step from version 1 up, in order. Kept verbatim forever: a step that
// has shipped is never edited, only followed by a new one.
std::span<const Migration> migrations();

// The newest version: migrations().back().version.
int latest_schema_version();

// What a file holds before sweep touches it.
struct SchemaState {
  std::int32_t application_id = 0;
  int user_version = 0;
  std::vector<std::string> tables;  // user tables, sqlite_* excluded
};
SchemaState inspect_schema(Connection& connection);

// Throws StorageError when the file is not a sweep database, has a newer
// schema, or (read-only) needs a migration it cannot get. Reads only.
void check_schema(const SchemaState& state, const std::string& path, bool read_only);

// Applies the missing steps in one BEGIN IMMEDIATE transaction that first
// re-reads user_version (two processes opening one new file at once). Returns
// the number of steps applied.
int migrate(Connection& connection);

}  // namespace sweep::runner::detail
