#include "runner/cli.hpp"

#include <fmt/core.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "engine/datasets/dataset.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"
#include "reports/format.hpp"
#include "reports/report_json.hpp"
#include "reports/writer.hpp"
#include "runner/errors.hpp"
#include "runner/interrupt.hpp"
#include "runner/search/refinement.hpp"
#include "runner/search/sampler.hpp"
#include "runner/spec/spec.hpp"
#include "runner/store/storage.hpp"
#include "runner/store/storage_error.hpp"
#include "runner/summary.hpp"
#include "runner/sweep_runner.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

struct Args {
  std::string spec;
  std::string name;
  std::string db = "sweep.db";
  std::string out;
  std::string output;
  std::string stats;
  int jobs = 0;
  bool json = false;
  bool spec_out = false;
  bool csv = false;
  std::vector<std::string> overrides;
};

SweepInfo find_or_fail(Storage& store, const std::string& name) {
  if (auto info = store.find_sweep(name)) return *info;
  std::vector<std::string> known;
  for (const auto& sweep : store.list_sweeps()) known.push_back(sweep.name);
  std::string message = "no sweep named \"" + name + "\" in " + store.path();
  message += known.empty() ? " (it holds none)" : engine::unknown_name_hint(name, known);
  throw UsageError(message);
}

RunOptions run_options(const Args& args) {
  return {args.db, args.out, args.jobs, isatty(STDERR_FILENO) == 1, args.stats};
}

// One line each on stderr; they never change the exit code.
void print_warnings(const Spec& spec) {
  for (const auto& line : spec.warning_lines()) fmt::print(stderr, "sweep: warning: {}\n", line);
}

int cmd_run(const Args& args) {
  const Spec spec = load_spec(args.spec, args.overrides);
  print_warnings(spec);
  return run_sweep(spec, run_options(args));
}

int cmd_resume(const Args& args) {
  Spec spec;
  {
    const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
    Storage& store = *store_owned;
    spec = stored_spec(find_or_fail(store, args.name));
  }
  print_warnings(spec);
  return run_sweep(spec, run_options(args));
}

int cmd_validate(const Args& args) {
  const Spec spec = load_spec(args.spec, args.overrides);
  print_warnings(spec);
  const auto plans = expand(spec);
  fmt::print(
      "{}: ok: sweep \"{}\", {} trials ({} search over {}), objective "
      "{} ({})\n",
      args.spec, spec.name, plans.size(), spec.method, engine::join(spec.swept_keys()),
      spec.objective_metric, spec.maximize ? "max" : "min");
  return kExitOk;
}

int cmd_plan(const Args& args) {
  const Spec spec = load_spec(args.spec, args.overrides);
  print_warnings(spec);
  const auto plans = expand(spec);
  std::map<std::pair<std::string, int>, std::string> stored;
  if (std::filesystem::exists(args.db)) {
    const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
    Storage& store = *store_owned;
    if (const auto info = store.find_sweep(spec.name)) {
      if (info->spec_hash != spec.hash) {
        fmt::print(
            "note: sweep \"{}\" in {} has a different spec; `sweep run` "
            "would refuse it\n",
            spec.name, args.db);
      } else {
        for (const auto& row : store.trials(info->id))
          stored[{row.config_hash, row.repeat}] = std::string{to_string(row.status)};
      }
    }
  }
  int to_run = 0;
  fmt::print("{:>5}  {:<16} {:>6}  {:<11} {}\n", "trial", "config", "repeat", "status",
             "parameters");
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto& plan = plans[i];
    const auto found = stored.find({plan.config_hash, plan.repeat});
    const std::string status = found == stored.end() ? "new" : found->second;
    const bool runs = found == stored.end() || needs_run(*parse_trial_status(status));
    to_run += runs ? 1 : 0;
    fmt::print("{:>5}  {:<16} {:>6}  {:<11} {}\n", i + 1, plan.config_hash, plan.repeat, status,
               reports::describe_config(plan.params));
  }
  fmt::print("{} trials, {} to run, {} done\n", plans.size(), to_run,
             plans.size() - static_cast<std::size_t>(to_run));
  return kExitOk;
}

