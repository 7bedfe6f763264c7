#include "runner/sweep_runner.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include <tbb/task_group.h>

#include "engine/datasets/dataset.hpp"
#include "engine/errors.hpp"
#include "reports/format.hpp"
#include "reports/ranking.hpp"
#include "reports/report_json.hpp"
#include "reports/writer.hpp"
#include "runner/errors.hpp"
#include "runner/execution/cluster.hpp"
#include "runner/execution/executor.hpp"
#include "runner/execution/rung_executor.hpp"
#include "runner/execution/store_sink.hpp"
#include "runner/exit_memory.hpp"
#include "runner/hashing.hpp"
#include "runner/interrupt.hpp"
#include "runner/progress.hpp"
#include "runner/pruning/pruner.hpp"
#include "runner/pruning/rung_replay.hpp"
#include "runner/search/sampler.hpp"
#include "runner/store/lease_keeper.hpp"
#include "runner/summary.hpp"
#include "runner/sweep_data.hpp"
#include "runner/trial_runner.hpp"

namespace sweep::runner {
namespace {

using nlohmann::json;

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

// What the reports need to know of the loaded data and the spec cannot tell:
// the smallest validation part (it sets how small a difference is noise), how
// many classes it holds, the class names (string labels in sorted order), the
// class weights the training loss used, and the loaders' warnings and notes,
// which are also printed here, once per dataset.
json data_facts(const SweepData& data, const std::vector<TrialPlan>& plans) {
  std::size_t rows = 0;
  std::size_t classes = 0;
  bool first = true;
  json warnings = json::array();
  json notes = json::array();
  json class_names = json::array();
  for (const auto& [key, dataset] : data.datasets) {
    const auto labels = dataset->validation.labels();
    const std::set<std::int32_t> present(labels.begin(), labels.end());
    for (const auto& warning : dataset->warnings) {
      fmt::print(stderr, "sweep: warning: {}\n", terminal_safe(warning));
      warnings.push_back(warning);
    }
    for (const auto& note : dataset->notes) {
      fmt::print(stderr, "sweep: note: {}\n", terminal_safe(note));
      notes.push_back(note);
    }
    if (first) class_names = dataset->class_names;
    if (first || labels.size() < rows) rows = labels.size();
    if (first || present.size() < classes) classes = present.size();
    first = false;
  }
  json facts{{"validation_rows", rows},
             {"validation_classes", classes},
             {"warnings", std::move(warnings)},
             {"notes", std::move(notes)}};
  if (!class_names.empty()) facts["class_names"] = std::move(class_names);
  // The class weights of the first configuration that has any (a swept
  // class_weight shows in each trial's config).
  for (const auto& plan : plans) {
    const json& class_weight = plan.config["training"].value("class_weight", json());
    if (class_weight.is_null()) continue;
    const auto& dataset = *data.datasets.at(plan.config["dataset"].dump());
    json weights = json::array();
    for (const float weight : class_weights(class_weight, dataset))
      weights.push_back(round6(static_cast<double>(weight)));
    facts["class_weight"] = class_weight;
    facts["class_weights"] = std::move(weights);
    break;
  }
  return facts;
}

// The weights of the trials that may win, lost when the process that trained
// them was killed before the sweep ended (StoreSink holds them until then):
// each such trial is trained again. Its seed makes the weights the same bit
// for bit, which its objective, compared with the stored one, confirms
// before they are written.
void recover_lost_weights(Storage& store, const WeightsRetention& retention,
                          const std::map<std::int64_t, const TrialPlan*>& plan_of,
                          const TrainFn& train, const Spec& spec) {
  for (const auto& lost : retention.missing()) {
    const auto found = plan_of.find(lost.trial_id);
    if (found == plan_of.end()) continue;
    const TrialPlan& plan = *found->second;
    fmt::print(stderr,
               "sweep: note: training trial {} ({}) again: its weights were lost with the "
               "process that trained it, killed before the sweep ended\n",
               lost.trial_id, terminal_safe(reports::describe_config(plan.params)));
    TrialHooks hooks;
    hooks.on_epoch = [](const reports::EpochRecord&) {};
    hooks.should_stop = [] { return interrupt_requested(); };
    const TrialResult again = train({lost.trial_id, &plan}, hooks);
    if (interrupt_requested()) return;
    const auto same = [](std::optional<double> a, std::optional<double> b) {
      if (!a || !b) return !a && !b;
      return *a == *b || (std::isnan(*a) && std::isnan(*b));
    };
    if (again.outcome.status != TrialStatus::completed || !again.outcome.weights ||
        !same(again.outcome.objective, lost.objective)) {
      fmt::print(stderr,
                 "sweep: warning: trial {} trained again did not reproduce its stored {} ({} "
                 "against {}): its weights are not kept\n",
                 lost.trial_id, spec.objective_metric,
                 again.outcome.objective ? fmt::format("{}", *again.outcome.objective) : "none",
                 lost.objective ? fmt::format("{}", *lost.objective) : "none");
      continue;
    }
    store.write_weights(lost.trial_id, *again.outcome.weights);
  }
}

}  // namespace

int default_jobs() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string default_report_dir(const std::string& name) {
  // The name may come from a database someone else wrote: it becomes a folder
  // name only when it is a valid sweep name (no "/", no "..").
  if (!valid_sweep_name(name))
    throw UsageError("sweep name \"" + terminal_safe(name) +
                     "\" is not a valid folder name ([a-z0-9_-]+); give the reports' folder "
                     "with --out");
  return "sweep-reports/" + name;
}

std::string terminal_safe(std::string text) {
  // Control characters (escape sequences) from a spec or a database never
  // reach the terminal as such.
  for (char& c : text)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) c = '?';
  return text;
}

