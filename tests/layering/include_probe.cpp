// Compiled by the layering tests (tests/CMakeLists.txt) as if it were a source
// of one library, with the include roots that library gets: it compiles only
// when that library can see SWEEP_PROBE_HEADER.
#include SWEEP_PROBE_HEADER
