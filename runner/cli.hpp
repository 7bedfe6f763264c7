// The `sweep` command line: parses arguments, runs a subcommand and maps every
// outcome to an exit code (0 ok, 1 runtime failure, 2 bad usage or spec,
// 130 interrupted). Never lets an exception escape.
#pragma once

namespace sweep::runner {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

class Cluster;

// `cluster`: the other ranks of an MPI job when this process is its rank 0
// (run and resume spread their trials over them); null for a local run.
int run_cli(int argc, char** argv, Cluster* cluster = nullptr);

}  // namespace sweep::runner
