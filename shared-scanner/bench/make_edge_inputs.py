"""Large inputs for the edge-format throughput figures in docs/benchmarks.md (not committed).

Usage: make_edge_inputs.py DATA_DIR
"""
import os
import struct
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "generate"))
import numpy as np
import gen_edge as g
out = sys.argv[1].rstrip("/") + "/"
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1)
# TensorRT: 200 MB of float32 weights between layer names
w = rng.standard_normal(50_000_000 // 4 * 4, dtype=np.float32).tobytes()[:200_000_000]
with open(out + "engine-200mb.engine", "wb") as f:
    f.write(g.trt_engine(["conv%d" % i for i in range(1000)] + ["EfficientNMS_TRT"]))
    for i in range(4):
        f.write(w[:50_000_000])
# Flax: 100 MB, 400 arrays of 256 KB in nested maps
arr = rng.standard_normal((256, 256), dtype=np.float32)
def big_nd(a):
    data = a.tobytes()
    payload = g.mp_array([g.mp_array([b"\xcd" + struct.pack(">H", d) for d in a.shape]), g.mp_str(a.dtype.name), b"\xc6" + struct.pack(">I", len(data)) + data])
    return b"\xc9" + struct.pack(">I", len(payload)) + b"\x01" + payload
layers = [("Dense_%d" % i, g.mp_map([("kernel", big_nd(arr))])) for i in range(400)]
body = b"\xde" + struct.pack(">H", len(layers)) + b"".join(g.mp_str(k) + v for k, v in layers)
with open(out + "flax-100mb.msgpack", "wb") as f:
    f.write(b"\x81" + g.mp_str("params") + body)
# Paddle: a program of 200,000 operators
ops = g.linear_ops() * 40_000
with open(out + "paddle-200k-ops.pdmodel", "wb") as f:
    f.write(g.program([g.block(0, -1, g.linear_vars(), ops)]))
# OpenVINO: an IR with 100,000 layers
with open(out + "openvino-100k-layers.xml", "wb") as f:
    f.write(g.ov_ir([("Relu", "opset1")] * 100_000))
