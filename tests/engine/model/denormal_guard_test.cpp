// DenormalGuard flushes subnormal results to zero (and reads subnormal
// inputs as zero) inside its scope only, restoring the thread's MXCSR after.
#include <catch2/catch.hpp>

#include <cfloat>

#include "engine/denormal_guard.hpp"

using namespace sweep::engine;

namespace {

// volatile keeps the compiler from folding the products at compile time.
float times(float a, float b) {
  volatile float x = a;
  volatile float y = b;
  return x * y;
}

}  // namespace

#if defined(__SSE__)
TEST_CASE("denormal guard: subnormals are zero inside the scope and kept after it") {
  const float tiny = FLT_MIN;               // smallest normal float
  CHECK(times(tiny, 0.5f) == FLT_MIN / 2);  // subnormal by default
  const unsigned before = _mm_getcsr();
  {
    const DenormalGuard guard;
    CHECK(times(tiny, 0.5f) == 0.0f);                // FTZ: subnormal result flushed
    CHECK(times(FLT_MIN / 2 + 0.0f, 4.0f) == 0.0f);  // DAZ: subnormal input read as zero
    CHECK(times(tiny, 2.0f) == FLT_MIN * 2);         // normal values are untouched
  }
  CHECK(_mm_getcsr() == before);
  CHECK(times(tiny, 0.5f) == FLT_MIN / 2);
}
#endif
