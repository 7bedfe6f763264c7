#!/usr/bin/env python3
"""Writes tests/data/optimizer_steps.json: reference parameter trajectories for
every optimizer of the engine, computed with Keras 3's update rules in float64.

Plain Python 3 (standard library only): every value is a Python float, so all
arithmetic is IEEE float64, element by element, in the same order of
operations as Keras 3's update_step (keras/src/optimizers/*.py). The engine's
test (tests/engine/optimizers/optimizer_reference_test.cpp) runs its float32
optimizers along the same gradients and compares with these values.

    python3 tests/data/generate_optimizer_steps.py            # rewrite the file
    python3 tests/data/generate_optimizer_steps.py --check    # compare, exit 1 on a difference
    python3 tests/data/generate_optimizer_steps.py --output PATH

clipnorm and clipvalue follow BaseOptimizer._clip_gradients (clipnorm wins
when both are set); no case uses them yet.

The file is json.dump(..., indent=1) with no trailing newline, keys in the
order written below; the regenerated text equals the committed file byte for
byte.
"""

import argparse
import json
import math
import os
import sys

ABOUT = (
    "Parameters after each optimizer step, Keras 3 update rules, float64. "
    "weight_decay, where given, is applied as p <- p - p*weight_decay*learning_rate "
    "before each step. Gradients do not depend on p."
)

P0 = [0.5, -1.0, 2.0, 0.0, 3.0]

# One gradient per step; element 3 is always zero (a weight that never gets a
# gradient must stay where it is).
GRADIENTS = [
    [0.1, -0.2, 0.3, 0.0, 1.5],
    [0.2, -0.1, -0.4, 0.0, 1.0],
    [-0.3, 0.5, 0.2, 0.0, 0.5],
    [0.05, -0.05, 0.1, 0.0, -2.0],
    [0.4, 0.3, -0.2, 0.0, 0.25],
    [-0.1, -0.6, 0.0, 0.0, 4.0],
    [0.0, 0.2, 0.3, 0.0, -0.5],
    [0.25, -0.25, 0.5, 0.0, 0.1],
    [-0.2, 0.1, -0.1, 0.0, 2.5],
    [0.3, 0.0, 0.05, 0.0, -1.0],
]

ADAM_HYPERPARAMETERS = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "learning_rate": 0.01}

# (optimizer, hyperparameters) in the file's order; each dict's key order is
# the order the file lists them in.
CASES = [
    ("sgd", {"learning_rate": 0.1}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("adam", dict(ADAM_HYPERPARAMETERS)),
    ("adam", dict(ADAM_HYPERPARAMETERS, amsgrad=True)),
    ("adamw", dict(ADAM_HYPERPARAMETERS, weight_decay=0.004)),
    ("rmsprop", {"learning_rate": 0.01, "rho": 0.9, "epsilon": 1e-07}),
    (
        "rmsprop",
        {"learning_rate": 0.01, "rho": 0.9, "epsilon": 1e-07, "momentum": 0.5, "centered": True},
    ),
    ("adamax", dict(ADAM_HYPERPARAMETERS)),
    ("nadam", dict(ADAM_HYPERPARAMETERS)),
    ("adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.1, "epsilon": 1e-07}),
]

# Keras 3 defaults for what a case leaves out.
COMMON_DEFAULTS = {"weight_decay": None, "clipnorm": None, "clipvalue": None}
DEFAULTS = {
    "sgd": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
             "amsgrad": False},
    "adamw": {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-07, "amsgrad": False},
    "rmsprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-07,
                "centered": False},
    "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-07},
    "adamax": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07},
    "nadam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07},
}


def zeros(n):
    return [0.0] * n


