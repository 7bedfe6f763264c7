// The `sweep` command line: parses arguments, runs a subcommand and maps every
// outcome to an exit code (0 ok, 1 runtime failure, 2 bad usage or spec,
// 130 interrupted). Never lets an exception escape.
#pragma once

namespace sweep::runner {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

int run_cli(int argc, char** argv);

}  // namespace sweep::runner
