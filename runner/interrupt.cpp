#include "runner/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace sweep::runner {
namespace {

std::atomic<bool> interrupted{false};
std::atomic<bool> graceful{false};
std::atomic<int> signals_seen{0};
std::atomic<bool> pipe_closed{false};
std::atomic<bool> announce{true};

void say(const char* text) {
  // write(2) is async-signal-safe; a failure has nowhere to go.
  const ssize_t ignored = write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

extern "C" void on_signal(int signal) {
  const int code = signal == SIGINT ? 130 : 128 + signal;
  if (signal == SIGPIPE && (graceful.load() || pipe_closed.load())) {
    // Every write to the closed pipe raises another one, the last flush at
    // exit included: each only asks the sweep to stop, never ends the
    // process, which exits 130 (interrupted) once the sweep is stored.
    pipe_closed.store(true);
    interrupted.store(true);
    return;
  }
  if (!graceful.load()) _exit(code);
  if (signals_seen.fetch_add(1) == 0) {
    interrupted.store(true);
    if (announce.load())
      say("\nsweep: stopping: running trials stop at their next batch and are marked "
          "interrupted (interrupt again to exit at once)\n");
    return;
  }
  if (announce.load())
    say("\nsweep: second interrupt: exiting now; the database is consistent (every commit is "
        "whole), and `sweep resume` restarts the trials left running\n");
  _exit(code);
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaction(signal, &action, nullptr);
}

bool interrupt_requested() {
  return interrupted.load(std::memory_order_relaxed);
}
void request_interrupt() {
  interrupted.store(true);
}
void clear_interrupt() {
  interrupted.store(false);
  signals_seen.store(0);
}

InterruptScope::InterruptScope(bool announce_stop) {
  announce.store(announce_stop);
  graceful.store(true);
}
InterruptScope::~InterruptScope() {
  graceful.store(false);
  announce.store(true);
}

}  // namespace sweep::runner
