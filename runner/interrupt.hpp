// Ctrl-C: the first SIGINT (or SIGTERM) asks the sweep to stop — no new trial
// starts, running trials stop at their next batch and are marked interrupted.
// A second one ends the process at once.
#pragma once

namespace sweep::runner {

void install_interrupt_handler();
bool interrupt_requested();
void request_interrupt();  // as if Ctrl-C was pressed (tests)
void clear_interrupt();

}  // namespace sweep::runner
