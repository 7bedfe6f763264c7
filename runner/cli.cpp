#include "runner/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cctype>
#include <cstdio>
#include <string>
#include <exception>

namespace sweep::runner {

int run_cli(int argc, char** argv) {
  CLI::App app{"sweep: hyperparameter sweeps with experiment tracking", "sweep"};
  app.set_version_flag("--version", std::string{"sweep "} + SWEEP_VERSION);
  app.require_subcommand(0, 1);
  app.add_subcommand("version", "print the version")->callback([] {
    fmt::print("sweep {}\n", SWEEP_VERSION);
  });
  const auto subcommand_names = [&app] {
    std::string names;
    for (const auto* sub : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
    return names;
  };
  if (argc > 1 && argv[1][0] != '-' && app.get_subcommands([&](const CLI::App* sub) {
                                          return sub->get_name() == argv[1];
                                        }).empty()) {
    fmt::print(stderr, "sweep: unknown subcommand \"{}\"; known: {}\n", argv[1], subcommand_names());
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      fmt::print(stderr, "sweep: a subcommand is required ({}); see sweep --help\n",
                 subcommand_names());
      return kExitUsage;
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(message[0]));
    fmt::print(stderr, "sweep: {}\n", message);
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "sweep: {}\n", e.what());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace sweep::runner
