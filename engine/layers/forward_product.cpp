#include "engine/layers/forward_product.hpp"

#include <algorithm>

namespace sweep::engine {
namespace {

using Eigen::Index;
using namespace Eigen::internal;
using Packet = packet_traits<float>::type;
constexpr Index width = packet_traits<float>::size;

// Keeps a packet in a register: GCC would otherwise fold its load into each
// multiply-add that uses it, multiplying the loads of the inner loop.
inline void in_register(Packet& p) {
#if defined(__GNUC__) && defined(__AVX512F__)
  __asm__("" : "+v"(p));
#else
  (void)p;
#endif
}

// Batch rows [b, b + R) and packet columns [j, j + P * width) of out: R x P
// accumulators over the whole input width, summed in order.
template <int R, int P>
void block(const Matrix& x, const Matrix& kernel, Matrix& out, Index b, Index j) {
  const Index in = x.cols();
  const Index units = kernel.cols();
  Packet acc[R][P];
  for (int r = 0; r < R; ++r) {
    for (int p = 0; p < P; ++p)
      acc[r][p] = ploadu<Packet>(out.data() + (b + r) * units + j + p * width);
  }
  const float* xb = x.data() + b * in;
  const float* kr = kernel.data() + j;
  for (Index i = 0; i < in; ++i, kr += units) {
    Packet w[P];
    for (int p = 0; p < P; ++p) {
      w[p] = ploadu<Packet>(kr + p * width);
      in_register(w[p]);
    }
    for (int r = 0; r < R; ++r) {
      const Packet xr = pset1<Packet>(xb[r * in + i]);
      for (int p = 0; p < P; ++p) acc[r][p] = pmadd(xr, w[p], acc[r][p]);
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int p = 0; p < P; ++p) pstoreu(out.data() + (b + r) * units + j + p * width, acc[r][p]);
  }
}

// 6 rows x 4 packets: 24 accumulators, 4 kernel loads and 6 broadcasts per
// input feature, within AVX-512's 32 registers; the kernel's 4-packet column
// strip (784 x 256 bytes for the first layer) stays in L2 across row blocks.
constexpr int rows_per_block = 6;
constexpr int packets_per_block = 4;

template <int P>
void column_block(const Matrix& x, const Matrix& kernel, Matrix& out, Index j) {
  const Index batch = x.rows();
  Index b = 0;
  for (; b + rows_per_block <= batch; b += rows_per_block) {
    block<rows_per_block, P>(x, kernel, out, b, j);
  }
  switch (batch - b) {
    case 5:
      block<5, P>(x, kernel, out, b, j);
      break;
    case 4:
      block<4, P>(x, kernel, out, b, j);
      break;
    case 3:
      block<3, P>(x, kernel, out, b, j);
      break;
    case 2:
      block<2, P>(x, kernel, out, b, j);
      break;
    case 1:
      block<1, P>(x, kernel, out, b, j);
      break;
    default:
      break;
  }
}

}  // namespace

bool forward_product(const Matrix& x, const Matrix& kernel, Matrix& out) {
  const Index units = kernel.cols();
  if (units % width != 0 || x.cols() != kernel.rows() || out.rows() != x.rows() ||
      out.cols() != units) {
    return false;
  }
  for (Index j = 0; j < units; j += packets_per_block * width) {
    switch (std::min<Index>(packets_per_block, (units - j) / width)) {
      case 4:
        column_block<4>(x, kernel, out, j);
        break;
      case 3:
        column_block<3>(x, kernel, out, j);
        break;
      case 2:
        column_block<2>(x, kernel, out, j);
        break;
      default:
        column_block<1>(x, kernel, out, j);
        break;
    }
  }
  return true;
}

}  // namespace sweep::engine
