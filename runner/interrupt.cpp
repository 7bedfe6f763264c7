#include "runner/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace sweep::runner {
namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_signal(int signal) {
  interrupted.store(true);
  std::signal(signal, SIG_DFL);
}

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupt_requested() {
  return interrupted.load(std::memory_order_relaxed);
}
void request_interrupt() {
  interrupted.store(true);
}
void clear_interrupt() {
  interrupted.store(false);
}

}  // namespace sweep::runner
