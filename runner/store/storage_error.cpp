#include "runner/store/storage_error.hpp"

namespace sweep::runner {

StorageError::StorageError(const std::string& what, int sqlite_code)
    : std::runtime_error(what), code_(sqlite_code) {}

StorageError::~StorageError() = default;

LeaseLost::~LeaseLost() = default;

SweepExists::~SweepExists() = default;

}  // namespace sweep::runner
