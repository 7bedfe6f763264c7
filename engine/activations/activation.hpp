// Element-wise (and row-wise softmax) activation functions, Keras 3 flavour:
// relu, leaky_relu (negative slope 0.2), elu (alpha 1), gelu (exact erf form,
// Keras's default approximate=False), tanh, sigmoid, softmax (per row),
// linear. Forward and backward write into caller-owned buffers and allocate
// nothing once those are sized.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/tensor.hpp"

namespace sweep::engine {

enum class Activation { linear, relu, leaky_relu, elu, gelu, tanh, sigmoid, softmax };

const std::vector<std::string>& activation_names();
std::string_view activation_name(Activation activation);
// Throws ConfigError for an unknown name.
Activation parse_activation(std::string_view name);

// Whether backward needs the pre-activation z (only gelu: the others'
// derivatives are functions of the output a).
bool activation_needs_input(Activation activation);

// a = f(z) in place: `values` holds z on entry and a on return.
void activation_forward(Activation activation, Matrix& values);

// grad_z = grad_a * f'(z), from the output a (and z where
// activation_needs_input). grad_z may alias grad_a; it must be sized already.
void activation_backward(Activation activation, const Matrix& z, const Matrix& a,
                         const Matrix& grad_a, Matrix& grad_z);

// Row-wise softmax of `logits` into `probabilities` (may alias), stable for
// logits of any finite magnitude.
void softmax_rows(const Matrix& logits, Matrix& probabilities);

}  // namespace sweep::engine
