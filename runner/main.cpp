// The `sweep` executable: all logic lives in sweep::runner.
#include "runner/cli.hpp"

int main(int argc, char** argv) {
  return sweep::runner::run_cli(argc, argv);
}
