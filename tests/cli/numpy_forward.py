"""The .npz of `sweep best --weights`, loaded with NumPy alone: rebuilds the
model from model.json and arr_0.. (Keras's get_weights() order), prepares a
CSV file's raw rows with the stored preprocessing, runs the forward pass in
NumPy and compares the probabilities with `sweep predict`'s CSV.

usage: numpy_forward.py MODEL.npz DATA.csv PREDICTIONS.csv LABEL_COLUMN
Exits 0 when every probability is within 1e-5, 1 otherwise (saying where).
"""
import csv
import json
import math
import sys

import numpy as np

TOLERANCE = 1e-5


def activate(name, z):
    if name == "linear":
        return z
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky_relu":
        return np.where(z > 0, z, np.float32(0.2) * z)
    if name == "elu":
        return np.where(z > 0, z, np.expm1(z))
    if name == "gelu":
        erf = np.vectorize(math.erf, otypes=[np.float32])
        return np.float32(0.5) * z * (1 + erf(z / np.float32(math.sqrt(2))))
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise SystemExit(f"unknown activation {name}")


def main():
    npz, data, predictions, label_column = sys.argv[1:5]
    f = np.load(npz)
    meta = json.loads(f["model.json"])
    weights = [f[f"arr_{i}"] for i in range(len(meta["weights"]))]
    for array, described in zip(weights, meta["weights"]):
        assert array.dtype == np.float32, (described["name"], array.dtype)
        assert list(array.shape) == described["shape"], (described["name"], array.shape)

    with open(data, newline="") as handle:
        rows = list(csv.reader(handle))
    header, rows = rows[0], [r for r in rows[1:] if r]
    features = [i for i, name in enumerate(header) if name != label_column]
    x = np.array([[float(r[i]) for i in features] for r in rows], dtype=np.float32)
    p = meta["preprocessing"]
    x = (x - np.array(p["offset"], dtype=np.float32)) * np.array(p["scale"], dtype=np.float32)

    for layer in meta["layers"]:
        if layer["type"] == "dense":
            ids = layer["weights"]
            x = x @ weights[ids[0]]
            if layer["use_bias"]:
                x = x + weights[ids[1]]
            x = activate(layer["activation"], x)
        elif layer["type"] == "activation":
            x = activate(layer["activation"], x)
        # dropout: nothing at inference
    if meta["output"] == "logits":
        x = activate("softmax" if x.shape[1] > 1 else "sigmoid", x)
    if x.shape[1] == 1:
        x = np.concatenate([1 - x, x], axis=1)

    with open(predictions, newline="") as handle:
        predicted = list(csv.DictReader(handle))
    names = meta["class_names"] or [str(i) for i in range(x.shape[1])]
    expected = np.array([[float(r["p_" + n]) for n in names] for r in predicted])
    if expected.shape != x.shape:
        print(f"shapes differ: numpy {x.shape}, sweep predict {expected.shape}")
        return 1
    worst = np.abs(expected - x).max()
    print(f"{x.shape[0]} rows x {x.shape[1]} classes: largest difference {worst:.3g}")
    if not worst <= TOLERANCE:
        row, col = np.unravel_index(np.abs(expected - x).argmax(), x.shape)
        print(f"row {row}, class {names[col]}: numpy {x[row, col]}, sweep {expected[row, col]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
