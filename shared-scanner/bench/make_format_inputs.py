#!/usr/bin/env python3
"""Large benign inputs, one per classic or packaging format, for the per-format throughput table in
docs/benchmarks.md (not committed: about 1.5 GB in all).

Usage: make_format_inputs.py DATA_DIR [SIZE_MB]   (SIZE_MB defaults to 100)

Python standard library and NumPy only (no torch): PyTorch checkpoints are written by hand in the
torch.save zip layout (archive/data.pkl naming torch._utils._rebuild_tensor_v2 and FloatStorage
through persistent ids, archive/data/N stored). Reuses the fixture writers of
src/test/generate/ (gen_classic, gen_edge, gen_llm, gen_packaging) for the format details.
Inputs already present are kept.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import types
import zipfile
from pathlib import Path

import numpy as np

GEN = Path(__file__).resolve().parents[1] / "src" / "test" / "generate"
sys.path.insert(0, str(GEN))
# gen_packaging imports torch for its fixtures; the writers used here do not need it.
sys.modules.setdefault("torch", types.ModuleType("torch"))
import gen_classic as gc  # noqa: E402
import gen_edge as ge  # noqa: E402
import gen_llm as gl  # noqa: E402
import gen_packaging as gp  # noqa: E402

OUT = Path(sys.argv[1])
MB = int(sys.argv[2]) if len(sys.argv) > 2 else 100
SIZE = MB * 1_000_000
rng = np.random.default_rng(7)


def floats(nbytes):
    return rng.standard_normal(nbytes // 4, dtype=np.float32).tobytes()


# ------------------------------------------------------------------ a torch.save checkpoint by hand
_utils = types.ModuleType("torch._utils")


def _rebuild_tensor_v2(*args):  # never called: only its name is pickled
    raise AssertionError


_rebuild_tensor_v2.__module__ = "torch._utils"
_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
sys.modules["torch._utils"] = _utils
FloatStorage = type("FloatStorage", (), {"__module__": "torch"})
sys.modules["torch"].FloatStorage = FloatStorage
sys.modules["torch"]._utils = _utils


class _Storage:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class _Tensor:
    def __init__(self, storage):
        self.storage = storage

    def __reduce__(self):
        n = self.storage.numel
        return (_rebuild_tensor_v2, (self.storage, 0, (n,), (1,), False, collections.OrderedDict()))


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


def checkpoint(total_bytes, tensors=10):
    """A state dict of float32 tensors in torch.save's zip layout, ~total_bytes."""
    each = total_bytes // tensors // 4
    state = collections.OrderedDict(
        (f"layers.{i}.weight", _Tensor(_Storage(str(i), each))) for i in range(tensors))
    pkl = io.BytesIO()
    _Pickler(pkl, protocol=2).dump(state)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl.getvalue())
        z.writestr("archive/byteorder", "little")
        data = floats(each * 4)
        for i in range(tensors):
            z.writestr(f"archive/data/{i}", data)
        z.writestr("archive/version", "3\n")
    return buf.getvalue()


