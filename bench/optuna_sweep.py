"""Optuna + PyTorch peer of `sweep run bench/grid16.json --jobs 2`.

The 16-trial grid optimizer {sgd, adam, rmsprop, adagrad} x learning rate
{1e-4, 1e-3, 1e-2, 1e-1}; 784-128-10 relu/softmax; 2 epochs on the first
10,000 training images, the last 10 % held out for validation as Keras's
validation_split does; batch 64; each trial's value is its best epoch's
val_accuracy. GridSampler with the 16 configurations enqueued so that none
runs twice, SQLite storage in a temporary file, two worker threads, one torch
thread per trial, Keras's hyperparameters (Adam eps 1e-7; RMSprop rho 0.9,
eps 1e-7; Adagrad initial accumulator 0.1, eps 1e-7; plain SGD).

Why not study.optimize(n_jobs=2): with SQLite storage two threads can pop the
same enqueued trial (SQLite has no SELECT ... FOR UPDATE; optuna/optuna#4002,
documented in Optuna's FAQ), which here fails with "Cannot tell a COMPLETE
trial". The workers below are the threads n_jobs would start (ask, run, tell)
with study.ask() serialised by a lock, so each enqueued trial runs once.

Prints one JSON object: the trials' span (first start to last end, from
Optuna's records), the in-process wall time and the best configuration. The
driver measures the process's wall time and peak RSS from outside.
"""
import argparse
import json
import os
import sys
import tempfile
import time

START = time.perf_counter()

import optuna  # noqa: E402
import torch  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import fashion_data  # noqa: E402
from optuna_workers import run_workers, study_record  # noqa: E402
from torch_engine import evaluate, make_model, train_epoch  # noqa: E402

OPTIMIZERS = ["sgd", "adam", "rmsprop", "adagrad"]
LEARNING_RATES = [1e-4, 1e-3, 1e-2, 1e-1]


def keras_optimizer(name, params, lr):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, eps=1e-7)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, initial_accumulator_value=0.1, eps=1e-7)
    raise ValueError(f"unknown optimizer {name!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train-limit", type=int, default=10000)
    parser.add_argument("--validation-split", type=float, default=0.1)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(1)
    x, y = (torch.from_numpy(a) for a in fashion_data.load("train", args.train_limit))
    split = int(len(x) * (1.0 - args.validation_split))
    x_train, y_train, x_val, y_val = x[:split], y[:split], x[split:], y[split:]
    loss_fn = torch.nn.CrossEntropyLoss()

    def objective(trial):
        torch.set_num_threads(1)
        name = trial.suggest_categorical("optimizer", OPTIMIZERS)
        lr = trial.suggest_categorical("learning_rate", LEARNING_RATES)
        torch.manual_seed(trial.number)
        model = make_model([784, 128, 10])
        optimizer = keras_optimizer(name, model.parameters(), lr)
        best = 0.0
        for _ in range(args.epochs):
            train_epoch(model, optimizer, loss_fn, x_train, y_train, args.batch)
            best = max(best, evaluate(model, x_val, y_val))
        return best

    with tempfile.TemporaryDirectory() as folder, threadpool_limits(limits=1):
        storage = optuna.storages.RDBStorage(f"sqlite:///{os.path.join(folder, 'optuna.db')}")
        sampler = optuna.samplers.GridSampler(
            {"optimizer": OPTIMIZERS, "learning_rate": LEARNING_RATES}, seed=0)
        study = optuna.create_study(study_name="bench-grid16", storage=storage,
                                    sampler=sampler, direction="maximize")
        for name in OPTIMIZERS:
            for lr in LEARNING_RATES:
                study.enqueue_trial({"optimizer": name, "learning_rate": lr})
        run_workers(study, objective, len(OPTIMIZERS) * len(LEARNING_RATES), args.jobs)
        configs = {(t.params["optimizer"], t.params["learning_rate"])
                   for t in study.get_trials(deepcopy=False)}
        print(json.dumps(study_record(study, START, tool="optuna+pytorch", mode="grid16",
                                      jobs=args.jobs, distinct_configs=len(configs))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
