// run_cli: the subcommands' options (CLI11), the call of the one given
// (runner/cli/NAME_command.cpp), and every outcome mapped to an exit code.
#include "runner/cli.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cctype>
#include <exception>
#include <string>

#include "engine/errors.hpp"
#include "runner/cli/command.hpp"
#include "runner/errors.hpp"
#include "runner/interrupt.hpp"
#include "runner/store/storage_error.hpp"

namespace sweep::runner {
namespace {

using cli::Args;

void print_error(const std::string& message) {
  fmt::print(stderr, "sweep: {}\n", message);
}

}  // namespace

int run_cli(int argc, char** argv, Cluster* cluster) {
  CLI::App app{"sweep: hyperparameter sweeps with experiment tracking", "sweep"};
  app.set_version_flag("--version", std::string{"sweep "} + SWEEP_VERSION);
  app.require_subcommand(0, 1);
  Args args;
  args.cluster = cluster;
  const auto add_db = [&](CLI::App* sub) {
    sub->add_option("--db", args.db, "the SQLite database (default ./sweep.db)");
  };
  const auto add_overrides = [&](CLI::App* sub) {
    sub->add_option("overrides", args.overrides,
                    "KEY=VALUES overrides: optimizer=adam,sgd "
                    "learning_rate=1e-4:1e-1:log4 training.epochs=3");
  };
  // What run and resume share: where reports go, parallelism, timings.
  const auto add_run_options = [&](CLI::App* sub) {
    sub->add_option("--out", args.out, "report folder (default ./sweep-reports/NAME)");
    sub->add_option("--jobs,-j", args.jobs,
                    "trials in parallel (default: all cores; under mpirun, per rank: "
                    "its host's cores divided among the ranks there)")
        ->check(CLI::PositiveNumber);
    sub->add_option("--stats", args.stats, "write timings as JSON to this file (for benchmarks)");
    sub->add_option("--rank0-jobs", args.rank0_jobs,
                    "under mpirun: trials rank 0 runs itself besides coordinating (default: as "
                    "--jobs; 0: it only coordinates)")
        ->check(CLI::NonNegativeNumber);
  };
  int (*command)(const Args&) = nullptr;
  const auto on = [&](CLI::App* sub, int (*fn)(const Args&)) {
    sub->callback([&command, fn] { command = fn; });
  };

  auto* run =
      app.add_subcommand("run", "run a sweep spec (resumes it if it exists with the same spec)");
  run->add_option("spec", args.spec, "the sweep spec (JSON)")->required();
  add_overrides(run);
  add_db(run);
  add_run_options(run);
  on(run, cli::cmd_run);

  auto* resume = app.add_subcommand("resume", "finish the trials of a sweep that are not done");
  resume->add_option("name", args.name, "the sweep's name")->required();
  add_db(resume);
  add_run_options(resume);
  on(resume, cli::cmd_resume);

  auto* validate =
      app.add_subcommand("validate", "check a spec and open its data without running it");
  validate->add_option("spec", args.spec, "the sweep spec (JSON)")->required();
  add_overrides(validate);
  validate->add_flag("--no-data", args.no_data, "check the spec only; do not open the data");
  on(validate, cli::cmd_validate);

  auto* plan = app.add_subcommand("plan", "list the trials a spec would run, and which are done");
  plan->add_option("spec", args.spec, "the sweep spec (JSON)")->required();
  add_overrides(plan);
  add_db(plan);
  on(plan, cli::cmd_plan);

  auto* ls = app.add_subcommand("ls", "list the sweeps in the database");
  add_db(ls);
  on(ls, cli::cmd_ls);

  auto* show = app.add_subcommand("show", "ranked table of a sweep's configurations");
  show->add_option("name", args.name, "the sweep's name")->required();
  add_db(show);
  on(show, cli::cmd_show);

  auto* best = app.add_subcommand("best", "the best configuration of a sweep");
  best->add_option("name", args.name, "the sweep's name")->required();
  add_db(best);
  auto* json_flag = best->add_flag("--json", args.json, "as JSON");
  auto* spec_flag =
      best->add_flag("--spec", args.spec_out,
                     "as a runnable single-trial spec that reruns the repeat the report quotes")
          ->excludes(json_flag);
  best->add_option("--weights", args.weights_out,
                   "write its stored weights as a NumPy .npz (arrays in Keras's get_weights() "
                   "order, and model.json)")
      ->excludes(json_flag)
      ->excludes(spec_flag);
  best->add_option("--trial", args.trial,
                   "another trial than the winner (its id) for --spec or --weights")
      ->check(CLI::PositiveNumber);
  on(best, cli::cmd_best);

  auto* predict = app.add_subcommand(
      "predict", "a stored model's predictions (class and probabilities, CSV) for a data file");
  predict->add_option("name", args.name, "the sweep's name")->required();
  add_db(predict);
  predict
      ->add_option("--data", args.data,
                   "a CSV file, an IDX images file or a folder of MNIST's four IDX files")
      ->required();
  predict->add_option("--trial", args.trial, "the trial (its id); default the winner")
      ->check(CLI::PositiveNumber);
  predict->add_option("-o,--output", args.output,
                      "write the predictions to this file (default stdout)");
  predict->add_flag("--evaluate", args.evaluate,
                    "print the metrics on the file's labels (predictions only with -o)");
  predict->add_option("--limit", args.limit, "the first N rows only");
  on(predict, cli::cmd_predict);

  auto* suggest = app.add_subcommand(
      "suggest", "a spec that refines each optimizer's learning rates around its best");
  suggest->add_option("name", args.name, "the sweep's name")->required();
  add_db(suggest);
  suggest->add_option("-o,--output", args.output, "write the spec to this file (default stdout)");
  on(suggest, cli::cmd_suggest);

  auto* report =
      app.add_subcommand("report", "rebuild report.json and report.html from the database");
  report->add_option("name", args.name, "the sweep's name")->required();
  add_db(report);
  report->add_option("--out", args.out, "report folder (default ./sweep-reports/NAME)");
  on(report, cli::cmd_report);

  auto* exp = app.add_subcommand("export", "export every trial's epochs");
  exp->add_option("name", args.name, "the sweep's name")->required();
  add_db(exp);
  exp->add_flag("--csv", args.csv, "as CSV: one row per trial and epoch");
  exp->add_option("-o,--output", args.output, "write to this file (default stdout)");
  on(exp, cli::cmd_export);

  auto* datasets = app.add_subcommand("datasets", "list the datasets and their parameters");
  on(datasets, cli::cmd_datasets);

  auto* components = app.add_subcommand(
      "components", "list the optimizers, schedules, losses, metrics, layers and datasets");
  components->add_flag("--markdown", args.markdown, "as the README's tables");
  on(components, cli::cmd_components);

  const auto subcommand_names = [&app] {
    std::string names;
    for (const auto* sub : app.get_subcommands({}))
      names += (names.empty() ? "" : ", ") + sub->get_name();
    return names;
  };
  if (argc > 1 && argv[1][0] != '-' &&
      app.get_subcommands([&](const CLI::App* sub) { return sub->get_name() == argv[1]; })
          .empty()) {
    print_error(fmt::format("unknown subcommand \"{}\"; known: {}", argv[1], subcommand_names()));
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (!message.empty())
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    print_error(message);
    return kExitUsage;
  }
  if (command == nullptr) {
    print_error(fmt::format("a subcommand is required ({}); see sweep --help", subcommand_names()));
    return kExitUsage;
  }
  try {
    install_interrupt_handler();
    return command(args);
  } catch (const SpecError& e) {
    for (const auto& line : e.lines()) print_error(line);
    return kExitUsage;
  } catch (const UsageError& e) {
    print_error(e.what());
    return kExitUsage;
  } catch (const engine::EngineError& e) {
    print_error(e.what());
    return kExitUsage;
  } catch (const StorageError& e) {
    print_error(e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    print_error(e.what());
    return kExitFailure;
  }
}

}  // namespace sweep::runner