class Optimizer:
    """Keras 3's BaseOptimizer.apply for one variable: clip the gradient,
    decay the variable, then the rule's update_step with iterations = t - 1."""

    def __init__(self, name, hyperparameters, size):
        h = dict(COMMON_DEFAULTS)
        h.update(DEFAULTS[name])
        unknown = set(hyperparameters) - set(h)
        if unknown:
            raise ValueError(f"{name}: unknown hyperparameters {sorted(unknown)}")
        h.update(hyperparameters)
        self.h = h
        self.update_step = getattr(self, "_" + name)
        self.iterations = 0
        self.size = size
        self.slots = {}

    def slot(self, name, initial=0.0):
        if name not in self.slots:
            self.slots[name] = [initial] * self.size
        return self.slots[name]

    def apply(self, p, g):
        h = self.h
        g = list(g)
        # BaseOptimizer._clip_gradients: clipnorm wins over clipvalue.
        if h["clipnorm"] and h["clipnorm"] > 0:
            l2sum = sum(x * x for x in g)
            l2norm = math.sqrt(l2sum) if l2sum > 0 else l2sum
            g = [x * h["clipnorm"] / max(l2norm, h["clipnorm"]) for x in g]
        elif h["clipvalue"] and h["clipvalue"] > 0:
            v = h["clipvalue"]
            g = [min(max(x, -v), v) for x in g]
        # BaseOptimizer._apply_weight_decay: variable - variable * wd * lr.
        if h["weight_decay"]:
            wd, lr = h["weight_decay"], h["learning_rate"]
            p = [x - x * wd * lr for x in p]
        p = self.update_step(p, g, h["learning_rate"])
        self.iterations += 1
        return p

    # --- the rules (keras/src/optimizers/<name>.py, update_step) ---

    def _sgd(self, p, g, lr):
        momentum = self.h["momentum"]
        if momentum == 0:
            return [pi - gi * lr for pi, gi in zip(p, g)]
        m = self.slot("momentum")
        out = []
        for i, (pi, gi) in enumerate(zip(p, g)):
            m[i] = m[i] * momentum - gi * lr
            if self.h["nesterov"]:
                out.append(pi + (m[i] * momentum - gi * lr))
            else:
                out.append(pi + m[i])
        return out

    def _adam(self, p, g, lr):
        h = self.h
        local_step = float(self.iterations + 1)
        beta_1_power = math.pow(h["beta_1"], local_step)
        beta_2_power = math.pow(h["beta_2"], local_step)
        alpha = lr * math.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        m, v = self.slot("momentum"), self.slot("velocity")
        v_hat = self.slot("velocity_hat") if h["amsgrad"] else None
        out = []
        for i, (pi, gi) in enumerate(zip(p, g)):
            m[i] = m[i] + (gi - m[i]) * (1 - h["beta_1"])
            v[i] = v[i] + (gi * gi - v[i]) * (1 - h["beta_2"])
            vi = v[i]
            if v_hat is not None:
                v_hat[i] = max(v_hat[i], v[i])
                vi = v_hat[i]
            out.append(pi - (m[i] * alpha) / (math.sqrt(vi) + h["epsilon"]))
        return out

    # AdamW is Adam; its weight decay is the base optimizer's, applied in apply().
    _adamw = _adam

    def _rmsprop(self, p, g, lr):
        h = self.h
        rho, momentum, epsilon = h["rho"], h["momentum"], h["epsilon"]
        velocity = self.slot("velocity")
        mom = self.slot("momentum") if momentum > 0 else None
        average_grad = self.slot("average_gradient") if h["centered"] else None
        out = []
        for i, (pi, gi) in enumerate(zip(p, g)):
            velocity[i] = rho * velocity[i] + (1 - rho) * (gi * gi)
            if average_grad is not None:
                average_grad[i] = rho * average_grad[i] + (1 - rho) * gi
                denominator = velocity[i] - average_grad[i] * average_grad[i] + epsilon
            else:
                denominator = velocity[i] + epsilon
            increment = (lr * gi) / math.sqrt(denominator)
            if mom is not None:
                mom[i] = momentum * mom[i] + increment
                out.append(pi - mom[i])
            else:
                out.append(pi - increment)
        return out

    def _adagrad(self, p, g, lr):
        h = self.h
        accumulator = self.slot("accumulator", h["initial_accumulator_value"])
        out = []
        for i, (pi, gi) in enumerate(zip(p, g)):
            accumulator[i] = accumulator[i] + gi * gi
            out.append(pi - (lr * gi) / math.sqrt(accumulator[i] + h["epsilon"]))
        return out

    def _adamax(self, p, g, lr):
        h = self.h
        beta_1_power = math.pow(h["beta_1"], float(self.iterations + 1))
        m, u = self.slot("momentum"), self.slot("norm")
        out = []
        for i, (pi, gi) in enumerate(zip(p, g)):
            m[i] = m[i] + (gi - m[i]) * (1 - h["beta_1"])
            u[i] = max(h["beta_2"] * u[i], abs(gi))
            out.append(pi - (lr * m[i]) / ((1 - beta_1_power) * (u[i] + h["epsilon"])))
        return out

    def _nadam(self, p, g, lr):
        h = self.h
        beta_1, beta_2 = h["beta_1"], h["beta_2"]
        local_step = float(self.iterations + 1)
        next_step = float(self.iterations + 2)
        # Nadam._backend_update_step, once per step before the variables:
        # u_product <- u_product * beta_1 * (1 - 0.5 * 0.96^t).
        u_product = self.slots.get("u_product", 1.0)
        u_product = u_product * beta_1 * (1.0 - 0.5 * math.pow(0.96, local_step))
        self.slots["u_product"] = u_product
        u_t = beta_1 * (1.0 - 0.5 * math.pow(0.96, local_step))
        u_t_1 = beta_1 * (1.0 - 0.5 * math.pow(0.96, next_step))
        u_product_t_1 = u_product * u_t_1
        beta_2_power = math.pow(beta_2, local_step)
        m, v = self.slot("momentum"), self.slot("velocity")
        out = []
        for i, (pi, gi) in enumerate(zip(p, g)):
            m[i] = m[i] + (gi - m[i]) * (1 - beta_1)
            v[i] = v[i] + (gi * gi - v[i]) * (1 - beta_2)
            m_hat = (u_t_1 * m[i]) / (1 - u_product_t_1) + ((1 - u_t) * gi) / (1 - u_product)
            v_hat = v[i] / (1 - beta_2_power)
            out.append(pi - (m_hat * lr) / (math.sqrt(v_hat) + h["epsilon"]))
        return out


