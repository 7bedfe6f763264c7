#include "engine/layers/weight_gradient.hpp"

namespace sweep::engine {
namespace {

using Eigen::Index;
using namespace Eigen::internal;
using Packet = packet_traits<float>::type;
constexpr Index width = packet_traits<float>::size;

// Rows [i, i + R) and packet columns [j, j + P * width) of out: R x P
// accumulators stay in registers over the whole batch; the batch is summed
// in order, so the result does not depend on anything but the inputs.
template <int R, int P, bool Scaled>
void block(const Matrix& x, const Matrix& delta, float scale, const Matrix& kernel, float* out,
           Index out_first, Index i, Index j) {
  const Index batch = x.rows();
  const Index in = x.cols();
  const Index units = delta.cols();
  Packet acc[R][P];
  for (int r = 0; r < R; ++r) {
    for (int p = 0; p < P; ++p) acc[r][p] = pset1<Packet>(0.0f);
  }
  const float* xb = x.data() + i;
  const float* db = delta.data() + j;
  for (Index b = 0; b < batch; ++b, xb += in, db += units) {
    // R broadcasts held, one delta packet at a time: R x P + R + 1
    // registers, so nothing is reloaded or spilled.
    Packet xr[R];
    for (int r = 0; r < R; ++r) xr[r] = pset1<Packet>(xb[r]);
    for (int p = 0; p < P; ++p) {
      Packet d = ploadu<Packet>(db + p * width);
#if defined(__GNUC__) && defined(__AVX512F__)
      // Keeps d in a register: GCC would otherwise fold the load into each
      // of the R multiply-adds, tripling the loads of the inner loop.
      __asm__("" : "+v"(d));
#endif
      for (int r = 0; r < R; ++r) acc[r][p] = pmadd(xr[r], d, acc[r][p]);
    }
  }
  for (int r = 0; r < R; ++r) {
    float* o = out + (i + r - out_first) * units + j;
    // A compile-time branch: a run-time one makes GCC spill the accumulators.
    if constexpr (Scaled) {
      const float* k = kernel.data() + (i + r) * units + j;
      const Packet s = pset1<Packet>(scale);
      for (int p = 0; p < P; ++p) {
        pstoreu(o + p * width, pmadd(s, ploadu<Packet>(k + p * width), acc[r][p]));
      }
    } else {
      for (int p = 0; p < P; ++p) pstoreu(o + p * width, acc[r][p]);
    }
  }
}

// 3 rows x 8 packets: 24 accumulators, 8 loads of delta and 3 broadcasts
// per batch row, within AVX-512's 32 registers (8 x 16 = 128 columns, so
// the delta columns in use, 64 rows x 512 bytes, stay in L1).
constexpr int rows_per_block = 3;
constexpr int packets_per_block = 8;

// Output rows [first, last) of packet columns [j, j + P * width); `out`
// holds row `first` onwards.
template <int P, bool Scaled>
void column_block(const Matrix& x, const Matrix& delta, float scale, const Matrix& kernel,
                  float* out, Index first, Index last, Index j) {
  Index i = first;
  for (; i + rows_per_block <= last; i += rows_per_block) {
    block<rows_per_block, P, Scaled>(x, delta, scale, kernel, out, first, i, j);
  }
  for (; i < last; ++i) {
    block<1, P, Scaled>(x, delta, scale, kernel, out, first, i, j);
  }
}

template <bool Scaled>
void all_blocks(const Matrix& x, const Matrix& delta, float scale, const Matrix& kernel, float* out,
                Index first, Index last) {
  const Index units = delta.cols();
  for (Index j = 0; j < units; j += packets_per_block * width) {
    switch (std::min<Index>(packets_per_block, (units - j) / width)) {
      case 8:
        column_block<8, Scaled>(x, delta, scale, kernel, out, first, last, j);
        break;
      case 7:
        column_block<7, Scaled>(x, delta, scale, kernel, out, first, last, j);
        break;
      case 6:
        column_block<6, Scaled>(x, delta, scale, kernel, out, first, last, j);
        break;
      case 5:
        column_block<5, Scaled>(x, delta, scale, kernel, out, first, last, j);
        break;
      case 4:
        column_block<4, Scaled>(x, delta, scale, kernel, out, first, last, j);
        break;
      case 3:
        column_block<3, Scaled>(x, delta, scale, kernel, out, first, last, j);
        break;
      case 2:
        column_block<2, Scaled>(x, delta, scale, kernel, out, first, last, j);
        break;
      default:
        column_block<1, Scaled>(x, delta, scale, kernel, out, first, last, j);
        break;
    }
  }
}

}  // namespace

bool weight_gradient(const Matrix& x, const Matrix& delta, float scale, const Matrix& kernel,
                     Matrix& out) {
  const Index units = delta.cols();
  if (units % width != 0 || x.rows() != delta.rows() || out.rows() != x.cols() ||
      out.cols() != units) {
    return false;
  }
  if (scale != 0.0f) {
    all_blocks<true>(x, delta, scale, kernel, out.data(), 0, x.cols());
  } else {
    all_blocks<false>(x, delta, scale, kernel, out.data(), 0, x.cols());
  }
  return true;
}

bool weight_gradient_supported(const Matrix& x, const Matrix& delta) {
  return delta.cols() % width == 0 && x.rows() == delta.rows();
}

void weight_gradient_rows(const Matrix& x, const Matrix& delta, float scale, const Matrix& kernel,
                          Index first, Index rows, float* out) {
  if (scale != 0.0f) {
    all_blocks<true>(x, delta, scale, kernel, out, first, first + rows);
  } else {
    all_blocks<false>(x, delta, scale, kernel, out, first, first + rows);
  }
}

}  // namespace sweep::engine
