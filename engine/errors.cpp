#include "engine/errors.hpp"

namespace sweep::engine {

// Out-of-line destructors anchor each class's vtable in one translation unit.
EngineError::EngineError(const std::string& message) : std::runtime_error(message) {}
EngineError::~EngineError() = default;
ConfigError::~ConfigError() = default;
DatasetError::~DatasetError() = default;
TrainingError::~TrainingError() = default;

}  // namespace sweep::engine