int cmd_ls(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const auto sweeps = store.list_sweeps();
  if (sweeps.empty()) {
    fmt::print("{} holds no sweeps\n", args.db);
    return kExitOk;
  }
  fmt::print("{:<28} {:<12} {:>8}  {:<24} {}\n", "name", "status", "trials", "created",
             "description");
  for (const auto& sweep : sweeps) {
    const auto trials = store.trials(sweep.id);
    int done = 0;
    for (const auto& t : trials) done += needs_run(t.status) ? 0 : 1;
    fmt::print("{:<28} {:<12} {:>8}  {:<24} {}\n", sweep.name, sweep.status,
               fmt::format("{}/{}", done, trials.size()), sweep.created_at, sweep.description);
  }
  return kExitOk;
}

int cmd_show(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const auto record = load_record(store, find_or_fail(store, args.name));
  print_summary(record, stdout);
  return kExitOk;
}

int cmd_best(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const SweepInfo info = find_or_fail(store, args.name);
  const auto record = load_record(store, info);
  const json report = reports::build_report(record);
  const json best = report.value("best", json());
  if (!best.is_object() || !best.contains("config")) {
    throw std::runtime_error("sweep \"" + args.name + "\" has no finished trial with a value of " +
                             record.objective_metric + " yet");
  }
  if (args.json) {
    fmt::print("{}\n", best.dump(2));
  } else if (args.spec_out) {
    json spec = json::parse(info.spec_json);
    const std::int64_t trial_id = best["trial_ids"][0].get<std::int64_t>();
    for (const auto& trial : record.trials) {
      if (trial.id != trial_id) continue;
      spec["dataset"] = trial.config["dataset"];
      spec["model"] = trial.config["model"];
      spec["training"] = trial.config["training"];
    }
    spec["name"] = args.name + "-best";
    spec["description"] = "the best configuration of sweep " + args.name + ": " +
                          reports::describe_config(best["config"]);
    spec.erase("search");
    fmt::print("{}\n", spec.dump(2));
  } else {
    const json objective = best.value("objective", json());
    fmt::print("{} {} {}\n", reports::describe_config(best["config"]), record.objective_metric,
               objective.is_number() ? fmt::format("{:.4f}", objective.get<double>()) : "-");
  }
  return kExitOk;
}

int cmd_suggest(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const SweepInfo info = find_or_fail(store, args.name);
  const json stored = json::parse(info.spec_json);
  // No learning-rate advice for a setup that cannot learn: the stored spec
  // must pass today's checks (a sweep may predate them).
  parse_spec(stored, "stored spec of sweep \"" + args.name + "\"");
  const auto record = load_record(store, info);
  const Refinement refinement = refine_sweep(stored, reports::build_report(record));
  const Spec suggested =
      parse_spec(refinement.spec, "suggested spec for sweep \"" + args.name + "\"");
  const std::string text = refinement.spec.dump(2) + "\n";
  if (args.output.empty()) {
    fmt::print("{}", text);
    return kExitOk;
  }
  std::ofstream out(args.output, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + args.output + ": " + std::strerror(errno));
  fmt::print("{}: sweep \"{}\", {} trials\n", args.output, suggested.name,
             expand(suggested).size());
  for (const auto& note : refinement.notes) fmt::print("  {}\n", note);
  return kExitOk;
}

std::string csv_field(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string{"\"\""} : std::string(1, c);
    return quoted + "\"";
  }
  if (value.is_number_float()) return fmt::format("{}", value.get<double>());
  return value.dump();
}

int cmd_export(const Args& args) {
  if (!args.csv) throw UsageError("export: choose a format: --csv");
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const auto record = load_record(store, find_or_fail(store, args.name));
  std::set<std::string> metric_names;
  for (const auto& trial : record.trials) {
    for (const auto& epoch : trial.epochs) {
      for (const auto& [name, value] : epoch.metrics) metric_names.insert(name);
    }
  }
  std::FILE* out = stdout;
  if (!args.output.empty()) {
    out = std::fopen(args.output.c_str(), "w");
    if (out == nullptr)
      throw std::runtime_error("cannot write " + args.output + ": " + std::strerror(errno));
  }
  std::string header = "trial";
  for (const auto& key : record.swept) header += "," + key;
  header += ",repeat,status,epoch,epoch_learning_rate,seconds";
  for (const auto& name : metric_names) header += "," + name;
  fmt::print(out, "{}\n", header);
  for (const auto& trial : record.trials) {
    for (const auto& epoch : trial.epochs) {
      std::string line = std::to_string(trial.id);
      for (const auto& key : record.swept) {
        line += ',';
        line += csv_field(trial.params.value(key, json()));
      }
      line += fmt::format(",{},{},{},{},{}", trial.repeat, trial.status, epoch.epoch,
                          epoch.learning_rate, epoch.seconds);
      for (const auto& name : metric_names) {
        const auto found = epoch.metrics.find(name);
        line += ',';
        if (found != epoch.metrics.end()) line += fmt::format("{}", found->second);
      }
      fmt::print(out, "{}\n", line);
    }
  }
  if (out != stdout) std::fclose(out);
  return kExitOk;
}

