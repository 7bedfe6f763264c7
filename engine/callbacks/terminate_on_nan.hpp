// Keras's TerminateOnNaN: stops training after the first batch whose loss is
// NaN or infinite.
#pragma once

#include <memory>
#include <string>

#include "engine/callbacks/callback.hpp"
#include "engine/params.hpp"

namespace sweep::engine {

class TerminateOnNaN : public Callback {
 public:
  static ComponentSpec spec();
  static std::unique_ptr<Callback> create(const ParamReader& reader);
  void on_train_begin() override { reason_.clear(); }
  bool on_batch_end(int epoch, int batch, double loss) override;
  std::string stop_reason() const override { return reason_; }

 private:
  std::string reason_;
};

}  // namespace sweep::engine
