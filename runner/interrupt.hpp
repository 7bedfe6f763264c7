// Signals. Every command stops on SIGINT, SIGTERM, SIGHUP and SIGPIPE. Outside
// a run they end the process at once (exit 128 + the signal's number, 130 for
// Ctrl-C): nothing is being written. While a run or resume is under way
// (InterruptScope), the first such signal asks the sweep to stop — no new
// trial starts, running trials stop at their next batch and are marked
// interrupted, the command exits 130 — and a second one ends the process at
// once, saying so: every commit is whole, so the database is consistent, and
// `sweep resume` restarts the trials that were left running.
#pragma once

namespace sweep::runner {

void install_interrupt_handler();
bool interrupt_requested();
void request_interrupt();  // as if Ctrl-C was pressed (tests)
void clear_interrupt();

// While one lives, a signal asks the sweep to stop instead of ending the
// process. `announce` false keeps the "stopping" lines off stderr: an MPI
// worker rank's, since rank 0 says it once for the job.
class InterruptScope {
 public:
  explicit InterruptScope(bool announce = true);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

}  // namespace sweep::runner
