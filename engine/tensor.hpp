// The engine's numeric types: float32 matrices with one sample per row.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <random>

namespace sweep::engine {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;
using MatrixRef = Eigen::Ref<Matrix>;
using ConstMatrixRef = Eigen::Ref<const Matrix>;

// Every random draw (initialisation, shuffling, dropout) comes from an Rng the
// caller owns and passes in; the engine has no global random state.
using Rng = std::mt19937_64;

}  // namespace sweep::engine
