"""Optuna + PyTorch peer of bench/halving's Fashion-MNIST grid with pruning.

The grid of bench/halving_specs/fashion_grid.json: optimizer {sgd, adam,
rmsprop, adagrad} x learning rate {1e-4 ... 100, 7 decades} x hidden width
{32, 128}; 784-W-10 relu/softmax; the first --train-limit training images, the
last 10 % held out for validation; batch 64; Keras's hyperparameters. Each
trial reports its best val_accuracy so far after every epoch and asks
SuccessiveHalvingPruner (min_resource 1, reduction_factor 3) whether to stop;
a trial's value is its best epoch's val_accuracy. GridSampler with every
configuration enqueued, SQLite storage in a temporary file, --jobs worker
threads (study.ask() serialised, as bench/optuna_sweep.py explains), one torch
thread per trial. Then the same grid without a pruner, for the full grid's
winner and cost.

Prints one JSON object: the winner, the epochs trained, the trials pruned and
the wall times of both runs.
"""
import argparse
import json
import os
import sys
import tempfile
import threading
import time

import optuna
import torch
from threadpoolctl import threadpool_limits

import fashion_data
from optuna_sweep import keras_optimizer
from optuna_workers import run_workers
from torch_engine import evaluate, make_model, train_epoch

OPTIMIZERS = ["sgd", "adam", "rmsprop", "adagrad"]
LEARNING_RATES = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0]
WIDTHS = [32, 128]


def study_run(args, data, pruner):
    x_train, y_train, x_val, y_val = data
    loss_fn = torch.nn.CrossEntropyLoss()
    epochs_run = [0]
    count_lock = threading.Lock()

    def objective(trial):
        torch.set_num_threads(1)
        name = trial.suggest_categorical("optimizer", OPTIMIZERS)
        lr = trial.suggest_categorical("learning_rate", LEARNING_RATES)
        units = trial.suggest_categorical("units", WIDTHS)
        torch.manual_seed(trial.number)
        model = make_model([784, units, 10])
        optimizer = keras_optimizer(name, model.parameters(), lr)
        best = 0.0
        for epoch in range(args.epochs):
            train_epoch(model, optimizer, loss_fn, x_train, y_train, args.batch)
            with count_lock:
                epochs_run[0] += 1
            value = evaluate(model, x_val, y_val)
            best = max(best, value) if value == value else best
            trial.report(best, epoch + 1)
            if pruner is not None and trial.should_prune():
                raise optuna.TrialPruned()
        return best

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, threadpool_limits(limits=1):
        storage = optuna.storages.RDBStorage(f"sqlite:///{os.path.join(folder, 'optuna.db')}")
        sampler = optuna.samplers.GridSampler(
            {"optimizer": OPTIMIZERS, "learning_rate": LEARNING_RATES, "units": WIDTHS}, seed=0)
        study = optuna.create_study(study_name="bench-halving", storage=storage, sampler=sampler,
                                    direction="maximize", pruner=pruner or optuna.pruners.NopPruner())
        for name in OPTIMIZERS:
            for lr in LEARNING_RATES:
                for units in WIDTHS:
                    study.enqueue_trial({"optimizer": name, "learning_rate": lr, "units": units})
        run_workers(study, objective, len(OPTIMIZERS) * len(LEARNING_RATES) * len(WIDTHS),
                    args.jobs)
        trials = study.get_trials(deepcopy=False)
        best = study.best_trial
        return {"best": {"optimizer": best.params["optimizer"],
                         "learning_rate": best.params["learning_rate"],
                         "units": best.params["units"], "val_accuracy": best.value},
                "epochs": epochs_run[0],
                "pruned": sum(t.state == optuna.trial.TrialState.PRUNED for t in trials),
                "wall_seconds": time.perf_counter() - started}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train-limit", type=int, default=6000)
    parser.add_argument("--validation-split", type=float, default=0.1)
    parser.add_argument("--epochs", type=int, default=9)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(1)
    x, y = (torch.from_numpy(a) for a in fashion_data.load("train", args.train_limit))
    split = int(len(x) * (1.0 - args.validation_split))
    data = (x[:split], y[:split], x[split:], y[split:])
    pruned = study_run(args, data, optuna.pruners.SuccessiveHalvingPruner(
        min_resource=1, reduction_factor=3, min_early_stopping_rate=0))
    full = study_run(args, data, None)
    print(json.dumps({"tool": "optuna+pytorch", "jobs": args.jobs,
                      "best": pruned["best"], "epochs": pruned["epochs"],
                      "pruned": pruned["pruned"], "inner_wall_seconds": pruned["wall_seconds"],
                      "full_best": full["best"], "full_epochs": full["epochs"],
                      "full_wall_seconds": full["wall_seconds"]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