Spec stored_spec(const SweepInfo& info) {
  return parse_spec(json::parse(info.spec_json), "stored spec of sweep \"" + info.name + "\"",
                    SpecOrigin::stored);
}

namespace {

// What the reports need from the spec besides the stored records.
void add_spec_facts(reports::SweepRecord& record, const Spec& spec) {
  record.objective_metric = spec.objective_metric;
  record.maximize = spec.maximize;
  const std::size_t units = output_units(spec.resolved["model"]);
  record.classes = static_cast<int>(units == 1 ? 2 : units);
  record.swept = spec.swept_keys();
}

}  // namespace

reports::SweepRecord load_record(Storage& store, const SweepInfo& info) {
  reports::SweepRecord record = store.read_sweep(info.id);
  const Spec spec = stored_spec(info);
  add_spec_facts(record, spec);
  record.pruning = pruning_summary(spec, record);
  return record;
}

reports::SweepRecord load_record(Storage& store, const SweepInfo& info, const TrialQuery& query) {
  reports::SweepRecord record = store.read_sweep(info.id, query);
  add_spec_facts(record, stored_spec(info));
  return record;
}

int run_sweep(const Spec& spec, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  // From here a signal stops the sweep cleanly instead of ending the process.
  const InterruptScope graceful;
  if (options.cluster && spec.pruning_method != "none")
    throw UsageError("pruning.method " + spec.pruning_method +
                     " does not run under MPI yet; run the sweep on one machine (without "
                     "mpirun), or set pruning.method to none");
  std::string note;
  std::vector<TrialPlan> plans = expand(spec, note);
  if (!note.empty()) fmt::print(stderr, "sweep: note: {}\n", note);
  // Before anything touches the database: a missing file must not leave a
  // half-made sweep.
  const SweepData data = load_sweep_data(spec, plans);
  Cluster* const cluster = options.cluster;
  int local_jobs = options.jobs > 0 ? std::min(options.jobs, default_jobs())
                   : cluster        ? cluster->default_jobs()
                                    : default_jobs();
  if (cluster && options.rank0_jobs >= 0) local_jobs = std::min(options.rank0_jobs, default_jobs());
  // Every rank has its data before the store is touched.
  if (cluster) cluster->prepare(spec, options.jobs, data_fingerprint(data));
  const auto executor = cluster ? cluster->executor(local_jobs) : make_executor("tbb", local_jobs);
  const int jobs = executor->jobs();

  auto store_owned = open_storage(options.db_path, Storage::Mode::read_write);

  Storage& store = *store_owned;
  const std::string owner = lease_owner_id();
  std::int64_t sweep_id = 0;
  auto existing = store.find_sweep(spec.name);
  if (!existing) {
    // A new sweep starts running, with its jobs, leased to us.
    SweepInfo info;
    info.name = spec.name;
    info.description = spec.description;
    info.spec_json = spec.resolved.dump();
    info.spec_hash = spec.hash;
    info.status = "running";
    info.host = host_name();
    info.version = SWEEP_VERSION;
    info.jobs = jobs;
    info.owner = owner;
    try {
      sweep_id = store.create_sweep(info);
    } catch (const SweepExists&) {
      // Another run created it since find_sweep: it is that run's now.
      existing = store.find_sweep(spec.name);
      if (!existing) throw;
    }
  }
  if (existing) {
    if (existing->spec_hash != spec.hash) {
      throw UsageError("sweep \"" + spec.name +
                       "\" exists with a different spec; use another name or --db");
    }
    sweep_id = existing->id;
    const LeaseResult lease = store.acquire_lease(sweep_id, owner, Storage::kLeaseSeconds);
    if (!lease.acquired) {
      throw std::runtime_error("sweep \"" + spec.name + "\" is running elsewhere (owner " +
                               lease.holder + "); wait for it to finish or stop it");
    }
  }
  // Optional only so that it can end before this function does (below).
  std::optional<LeaseKeeper> keeper;
  keeper.emplace(store, sweep_id, owner, Storage::kLeaseSeconds);
  if (existing) store.recover_interrupted(sweep_id);
  store.set_sweep_data(sweep_id, data_facts(data, plans).dump());

  std::vector<NewTrial> rows;
  rows.reserve(plans.size());
  for (const auto& plan : plans) {
    rows.push_back({plan.index, plan.config.dump(), plan.params.dump(), plan.config_hash,
                    plan.repeat, plan.seed, plan.cost});
  }
  store.add_trials(sweep_id, rows);
  if (existing) store.set_sweep_status(sweep_id, SweepStatus::running, jobs);

  store.guard_writes(owner);
  std::map<std::pair<std::string, int>, const TrialPlan*> by_identity;
  for (const auto& plan : plans) by_identity[{plan.config_hash, plan.repeat}] = &plan;
  std::vector<TrialTask> tasks;
  // Each stored trial's plan, by id: the trials to run, and those whose lost
  // weights are trained again (recover_lost_weights).
  std::map<std::int64_t, const TrialPlan*> plan_of;
  for (const auto& row : store.trials(sweep_id)) {
    const auto found = by_identity.find({row.config_hash, row.repeat});
    if (found == by_identity.end()) continue;
    plan_of[row.id] = found->second;
    if (needs_run(row.status)) tasks.push_back({row.id, found->second});
  }
  // The most expensive first, so the workers do not end on one long trial.
  std::stable_sort(tasks.begin(), tasks.end(), [](const TrialTask& a, const TrialTask& b) {
    return a.plan->cost > b.plan->cost;
  });

  const std::vector<std::unique_ptr<Pruner>> pruners = sweep_pruners(spec);
  const HalvingOptions* rungs = nullptr;
  for (const auto& pruner : pruners)
    if (pruner->rungs() != nullptr) rungs = pruner->rungs();
  long long total_epochs = 0;
  for (const auto& task : tasks) total_epochs += task.plan->config["training"]["epochs"].get<int>();
  if (rungs)
    total_epochs = std::min(
        total_epochs, static_cast<long long>(std::ceil(halving_epochs(*rungs, tasks.size()))));
  Progress progress(static_cast<int>(tasks.size()), static_cast<int>(total_epochs),
                    options.terminal, spec.objective_metric, spec.maximize);
  // Which finished trials keep their weights; a resumed sweep's stored trials
  // count as they stand.
  WeightsRetention retention(spec.weights, spec.repeats, spec.maximize);
  if (existing && spec.weights == WeightsPolicy::best) {
    const reports::SweepRecord stored = load_record(store, *existing);
    const std::vector<std::int64_t> with_weights = store.trials_with_weights(sweep_id);
    const std::set<std::int64_t> has(with_weights.begin(), with_weights.end());
    for (const auto& trial : stored.trials) {
      const auto status = parse_trial_status(trial.status);
      if (!status) continue;
      retention.add_stored(trial.config_hash, trial.id, *status,
                           reports::trial_objective(stored, trial), has.count(trial.id) > 0);
    }
  }
  StoreSink sink(store, progress, *keeper, &retention);
  try {
    const auto stop = [] { return interrupt_requested(); };
    if (rungs) {
      // The finished trials replayed: a resumed sweep's rungs decide as before.
      const auto board = replay_rungs(*rungs, plans, store.read_sweep(sweep_id),
                                      spec.objective_metric, spec.maximize, false);
      RungExecutor(jobs).run(tasks, make_start_fn(spec, data, pruners), *board, sink, stop);
    } else {
      executor->run(tasks, make_train_fn(spec, data, pruners), sink, stop);
    }
    sink.write_held();
    if (!interrupt_requested())
      recover_lost_weights(store, retention, plan_of, make_train_fn(spec, data, pruners), spec);
  } catch (const LeaseLost&) {
    // Another process runs the sweep now: write nothing more.
    progress.finish();
    throw;
  } catch (...) {
    progress.finish();
    // The storage failed: say so in the sweep if it still takes a write.
    try {
      store.set_sweep_status(sweep_id, SweepStatus::failed, jobs);
    } catch (...) {
    }
    throw;
  }
  progress.finish();

  const bool interrupted = interrupt_requested();
  store.set_sweep_status(sweep_id, interrupted ? SweepStatus::interrupted : SweepStatus::completed,
                         jobs);
  const auto info = store.find_sweep(spec.name);
  reports::SweepRecord record = load_record(store, *info);
  // The database is done with: the lease released and the database closed
  // on a thread of their own while the reports are built and written.
  // Closing is mostly waiting on the disk: SQLite copies its write-ahead log
  // into the database file and syncs both (~20 ms at 1,000 trials).
  const double store_seconds = store.seconds_in_store();
  const double store_wait_seconds = store.seconds_waiting();
  std::jthread closing([&keeper, owned = std::move(store_owned)]() mutable {
    keeper.reset();
    owned.reset();
  });
  const std::string out_dir =
      options.out_dir.empty() ? default_report_dir(spec.name) : options.out_dir;
  // Built once: written to both files and printed as the summary.
  json report = reports::build_report(record);
  // The summary is composed while the reports are written (each only reads
  // the report) and printed once they are: a failed write still prints no
  // summary.
  std::string summary;
  {
    tbb::task_group writing;
    writing.run([&] { reports::write_reports(report, out_dir); });
    try {
      summary = summary_text(record, report);
    } catch (...) {
      writing.wait();
      throw;
    }
    writing.wait();
  }
  try {
    fmt::print("{}", summary);
    fmt::print("reports: {}/report.html, {}/report.json\n", out_dir, out_dir);
  } catch (const std::system_error&) {
    // stdout was closed (`sweep run ... | head -1`): the SIGPIPE that came
    // with it already stopped the sweep; the database and reports are whole.
    if (!interrupt_requested()) throw;
  }

  closing.join();
  if (!options.stats_path.empty()) {
    int epoch_rows = 0;
    for (const auto& trial : record.trials) epoch_rows += static_cast<int>(trial.epochs.size());
    json stats;
    stats["wall_seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    stats["trials_span_seconds"] = trials_span_seconds(record);
    stats["store_seconds"] = store_seconds;
    stats["store_wait_seconds"] = store_wait_seconds;
    stats["epoch_rows"] = epoch_rows;
    stats["trials"] = record.trials.size();
    stats["jobs"] = jobs;
    if (cluster) stats["cluster"] = cluster->stats();
    std::ofstream(options.stats_path) << stats.dump(2) << "\n";
  }
  if (options.process_ends_after) {
    leave_to_exit(std::move(report));
    leave_to_exit(std::move(record));
    leave_to_exit(std::move(tasks));
    leave_to_exit(std::move(plan_of));
    leave_to_exit(std::move(by_identity));
    leave_to_exit(std::move(rows));
    leave_to_exit(std::move(plans));
  }
  return interrupted ? 130 : 0;
}

}  // namespace sweep::runner
