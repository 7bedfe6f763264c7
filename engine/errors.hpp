// The engine's exceptions. Messages are lower-case and name what failed, the
// offending value and what would be accepted.
#pragma once

#include <stdexcept>
#include <string>

namespace sweep::engine {

// Base of every error the engine throws on purpose.
class EngineError : public std::runtime_error {
 public:
  explicit EngineError(const std::string& message);
  ~EngineError() override;
};

// A component (layer, optimizer, loss, metric, schedule, dataset) was asked
// for with an unknown name or a bad parameter.
class ConfigError : public EngineError {
 public:
  using EngineError::EngineError;
  ~ConfigError() override;
};

// A dataset could not be found, read or parsed.
class DatasetError : public EngineError {
 public:
  using EngineError::EngineError;
  ~DatasetError() override;
};

// Training was asked to do something impossible (shapes that do not match, a
// model that was not compiled).
class TrainingError : public EngineError {
 public:
  using EngineError::EngineError;
  ~TrainingError() override;
};

}  // namespace sweep::engine