# ------------------------------------------------------------------ one writer per format
def xgboost():
    # 43k trees, 22.6 MB: the row measured since the fmt branch (then under the 24 MiB bound)
    trees = [gc.xgb_tree(i) for i in range(min(SIZE, 30_000_000) // 700)]
    return json.dumps(gc.xgb_model(trees=trees, num_trees=len(trees))).encode()


def xgboost_large():
    # about SIZE bytes: a model that the tree reader could not hold under -Xmx256m (streamed now)
    trees = [gc.xgb_tree(i) for i in range(SIZE // 527)]
    return json.dumps(gc.xgb_model(trees=trees, num_trees=len(trees))).encode()


def xgboost_large_ubj():
    # the same model as UBJSON (typed [$l#L / [$d#L arrays): streamed since the ubj branch
    trees = [gc.xgb_tree(i) for i in range(SIZE // 740)]
    return gc.ubj(gc.xgb_model(trees=trees, num_trees=len(trees)))


def lightgbm():
    return gc.lgb_model(trees=[gc.lgb_tree(i) for i in range(SIZE // 450)]).encode()


def catboost():
    # The core (model info) then the model parts: tree splits and leaf values.
    return gc.cbm({"catboost_version_info": "1.2.5", "params": json.dumps(gc.CB_PARAMS)}) + floats(SIZE)


def pmml():
    seg = ('<Segment id="{i}"><True/><TreeModel functionName="classification">'
           '<MiningSchema><MiningField name="x1"/><MiningField name="y" usageType="target"/>'
           '</MiningSchema><Node score="no"><True/><Node score="yes">'
           '<SimplePredicate field="x1" operator="greaterThan" value="{v:.4f}"/></Node></Node>'
           '</TreeModel></Segment>\n')
    n = SIZE // len(seg.format(i=0, v=0.5))
    body = ('<MiningModel functionName="classification"><MiningSchema><MiningField name="x1"/>'
            '<MiningField name="y" usageType="target"/></MiningSchema>'
            '<Segmentation multipleModelMethod="majorityVote">\n'
            + "".join(seg.format(i=i, v=i / n) for i in range(n))
            + "</Segmentation></MiningModel>\n")
    return gc.pmml(body).encode()


def skops():
    arr = np.frombuffer(floats(SIZE), dtype=np.float32).reshape(-1, 1000)
    return gc.skops_zip(gc.skops_schema(), extra_members={"big_coef.npy": gc.npy_bytes(arr)})


def executorch():
    ops = [ge.et_operator("aten::add"), ge.et_operator("aten::relu")]
    calls = [ge.kernel_call(0, [0, 0, 1]), ge.kernel_call(1, [1, 2])]
    data = floats(SIZE)
    return ge.pte(ops, calls, segments=[(0, len(data))], segment_data=data)


def coreml():
    n = SIZE // 4
    inner = ge.f_varint(1, 1000) + ge.f_varint(2, n // 1000) + ge.f_bytes(20, ge.f_bytes(1, floats(n * 4)))
    relu = ge.f_bytes(10, b"")
    network = (ge.f_bytes(1, ge.cml_layer("dense", ["input"], ["h"], 140, inner))
               + ge.f_bytes(1, ge.cml_layer("relu", ["h"], ["output"], 130, relu)))
    return ge.cml_model(500, network)


def mxnet_params():
    n = SIZE // 4 // 10
    arrays = []
    for _ in range(10):
        head = struct.pack("<Iii", 0xF993FAC9, 0, 1) + struct.pack("<q", n) + struct.pack("<iii", 1, 0, 0)
        arrays.append(head + floats(n * 4))
    return gp.params(arrays, [f"arg:fc{i}_weight" for i in range(10)])


def nemo():
    return gp.tar([("./model_config.yaml", gp.NEMO_CONFIG.encode()),
                   ("./model_weights.ckpt", checkpoint(SIZE))])


def torchserve():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("MAR-INF/MANIFEST.json", (2026, 1, 1, 0, 0, 0)),
                   gp.manifest(handler="image_classifier", serializedFile="model.pt"))
        z.writestr(zipfile.ZipInfo("model.pt", (2026, 1, 1, 0, 0, 0)), checkpoint(SIZE))
    return buf.getvalue()


def rds():
    import gzip
    w = gp.RWriter()
    # a data frame of one numeric column: REALSXP (14) of SIZE/8 doubles, big-endian XDR
    values = rng.standard_normal(SIZE // 8).astype(">f8").tobytes()
    w.vlist(["x"], [lambda: (w.flags(14), w.i(len(values) // 8), w.buf.extend(values))],
            cls="data.frame", extra=[("row.names", lambda: w.ints(-2147483648, -(len(values) // 8)))])
    return gzip.compress(bytes(w.buf), compresslevel=1, mtime=0)


def llamafile():
    w = gl.llama_gguf(gl.LLAMA3)
    w.tensors.clear()
    per = (SIZE // 64) // 32 * 32
    for i in range(64):
        w.tensor(f"blk.{i}.weight", [per // 4], gl.GGML_F32, i * per)
    header = w.build()
    # build() pads to the alignment and appends its own (empty) data: replace with real bytes.
    gguf = header + floats(per * 64)
    return gp.llamafile(gguf, b"-m\nmodel.gguf\n--ctx-size\n4096\n...\n")


def oci():
    layer = gp.tar([("models/m/config.json", b'{"model_type": "resnet"}\n'),
                    ("models/m/model.pt", checkpoint(SIZE))])
    return gp.oci_layout(layer)


INPUTS = [
    ("xgboost-model.json", xgboost),
    ("xgboost-model-large.json", xgboost_large),
    ("xgboost-model-large.ubj", xgboost_large_ubj),
    ("lightgbm-model.txt", lightgbm),
    ("catboost-model.cbm", catboost),
    ("pmml-forest.pmml", pmml),
    ("skops-model.skops", skops),
    ("executorch-model.pte", executorch),
    ("coreml-model.mlmodel", coreml),
    ("mxnet-model-0000.params", mxnet_params),
    ("nemo-model.nemo", nemo),
    ("torchserve-model.mar", torchserve),
    ("r-data-frame.rds", rds),
    ("model.llamafile", llamafile),
    ("oci-image.tar", oci),
]

if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    only = set(os.environ.get("ONLY", "").split(",")) - {""}
    for name, make in INPUTS:
        path = OUT / name
        if (only and name not in only) or path.exists():
            continue
        data = make()
        path.write_bytes(data)
        print(f"{name}: {len(data) / 1e6:.1f} MB", flush=True)
