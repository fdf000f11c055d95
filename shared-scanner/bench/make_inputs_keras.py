"""Generates the Keras and TensorFlow benchmark inputs (not committed) into the folder given.

Needs Debian's python3-h5py and python3-numpy. Weights are random float32 (real weights do not
compress, and constant ones would trip the decompression-bomb ratio in a deflated .keras).
TensorFlow protobufs are hand-encoded as in src/test/generate/gen_keras.py.
"""
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def once(name, make):
    p = os.path.join(out, name)
    if not os.path.exists(p):
        make(p)
    print(f"{name}: {os.path.getsize(p) / 1e6:.1f} MB", flush=True)


def config(layers):
    dense = [{"class_name": "Dense", "config": {"name": f"dense_{i}", "units": 2500, "activation": "relu"}} for i in range(layers)]
    return json.dumps({"class_name": "Sequential", "config": {"name": "sequential", "layers": dense}})


def h5(target, layers, floats):
    with h5py.File(target, "w") as f:
        f.attrs["keras_version"] = "2.12.0"
        f.attrs["model_config"] = config(layers)
        g = f.create_group("model_weights")
        for i in range(layers):
            g.create_group(f"dense_{i}").create_dataset("kernel:0", data=rng.standard_normal(floats, dtype=np.float32))


once("keras-100mb.h5", lambda p: h5(p, 10, 2_500_000))
once("keras-1gb.h5", lambda p: h5(p, 10, 25_000_000))


def keras_zip(p):
    weights = io.BytesIO()
    h5(weights, 10, 2_500_000)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.5.0"}))
        z.writestr("config.json", config(10))
        z.writestr("model.weights.h5", weights.getvalue())


once("model-100mb.keras", keras_zip)


def varint(n):
    b = bytearray()
    while True:
        if n < 0x80:
            b.append(n)
            return bytes(b)
        b.append((n & 0x7F) | 0x80)
        n >>= 7


def fb(num, data):
    if isinstance(data, str):
        data = data.encode()
    return varint((num << 3) | 2) + varint(len(data)) + data


def node(name, op, inputs=(), attrs=b""):
    return fb(1, fb(1, name) + fb(2, op) + b"".join(fb(3, i) for i in inputs) + attrs)


def frozen(p):
    with open(p, "wb") as f:
        for i in range(10):
            tensor = fb(4, rng.standard_normal(2_500_000, dtype=np.float32).tobytes())  # tensor_content
            f.write(node(f"w{i}", "Const", attrs=fb(5, fb(1, "value") + fb(2, fb(8, tensor)))))
            f.write(node(f"matmul{i}", "MatMul", [f"x{i}", f"w{i}"]))


once("frozen-100mb.pb", frozen)


def many_nodes(p):
    nodes = b"".join(node(f"layer/{i}/add", "AddV2", [f"layer/{i - 1}/add", "bias"]) for i in range(1_000_000))
    meta = fb(1, fb(4, "serve")) + fb(2, nodes)
    with open(p, "wb") as f:
        f.write(varint(1 << 3) + varint(1) + fb(2, meta))


os.makedirs(os.path.join(out, "savedmodel-1m-nodes"), exist_ok=True)
once("savedmodel-1m-nodes/saved_model.pb", many_nodes)
