"""Optuna + PyTorch peer of bench/scale's random search (`--optuna`).

N trials (default 1,000) of a random search over optimizer {sgd, adam,
rmsprop, adagrad} x learning rate log-uniform in [1e-5, 10]: 300 points of
three noisy spirals (noise 0.2), the last 20 % held out for validation as
Keras's validation_split does; a 2-8-3 relu/softmax MLP; 2 epochs of batch
32; each trial's value is its best epoch's val_accuracy. RandomSampler
(seed 1), SQLite storage in a temporary file given sweep's own settings
(journal_mode=WAL, synchronous=NORMAL, set on every connection), two worker
threads that ask, train and tell as study.optimize(n_jobs=2) does, one torch
thread per trial, Keras's optimizer hyperparameters (bench/optuna_sweep.py).

Prints one JSON object: the trials' span (first start to last end, from
Optuna's records), the in-process wall time and the best configuration. The
driver measures the process's wall time and peak RSS from outside.
"""
import argparse
import json
import math
import os
import sys
import tempfile
import time

START = time.perf_counter()

import optuna  # noqa: E402
import sqlalchemy  # noqa: E402
import torch  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from optuna_sweep import OPTIMIZERS, keras_optimizer  # noqa: E402
from optuna_workers import run_workers, study_record  # noqa: E402
from torch_engine import evaluate, make_model, train_epoch  # noqa: E402


def spirals(samples, classes, noise, seed):
    """`samples` points on `classes` interleaved spiral arms, shuffled."""
    generator = torch.Generator().manual_seed(seed)
    per = samples // classes
    xs, ys = [], []
    for c in range(classes):
        r = torch.linspace(0.0, 1.0, per)
        t = torch.linspace(c * 4.0, (c + 1) * 4.0, per) + noise * torch.randn(per, generator=generator)
        xs.append(torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1))
        ys.append(torch.full((per,), c, dtype=torch.long))
    x, y = torch.cat(xs), torch.cat(ys)
    order = torch.randperm(len(x), generator=generator)
    return x[order], y[order]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(1)
    x, y = spirals(300, 3, 0.2, seed=1)
    split = int(len(x) * 0.8)
    x_train, y_train, x_val, y_val = x[:split], y[:split], x[split:], y[split:]
    loss_fn = torch.nn.CrossEntropyLoss()

    def objective(trial):
        torch.set_num_threads(1)
        name = trial.suggest_categorical("optimizer", OPTIMIZERS)
        lr = trial.suggest_float("learning_rate", 1e-5, 10.0, log=True)
        torch.manual_seed(trial.number)
        model = make_model([2, 8, 3])
        optimizer = keras_optimizer(name, model.parameters(), lr)
        best = 0.0
        for _ in range(2):
            train_epoch(model, optimizer, loss_fn, x_train, y_train, 32)
            accuracy = evaluate(model, x_val, y_val)
            if not math.isnan(accuracy):
                best = max(best, accuracy)
        return best

    with tempfile.TemporaryDirectory() as folder, threadpool_limits(limits=1):
        engine_kwargs = {"connect_args": {"timeout": 30}}
        storage = optuna.storages.RDBStorage(f"sqlite:///{os.path.join(folder, 'optuna.db')}",
                                             engine_kwargs=engine_kwargs)

        # sweep's settings, on every connection the pool opens.
        @sqlalchemy.event.listens_for(storage.engine, "connect")
        def pragmas(connection, _):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        storage.engine.dispose()  # connections opened so far close; new ones get the pragmas
        study = optuna.create_study(study_name="bench-scale", storage=storage,
                                    sampler=optuna.samplers.RandomSampler(seed=1),
                                    direction="maximize")
        run_workers(study, objective, args.trials, args.jobs, lock_ask=False)
        journal = storage.engine.connect().exec_driver_sql("PRAGMA journal_mode").scalar()
        print(json.dumps(study_record(study, START, tool="optuna+pytorch", mode="scale",
                                      jobs=args.jobs, journal_mode=journal)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
