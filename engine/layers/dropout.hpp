// Inverted dropout (Srivastava et al., 2014, as Keras applies it): in
// training each value is zeroed with probability `rate` and the survivors are
// scaled by 1 / (1 - rate), so inference is a plain pass-through.
#pragma once

#include "engine/layers/layer.hpp"

namespace sweep::engine {

class Dropout : public Layer {
 public:
  explicit Dropout(double rate);
  std::string type() const override { return "dropout"; }
  void forward(const Matrix& in, Matrix& out, bool training, Rng& rng) override;
  void backward(const Matrix& grad_out, Matrix* grad_in) override;
  double rate() const { return rate_; }

 private:
  double rate_;
  bool masked_ = false;  // the last forward dropped values (training, rate > 0)
  Matrix mask_;          // 0 or 1 / (1 - rate) per value
};

}  // namespace sweep::engine
