#include "tests/runner/store/store_helpers.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

#include <sqlite3.h>

namespace sweep::runner::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sweep-store-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  // Give back write permission that a test took away, so removal succeeds.
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ignored);
  std::filesystem::remove_all(path_, ignored);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

RawDb::RawDb(const std::string& path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    throw std::runtime_error("raw open failed: " + message);
  }
}

RawDb::~RawDb() {
  sqlite3_close(db_);
}

void RawDb::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error("raw exec failed: " + message);
  }
}

void raw_exec(const std::string& path, const std::string& sql) {
  RawDb(path).exec(sql);
}

std::string raw_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("raw open failed");
  }
  struct Close {
    sqlite3* db;
    ~Close() { sqlite3_close(db); }
  } close{db};
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    throw std::runtime_error("raw prepare failed: " + std::string(sqlite3_errmsg(db)));
  }
  std::string out;
  if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  return out;
}

SweepInfo sample_sweep(const std::string& name) {
  SweepInfo info;
  info.name = name;
  info.description = "optimizers against learning rates";
  info.spec_json = R"({"name":")" + name + R"(","seed":42})";
  info.spec_hash = "0123456789abcdef";
  info.status = "running";
  info.host = "testhost";
  info.version = "0.1.0";
  info.jobs = 2;
  return info;
}

std::vector<NewTrial> sample_trials(int count) {
  std::vector<NewTrial> trials;
  for (int i = 0; i < count; ++i) {
    NewTrial trial;
    trial.index = i;
    trial.config_json = R"({"optimizer":"adam","learning_rate":)" + std::to_string(i + 1) + "}";
    trial.params_json = R"({"learning_rate":)" + std::to_string(i + 1) + "}";
    trial.config_hash = "hash-" + std::to_string(i);
    trial.repeat = 0;
    trial.seed = 0xFFFFFFFFFFFFFFF0ULL + static_cast<std::uint64_t>(i);  // above INT64_MAX
    trial.cost = 1.5 * (i + 1);
    trials.push_back(trial);
  }
  return trials;
}

reports::EpochRecord sample_epoch(int epoch) {
  reports::EpochRecord record;
  record.epoch = epoch;
  record.learning_rate = 0.001 / epoch;
  record.seconds = 0.25 * epoch;
  record.metrics = {{"loss", 2.0 / epoch},
                    {"accuracy", 0.5 + 0.01 * epoch},
                    {"val_loss", 2.1 / epoch},
                    {"val_accuracy", 0.49 + 0.01 * epoch},
                    {"f1_score", 0.4 + 0.01 * epoch},
                    {"val_f1_score", 0.39 + 0.01 * epoch}};
  record.loss_trace = {2.5 / epoch, 2.25 / epoch, 2.0 / epoch};
  return record;
}

TrialWeights sample_weights(float seed) {
  TrialWeights weights;
  weights.epoch = 3;
  // A 3 -> 2 dense layer and a 2 -> 2 one without bias; the values include a
  // NaN, a negative zero, an infinity and a subnormal, which must come back
  // bit for bit.
  weights.tensors.push_back(
      {"dense/kernel",
       {3, 2},
       {seed, -0.0f, 1.5f, std::numeric_limits<float>::denorm_min(), -2.25f, 1e-30f}});
  weights.tensors.push_back({"dense/bias", {2}, {0.125f, -seed}});
  weights.tensors.push_back({"dense_1/kernel",
                             {2, 2},
                             {std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity(), 3.0f, seed * 2}});
  weights.preprocessing.dataset = "csv";
  weights.preprocessing.input = "float32";
  weights.preprocessing.features = 3;
  weights.preprocessing.classes = 2;
  weights.preprocessing.class_names = {"cat", "dog"};
  weights.preprocessing.offset = {0.5f, -1.0f, 1e6f};
  weights.preprocessing.scale = {2.0f, 1.0f / 3.0f, 1e-6f};
  return weights;
}

bool same_bits(const TrialWeights& a, const TrialWeights& b) {
  if (a.epoch != b.epoch || a.tensors.size() != b.tensors.size()) return false;
  const auto bits_equal = [](const std::vector<float>& x, const std::vector<float>& y) {
    return x.size() == y.size() &&
           (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
  };
  for (std::size_t i = 0; i < a.tensors.size(); ++i) {
    if (a.tensors[i].name != b.tensors[i].name || a.tensors[i].shape != b.tensors[i].shape ||
        !bits_equal(a.tensors[i].values, b.tensors[i].values))
      return false;
  }
  const InputPreprocessing& p = a.preprocessing;
  const InputPreprocessing& q = b.preprocessing;
  return p.dataset == q.dataset && p.input == q.input && p.features == q.features &&
         p.classes == q.classes && p.class_names == q.class_names &&
         bits_equal(p.offset, q.offset) && bits_equal(p.scale, q.scale);
}

}  // namespace sweep::runner::testing
