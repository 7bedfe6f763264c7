// Helpers shared by the optimizer file pairs: the ParamSpecs every optimizer
// accepts (learning_rate, weight_decay, clipnorm, clipvalue), reading them
// back, and the check that a slot matches the state build() created.
#pragma once

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

}  // namespace sweep::engine::detail
