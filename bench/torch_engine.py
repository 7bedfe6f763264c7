"""PyTorch peer of sweep's engine: the training loop a user would write.

One thread (torch.set_num_threads(1), OpenBLAS held to one thread with
threadpoolctl), tensors in memory, one randperm per epoch, no DataLoader,
Keras's choices: glorot-uniform kernels, zero biases, Adam(lr=1e-3, eps=1e-7),
softmax + categorical cross-entropy (CrossEntropyLoss on logits), accuracy
counted on the training batches. Prints one JSON line per measurement.

  torch_engine.py throughput --train-limit 20000 --epochs 2 \
      --models 784-256-128-10,784-128-10 --batches 32,64,256
  torch_engine.py accuracy --epochs 5 --batch 64 --seeds 0,1,2
  torch_engine.py matmul --size 1024
"""
import argparse
import json
import sys
import time

from threadpoolctl import threadpool_limits

import torch

import fashion_data


def make_model(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        torch.nn.init.xavier_uniform_(linear.weight)
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def train_epoch(model, optimizer, loss_fn, x, y, batch):
    """One epoch as Keras's fit runs it; returns (mean loss, accuracy)."""
    model.train()
    n = x.shape[0]
    perm = torch.randperm(n)
    total_loss = 0.0
    correct = 0
    for first in range(0, n, batch):
        idx = perm[first:first + batch]
        xb, yb = x[idx], y[idx]
        optimizer.zero_grad()
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(idx)
        correct += (logits.argmax(1) == yb).sum().item()
    return total_loss / n, correct / n


def evaluate(model, x, y, batch=256):
    model.eval()
    correct = 0
    with torch.no_grad():
        for first in range(0, x.shape[0], batch):
            logits = model(x[first:first + batch])
            correct += (logits.argmax(1) == y[first:first + batch]).sum().item()
    return correct / x.shape[0]


def weights(sizes):
    return sum(sizes[i] * sizes[i + 1] for i in range(len(sizes) - 1))


def throughput(args):
    x, y = (torch.from_numpy(a) for a in fashion_data.load("train", args.train_limit))
    loss_fn = torch.nn.CrossEntropyLoss()
    for model_name in args.models.split(","):
        sizes = [int(s) for s in model_name.split("-")]
        for batch in (int(b) for b in args.batches.split(",")):
            torch.manual_seed(args.seed)
            model = make_model(sizes)
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
            train_epoch(model, optimizer, loss_fn, x, y, batch)  # warm-up
            start = time.perf_counter()
            for _ in range(args.epochs):
                loss, acc = train_epoch(model, optimizer, loss_fn, x, y, batch)
            seconds = time.perf_counter() - start
            rate = args.epochs * x.shape[0] / seconds
            emit({"tool": "pytorch", "mode": "throughput", "model": model_name, "batch": batch,
                  "samples": x.shape[0], "epochs": args.epochs, "seconds": seconds,
                  "samples_per_s": rate, "gflops": rate * 6 * weights(sizes) / 1e9,
                  "loss": loss, "accuracy": acc})


def accuracy(args):
    x, y = (torch.from_numpy(a) for a in fashion_data.load("train", args.train_limit))
    x_test, y_test = (torch.from_numpy(a) for a in fashion_data.load("test"))
    sizes = [int(s) for s in args.model.split("-")]
    loss_fn = torch.nn.CrossEntropyLoss()
    for seed in (int(s) for s in args.seeds.split(",")):
        torch.manual_seed(seed)
        model = make_model(sizes)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        start = time.perf_counter()
        for _ in range(args.epochs):
            loss, acc = train_epoch(model, optimizer, loss_fn, x, y, args.batch)
        seconds = time.perf_counter() - start
        emit({"tool": "pytorch", "mode": "accuracy", "model": args.model, "batch": args.batch,
              "samples": x.shape[0], "epochs": args.epochs, "seed": seed, "seconds": seconds,
              "loss": loss, "accuracy": acc, "test_accuracy": evaluate(model, x_test, y_test)})


def matmul(args):
    n = args.size
    generator = torch.Generator().manual_seed(0)
    a = torch.rand(n, n, generator=generator)
    b = torch.rand(n, n, generator=generator)
    c = torch.empty(n, n)
    torch.mm(a, b, out=c)  # warm-up
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        torch.mm(a, b, out=c)
        best = min(best, time.perf_counter() - start)
    emit({"tool": "pytorch", "mode": "matmul", "size": n, "seconds": best,
          "gflops": 2.0 * n ** 3 / best / 1e9})


def emit(record):
    print(json.dumps(record), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--train-limit", type=int, default=20000)
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--models", default="784-256-128-10,784-128-10")
    t.add_argument("--batches", default="32,64,256")
    t.add_argument("--seed", type=int, default=0)
    a = sub.add_parser("accuracy")
    a.add_argument("--train-limit", type=int, default=None)
    a.add_argument("--epochs", type=int, default=5)
    a.add_argument("--batch", type=int, default=64)
    a.add_argument("--model", default="784-256-128-10")
    a.add_argument("--seeds", default="0,1,2")
    m = sub.add_parser("matmul")
    m.add_argument("--size", type=int, default=1024)
    m.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        {"throughput": throughput, "accuracy": accuracy, "matmul": matmul}[args.mode](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