int cmd_report(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const auto record = load_record(store, find_or_fail(store, args.name));
  const std::string out_dir = args.out.empty() ? default_report_dir(args.name) : args.out;
  reports::write_reports(record, out_dir);
  fmt::print("reports: {}/report.html, {}/report.json\n", out_dir, out_dir);
  return kExitOk;
}

int cmd_datasets(const Args&) {
  for (const auto& spec : engine::dataset_specs()) {
    std::string params;
    for (const auto& p : spec.params) params += (params.empty() ? "" : ", ") + p.name;
    fmt::print("{:<14} {}\n{:<14} parameters: {}\n", spec.name, spec.help, "", params);
  }
  const bool installed =
      std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
  fmt::print("\nfashion_mnist files: {}\n", installed
                                                ? "installed (/usr/share/datasets/fashion-mnist)"
                                                : "missing; install Debian's dataset-fashion-mnist "
                                                  "(scripts/setup does)");
  return kExitOk;
}

void print_error(const std::string& message) {
  fmt::print(stderr, "sweep: {}\n", message);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"sweep: hyperparameter sweeps with experiment tracking", "sweep"};
  app.set_version_flag("--version", std::string{"sweep "} + SWEEP_VERSION);
  app.require_subcommand(0, 1);
  Args args;
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
    sub->add_option("--jobs,-j", args.jobs, "trials in parallel (default: all cores)")
        ->check(CLI::PositiveNumber);
    sub->add_option("--stats", args.stats, "write timings as JSON to this file (for benchmarks)");
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
  on(run, cmd_run);

  auto* resume = app.add_subcommand("resume", "finish the trials of a sweep that are not done");
  resume->add_option("name", args.name, "the sweep's name")->required();
  add_db(resume);
  add_run_options(resume);
  on(resume, cmd_resume);

  auto* validate = app.add_subcommand("validate", "check a spec without running it");
  validate->add_option("spec", args.spec, "the sweep spec (JSON)")->required();
  add_overrides(validate);
  on(validate, cmd_validate);

  auto* plan = app.add_subcommand("plan", "list the trials a spec would run, and which are done");
  plan->add_option("spec", args.spec, "the sweep spec (JSON)")->required();
  add_overrides(plan);
  add_db(plan);
  on(plan, cmd_plan);

  auto* ls = app.add_subcommand("ls", "list the sweeps in the database");
  add_db(ls);
  on(ls, cmd_ls);

  auto* show = app.add_subcommand("show", "ranked table of a sweep's configurations");
  show->add_option("name", args.name, "the sweep's name")->required();
  add_db(show);
  on(show, cmd_show);

  auto* best = app.add_subcommand("best", "the best configuration of a sweep");
  best->add_option("name", args.name, "the sweep's name")->required();
  add_db(best);
  auto* json_flag = best->add_flag("--json", args.json, "as JSON");
  best->add_flag("--spec", args.spec_out, "as a runnable single-trial spec")->excludes(json_flag);
  on(best, cmd_best);

  auto* suggest = app.add_subcommand(
      "suggest", "a spec that refines each optimizer's learning rates around its best");
  suggest->add_option("name", args.name, "the sweep's name")->required();
  add_db(suggest);
  suggest->add_option("-o,--output", args.output, "write the spec to this file (default stdout)");
  on(suggest, cmd_suggest);

  auto* report =
      app.add_subcommand("report", "rebuild report.json and report.html from the database");
  report->add_option("name", args.name, "the sweep's name")->required();
  add_db(report);
  report->add_option("--out", args.out, "report folder (default ./sweep-reports/NAME)");
  on(report, cmd_report);

  auto* exp = app.add_subcommand("export", "export every trial's epochs");
  exp->add_option("name", args.name, "the sweep's name")->required();
  add_db(exp);
  exp->add_flag("--csv", args.csv, "as CSV: one row per trial and epoch");
  exp->add_option("-o,--output", args.output, "write to this file (default stdout)");
  on(exp, cmd_export);

  auto* datasets = app.add_subcommand("datasets", "list the datasets and their parameters");
  on(datasets, cmd_datasets);

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
