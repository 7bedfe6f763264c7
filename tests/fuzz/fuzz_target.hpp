// The libFuzzer entry point every target in this folder defines. Built two
// ways: with clang's -fsanitize=fuzzer for scripts/fuzz, and with
// replay_main.cpp into a plain release program that ctest runs over the
// target's corpus and every crash ever found (tests/fuzz/corpus/<target>/).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
