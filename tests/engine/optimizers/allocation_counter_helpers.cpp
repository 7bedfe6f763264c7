// malloc interposition for AllocationCounter: each entry point counts, then
// forwards to glibc's own implementation, so behaviour is unchanged.
#include "tests/engine/optimizers/allocation_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define SWEEP_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SWEEP_COUNT_ALLOCATIONS 0
#endif
#endif
#if !defined(SWEEP_COUNT_ALLOCATIONS) && defined(__GLIBC__)
#define SWEEP_COUNT_ALLOCATIONS 1
#endif
#ifndef SWEEP_COUNT_ALLOCATIONS
#define SWEEP_COUNT_ALLOCATIONS 0
#endif

namespace {
std::atomic<long long> g_allocations{0};
}  // namespace

namespace sweep::test {
bool allocation_counting_available() {
  return SWEEP_COUNT_ALLOCATIONS != 0;
}
long long allocations_so_far() {
  return g_allocations.load(std::memory_order_relaxed);
}
}  // namespace sweep::test

#if SWEEP_COUNT_ALLOCATIONS
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);

void* malloc(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(pointer, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  return memalign(alignment, size);
}
int posix_memalign(void** result, std::size_t alignment, std::size_t size) {
  void* pointer = memalign(alignment, size);
  if (pointer == nullptr) return ENOMEM;
  *result = pointer;
  return 0;
}
void free(void* pointer) {
  __libc_free(pointer);
}
}
#endif
