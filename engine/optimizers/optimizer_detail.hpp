// Helpers shared by the optimizer file pairs: the ParamSpecs every optimizer
// accepts (learning_rate, weight_decay, clipnorm, clipvalue), reading them
// back, and the check that a slot matches the state build() created.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/optimizers/optimizer.hpp"
#include "engine/params.hpp"
#include "engine/tensor.hpp"

namespace sweep::engine::detail {

// learning_rate (> 0), weight_decay, clipnorm, clipvalue (>= 0), with these defaults.
std::vector<ParamSpec> common_param_specs(double default_learning_rate,
                                          double default_weight_decay = 0.0);
ParamSpec beta_spec(const std::string& name, double default_value, const std::string& help);
ParamSpec epsilon_spec();
ParamSpec flag_spec(const std::string& name, const std::string& help);

OptimizerCommon read_common(const ParamReader& reader);

// Throws TrainingError when `slot` was not built or its shape differs from
// `param`'s or `grad`'s; a mismatch would otherwise write out of bounds.
void check_slot(const std::string& optimizer, std::size_t slot,
                const std::vector<std::pair<int, int>>& shapes, const Matrix& param,
                const Matrix& grad);

// Runs f(first, count) over [0, size) in L1-sized pieces. An update rule
// written as several element-wise expressions then streams its tensors
// through memory once instead of once per expression (the pieces stay in
// L1 between expressions), while each element sees exactly the same
// arithmetic as the unchunked expressions.
template <class F>
void in_chunks(Eigen::Index size, F&& f) {
  constexpr Eigen::Index chunk = 1024;  // 4 KiB per float tensor
  for (Eigen::Index first = 0; first < size; first += chunk)
    f(first, std::min(chunk, size - first));
}

// The piece [first, first + count) of a tensor, as a flat array.
inline Eigen::Map<Eigen::ArrayXf> piece(Matrix& m, Eigen::Index first, Eigen::Index count) {
  return {m.data() + first, count};
}
inline Eigen::Map<const Eigen::ArrayXf> piece(const Matrix& m, Eigen::Index first,
                                              Eigen::Index count) {
  return {m.data() + first, count};
}

}  // namespace sweep::engine::detail