def trajectory(name, hyperparameters):
    optimizer = Optimizer(name, hyperparameters, len(P0))
    p = list(P0)
    steps = []
    for g in GRADIENTS:
        p = optimizer.apply(p, g)
        steps.append(p)
    return steps


def reference():
    return {
        "about": ABOUT,
        "p0": P0,
        "gradients": GRADIENTS,
        "cases": [
            {"optimizer": name, "hyperparameters": hyperparameters,
             "trajectory": trajectory(name, hyperparameters)}
            for name, hyperparameters in CASES
        ],
    }


def dumps(data):
    return json.dumps(data, indent=1)


def first_difference(want, got):
    """One line naming where `got` (regenerated) first differs from `want` (the file)."""
    if not isinstance(want, dict):
        return "the file is not a JSON object"
    for key in ("about", "p0", "gradients"):
        if want.get(key) != got[key]:
            return f"'{key}' differs"
    cases = want.get("cases")
    if not isinstance(cases, list):
        return "'cases' is missing or not a list"
    for index, (w, g) in enumerate(zip(cases, got["cases"])):
        if w == g:
            continue
        generated = f"{g['optimizer']} {json.dumps(g['hyperparameters'])}"
        label = f"case {index} ({generated})"
        if w.get("optimizer") != g["optimizer"] or w.get("hyperparameters") != g["hyperparameters"]:
            return (f"case {index}: the file has {w.get('optimizer')} "
                    f"{json.dumps(w.get('hyperparameters'))}, the generator {generated}")
        for step, (ws, gs) in enumerate(zip(w.get("trajectory", []), g["trajectory"])):
            if ws != gs:
                for element, (a, b) in enumerate(zip(ws, gs)):
                    if a != b:
                        return (f"{label}: step {step + 1} element {element}: "
                                f"file {a!r}, generated {b!r}")
                return f"{label}: step {step + 1} has {len(ws)} elements, generated {len(gs)}"
        return f"{label}: trajectory length or keys differ"
    if len(cases) != len(got["cases"]):
        return f"the file has {len(cases)} cases, the generator {len(got['cases'])}"
    return "the JSON text differs (formatting or key order)"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the file instead of writing it; exit 1 on a difference")
    parser.add_argument("--output", default=os.path.join(here, "optimizer_steps.json"),
                        help="the file to write or check (default: %(default)s)")
    args = parser.parse_args()

    data = reference()
    text = dumps(data)
    if not args.check:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
        return 0

    try:
        with open(args.output, encoding="utf-8") as f:
            committed = f.read()
    except OSError as error:
        print(f"{args.output}: {error.strerror}")
        return 1
    if committed == text:
        return 0
    try:
        want = json.loads(committed)
    except ValueError as error:
        print(f"{args.output}: not JSON ({error})")
        return 1
    print(f"{args.output}: {first_difference(want, data)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
