// Shared fixtures of the store's tests: a scratch folder, raw SQLite access
// (to build old or foreign databases by hand and to look behind the API), and
// sample trials and epochs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reports/records.hpp"
#include "runner/store/storage.hpp"

struct sqlite3;

namespace sweep::runner::testing {

// A fresh folder under the system's temp folder, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::string& bytes);

// A connection of its own on the file (no Store involved), for transactions
// held open across steps of a test.
class RawDb {
 public:
  explicit RawDb(const std::string& path);
  ~RawDb();
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  void exec(const std::string& sql);

 private:
  ::sqlite3* db_ = nullptr;
};

// Runs SQL on the file through a connection of its own (no Store involved).
void raw_exec(const std::string& path, const std::string& sql);
// The first column of the first row, as text ("" when NULL or no row).
std::string raw_query(const std::string& path, const std::string& sql);

// A sweep named `name` with a small JSON spec, not yet in any store.
SweepInfo sample_sweep(const std::string& name);
// `count` distinct trials (config hash "hash-<i>"), repeat 0, seeds near 2^64.
std::vector<NewTrial> sample_trials(int count);
// Epoch `epoch` with every kind of value: the four column metrics, two more,
// and a three-point trace.
reports::EpochRecord sample_epoch(int epoch);
// Weights of a small two-layer model (with NaN, -0, infinity and a subnormal
// among the values) and a CSV dataset's preprocessing; `seed` varies them.
TrialWeights sample_weights(float seed);
// Equal names, shapes and preprocessing, and every float bit for bit.
bool same_bits(const TrialWeights& a, const TrialWeights& b);

}  // namespace sweep::runner::testing
