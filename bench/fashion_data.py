"""Fashion-MNIST for the PyTorch peers, read as a user would: gzip + numpy.

The files are the IDX ones Debian's dataset-fashion-mnist installs. Reading
stops after `limit` rows, as sweep's IDX reader does, so neither side holds
images it does not use.
"""
import gzip
import struct

import numpy as np

FOLDER = "/usr/share/datasets/fashion-mnist"


def _read_idx(path, limit):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = struct.unpack(">" + "I" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        rows = dims[0] if limit is None else min(limit, dims[0])
        row_size = int(np.prod(dims[1:])) if len(dims) > 1 else 1
        data = np.frombuffer(f.read(rows * row_size), dtype=np.uint8)
    return data.reshape((rows,) + tuple(dims[1:]))


def load(part="train", limit=None):
    """(x float32 [n, 784] scaled to [0, 1], y int64 [n]) as numpy arrays."""
    prefix = "train" if part == "train" else "t10k"
    x = _read_idx(f"{FOLDER}/{prefix}-images-idx3-ubyte.gz", limit)
    y = _read_idx(f"{FOLDER}/{prefix}-labels-idx1-ubyte.gz", limit)
    x = x.reshape(len(x), -1).astype(np.float32) / np.float32(255.0)
    return x, y.astype(np.int64)
