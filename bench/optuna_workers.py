"""The worker threads of the Optuna peers (bench/optuna_*.py).

What study.optimize(n_jobs=J) starts: J threads that ask, train and tell
until `trials` trials have run. With enqueued trials and SQLite storage, two
threads can pop the same enqueued trial (SQLite has no SELECT ... FOR
UPDATE; optuna/optuna#4002, in Optuna's FAQ): `lock_ask` serialises
study.ask() so that each runs once. A pruned trial is told PRUNED; any other
failure FAIL, and never stops the study.
"""
import threading
import time

import optuna


def run_workers(study, objective, trials, jobs, lock_ask=True):
    remaining = [trials]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
                trial = study.ask() if lock_ask else None
            if trial is None:
                trial = study.ask()
            try:
                study.tell(trial, objective(trial))
            except optuna.TrialPruned:
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            except Exception:  # one trial's failure never stops the study
                study.tell(trial, state=optuna.trial.TrialState.FAIL)

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def study_record(study, started, **fields):
    """The peer's one JSON object: `fields`, then the trials run and completed,
    their span (first start to last end, from Optuna's records), the wall time
    since `started` (time.perf_counter()) and the best trial's parameters and
    value (as val_accuracy)."""
    trials = study.get_trials(deepcopy=False)
    first = min(t.datetime_start for t in trials)
    last = max(t.datetime_complete for t in trials)
    best = study.best_trial
    return dict(fields, **{
        "trials": len(trials),
        "completed": sum(t.state == optuna.trial.TrialState.COMPLETE for t in trials),
        "trials_span_seconds": (last - first).total_seconds(),
        "inner_wall_seconds": time.perf_counter() - started,
        "best": dict(best.params, val_accuracy=best.value)})
