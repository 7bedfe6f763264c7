// DenormalGuard: flush-to-zero / denormals-are-zero for one scope on this thread.
#pragma once

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace sweep::engine {

// Late in training, Adam's first moment for rarely-active inputs decays by
// beta_1 every step into the subnormal range, and every multiply touching a
// subnormal takes a microcode assist (~100x slower): measured 1.5x slower
// training on Fashion-MNIST from the second epoch on. TensorFlow (Keras)
// trains with FTZ/DAZ on as well. MXCSR is per thread and restored on exit,
// so callers on other threads and code after fit() are unaffected.
class DenormalGuard {
 public:
#if defined(__SSE__)
  DenormalGuard() : saved_(_mm_getcsr()) {
    _mm_setcsr(saved_ | flush_to_zero | denormals_are_zero);
  }
  ~DenormalGuard() {
    _mm_setcsr(saved_);
  }
#else
  DenormalGuard() = default;
#endif
  DenormalGuard(const DenormalGuard&) = delete;
  DenormalGuard& operator=(const DenormalGuard&) = delete;

 private:
#if defined(__SSE__)
  static constexpr unsigned flush_to_zero = 0x8000u;       // MXCSR.FTZ
  static constexpr unsigned denormals_are_zero = 0x0040u;  // MXCSR.DAZ
  unsigned saved_;
#endif
};

}  // namespace sweep::engine
