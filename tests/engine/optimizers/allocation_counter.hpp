// Counts heap allocations made by this thread's code in a scope, by
// interposing malloc (allocation_counter_helpers.cpp), so that it sees
// Eigen's allocations as well as operator new's. Compiled out under
// AddressSanitizer, which owns malloc itself: available() is then false.
// One definition per test executable: reuse this header rather than
// interposing malloc again elsewhere in engine_tests.
#pragma once

namespace sweep::test {

bool allocation_counting_available();
long long allocations_so_far();  // every malloc/calloc/realloc/memalign since start

// allocations() = how many happened since construction.
class AllocationCounter {
 public:
  AllocationCounter() : start_(allocations_so_far()) {}
  long long allocations() const { return allocations_so_far() - start_; }

 private:
  long long start_;
};

}  // namespace sweep::test
