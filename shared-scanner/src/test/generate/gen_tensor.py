#!/usr/bin/env python3
"""Writes the SafeTensors, ONNX and TensorFlow Lite fixtures into src/test/resources/fixtures/.

SafeTensors files are assembled by hand (the format is 8 bytes + JSON + data, and hostile layouts
need lying fields). ONNX models are built with Debian's python3-onnx (onnx.helper) and some are
then cut or patched; one is a real torch.onnx.export (python3-torch). TensorFlow is not available, so TFLite flatbuffers are built by a minimal
flatbuffer writer below (FlatBuf), following tensorflow/lite/schema/schema.fbs.

Every output is deterministic. The file name says the verdict FixtureCorpusTest expects: benign-*,
malicious-*, malformed-*; expected-rules.json in each folder lists the rule ids a fixture must give.
suspicious-* files have only MEDIUM findings (a warning, verdict PASS), which fits none of those
verdicts: the corpus test skips them and the scanner unit tests check them.
"""
import json
import pickle
import struct
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "resources" / "fixtures"


class Folder:
    def __init__(self, name):
        self.dir = FIXTURES / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.expected = {}

    def write(self, name, data, rules=()):
        (self.dir / name).write_bytes(data)
        if rules:
            self.expected[name] = sorted(rules)

    def close(self):
        text = json.dumps(self.expected, indent=2, sort_keys=True) + "\n"
        (self.dir / "expected-rules.json").write_text(text)


# ---------------------------------------------------------------------------------------------
# SafeTensors
# ---------------------------------------------------------------------------------------------

def safetensors(tensors, metadata=None, raw_header=None, data=None, pad=True, tail=b""):
    """tensors: list of (name, dtype, shape, begin, end); data: the data section (zeros if None)."""
    if raw_header is None:
        header = {}
        if metadata is not None:
            header["__metadata__"] = metadata
        for name, dtype, shape, begin, end in tensors:
            header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}
        raw_header = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        raw_header += b" " * (-len(raw_header) % 8)
    if data is None:
        data = bytes(max([t[4] for t in tensors] or [0]))
    return struct.pack("<Q", len(raw_header)) + raw_header + data + tail


def gen_safetensors():
    f = Folder("safetensors")
    weights = struct.pack("<6f", 0.5, -1.25, 2.0, 0.0, 3.5, -0.75)
    bias = struct.pack("<3e", 0.1, 0.2, 0.3)
    f.write(
        "benign-linear.safetensors",
        safetensors(
            [("weight", "F32", [2, 3], 0, 24), ("bias", "F16", [3], 24, 30)],
            metadata={"format": "pt"},
            data=weights + bias,
        ),
    )
    f.write(
        "benign-mixed-dtypes.safetensors",
        safetensors(
            [
                ("embed.bf16", "BF16", [4, 2], 0, 16),
                ("ids", "I64", [2], 16, 32),
                ("mask", "BOOL", [2, 2], 32, 36),
                ("empty", "F32", [0, 5], 36, 36),
                ("scalar", "F64", [], 36, 44),
            ],
            metadata={"format": "pt", "description": "tiny test weights"},
        ),
    )
    f.write("benign-no-tensors.safetensors", safetensors([], metadata={"format": "pt"}))
    f.write(
        "malicious-overlapping-tensors.safetensors",
        safetensors([("a", "F32", [4], 0, 16), ("b", "F32", [4], 8, 24)]),
        ["ST-006"],
    )
    f.write(
        "malicious-offsets-past-end.safetensors",
        safetensors([("a", "F32", [4], 0, 16), ("b", "F32", [1024], 16, 4112)], data=bytes(16)),
        ["ST-005"],
    )
    f.write(
        "malicious-size-mismatch.safetensors",
        safetensors([("a", "F32", [1000000], 0, 16)]),
        ["ST-004"],
    )
    dup = (
        b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
        b'"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}'
    )
    f.write("malicious-duplicate-names.safetensors", safetensors([], raw_header=dup, data=bytes(16)), ["ST-008"])
    payload = pickle.dumps(eval_payload(), protocol=2)
    f.write(
        "malicious-trailing-pickle.safetensors",
        safetensors([("a", "F32", [2], 0, 8)], tail=payload),
        ["ST-012", "PKL-001"],
    )
    f.write(
        "malicious-header-length-huge.safetensors",
        struct.pack("<Q", 1 << 39) + b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        ["ST-001"],
    )
    f.write(
        "malicious-unknown-dtype.safetensors",
        safetensors([("a", "Q99", [2], 0, 8)]),
        ["ST-003"],
    )
    # MEDIUM-only findings warn without failing, so they fit none of the corpus verdicts: named
    # suspicious-*, they are checked by SafeTensorsScannerTest instead.
    f.write(
        "suspicious-gap-between-tensors.safetensors",
        safetensors([("a", "F32", [2], 0, 8), ("b", "F32", [2], 64, 72)]),
        ["ST-007"],
    )
    f.write(
        "suspicious-metadata-not-strings.safetensors",
        safetensors(
            [("a", "F32", [2], 0, 8)],
            metadata={"format": "pt", "layers": 12, "cmd": "__import__('os').system('id')"},
        ),
        ["ST-009", "ST-011"],
    )
    f.write(
        "malformed-invalid-json.safetensors",
        safetensors([], raw_header=b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]', data=bytes(8)),
        ["ST-002"],
    )
    f.write(
        "malformed-missing-offsets.safetensors",
        safetensors([], raw_header=b'{"a":{"dtype":"F32","shape":[2]}}', data=bytes(8)),
        ["ST-002"],
    )
    good = safetensors([("weight", "F32", [2, 3], 0, 24)], metadata={"format": "pt"})
    f.write("malformed-truncated-header.safetensors", good[:30], ["ST-001"])
    f.close()


# ---------------------------------------------------------------------------------------------
# ONNX
# ---------------------------------------------------------------------------------------------

def gen_onnx():
    import onnx
    from onnx import TensorProto, helper

    f = Folder("onnx")
    opset = [helper.make_opsetid("", 13)]

    def model(graph, opsets=opset, functions=()):
        m = helper.make_model(
            graph, opset_imports=opsets, producer_name="sentrascan-fixtures", functions=list(functions)
        )
        m.producer_version = "1.0"
        m.ir_version = 8
        return m.SerializeToString()

    def weight(name, dims, raw=None):
        n = 1
        for d in dims:
            n *= d
        t = TensorProto()  # built by hand: make_tensor refuses a raw_data size that lies
        t.name = name
        t.data_type = TensorProto.FLOAT
        t.dims.extend(dims)
        t.raw_data = raw if raw is not None else struct.pack("<%df" % n, *([0.5] * n))
        return t

    def external(name, dims, location):
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.FLOAT
        t.dims.extend(dims)
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", "0"), ("length", str(4 * dims[0] * dims[1]))):
            e = t.external_data.add()
            e.key, e.value = k, v
        return t

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])

    def mlp(nodes=None, inits=None, name="mlp"):
        nodes = nodes or [
            helper.make_node("MatMul", ["x", "w"], ["h"], name="matmul"),
            helper.make_node("Add", ["h", "b"], ["a"], name="add"),
            helper.make_node("Relu", ["a"], ["y"], name="relu"),
        ]
        inits = inits if inits is not None else [weight("w", [4, 2]), weight("b", [2])]
        return helper.make_graph(nodes, name, [x], [y], inits)

    benign = model(mlp())
    f.write("benign-small-mlp.onnx", benign)
    f.write("benign-torch-export.onnx", torch_export())

    def branch(name, op="Relu", domain=None):
        node = helper.make_node(op, ["x"], ["y"], name=name + "_op", domain=domain)
        return helper.make_graph([node], name, [], [y])

    cond = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
    if_node = helper.make_node(
        "If", ["c"], ["y"], name="if", then_branch=branch("then"), else_branch=branch("else", "Sigmoid")
    )
    f.write("benign-if-subgraph.onnx", model(helper.make_graph([if_node], "cond", [cond, x], [y])))
    f.write(
        "benign-external-data.onnx",
        model(mlp(inits=[external("w", [4, 2], "weights/mlp.bin"), weight("b", [2])])),
    )
    fn = helper.make_function(
        "custom.fn",
        "DoubleRelu",
        ["i"],
        ["o"],
        [helper.make_node("Relu", ["i"], ["t"]), helper.make_node("Relu", ["t"], ["o"])],
        [helper.make_opsetid("", 13)],
    )
    f.write(
        "benign-local-function.onnx",
        model(
            helper.make_graph(
                [helper.make_node("DoubleRelu", ["x"], ["y"], name="call", domain="custom.fn")],
                "fn",
                [x],
                [y],
            ),
            opsets=opset + [helper.make_opsetid("custom.fn", 1)],
            functions=[fn],
        ),
        ["ONNX-003"],
    )
    contrib = opset + [helper.make_opsetid("ai.onnx.contrib", 1)]
    pyop = helper.make_node("PyOp", ["x"], ["y"], name="py", domain="ai.onnx.contrib")
    f.write(
        "malicious-custom-pyop.onnx",
        model(helper.make_graph([pyop], "py", [x], [y]), opsets=contrib),
        ["ONNX-001"],
    )
    custom = helper.make_node("FastGelu", ["x"], ["y"], name="gelu", domain="com.example.ops")
    f.write(
        "suspicious-custom-domain.onnx",
        model(
            helper.make_graph([custom], "gelu", [x], [y]),
            opsets=opset + [helper.make_opsetid("com.example.ops", 1)],
        ),
        ["ONNX-001"],
    )
    nested_if = helper.make_node(
        "If",
        ["c"],
        ["y"],
        name="if",
        then_branch=branch("then", "ShellExec", "com.evil"),
        else_branch=branch("else"),
    )
    f.write(
        "malicious-nested-custom-op.onnx",
        model(
            helper.make_graph([nested_if], "cond", [cond, x], [y]),
            opsets=opset + [helper.make_opsetid("com.evil", 1)],
        ),
        ["ONNX-001"],
    )
    evil_fn = helper.make_function(
        "custom.fn",
        "Innocent",
        ["i"],
        ["o"],
        [helper.make_node("PyFunc", ["i"], ["o"], domain="com.evil")],
        [helper.make_opsetid("", 13), helper.make_opsetid("com.evil", 1)],
    )
    f.write(
        "malicious-function-hides-custom-op.onnx",
        model(
            helper.make_graph(
                [helper.make_node("Innocent", ["x"], ["y"], name="call", domain="custom.fn")],
                "fn",
                [x],
                [y],
            ),
            opsets=opset + [helper.make_opsetid("custom.fn", 1)],
            functions=[evil_fn],
        ),
        ["ONNX-001", "ONNX-003"],
    )
    f.write(
        "malicious-external-data-traversal.onnx",
        model(mlp(inits=[external("w", [4, 2], "../../etc/passwd"), weight("b", [2])])),
        ["ONNX-002"],
    )
    f.write(
        "malicious-external-data-absolute.onnx",
        model(mlp(inits=[external("w", [4, 2], "/etc/passwd"), weight("b", [2])])),
        ["ONNX-002"],
    )
    f.write(
        "malicious-raw-data-size-mismatch.onnx",
        model(mlp(inits=[weight("w", [1000, 1000], raw=bytes(16)), weight("b", [2])])),
        ["ONNX-004"],
    )
    inner = branch("leaf")
    for i in range(40):
        node = helper.make_node("If", ["c"], ["y"], name="if%d" % i, then_branch=inner, else_branch=branch("e%d" % i))
        inner = helper.make_graph([node], "level%d" % i, [], [y])
    f.write(
        "malicious-deep-subgraphs.onnx",
        model(helper.make_graph(inner.node, "deep", [cond, x], [y])),
        ["ONNX-005"],
    )
    f.write("malformed-truncated.onnx", benign[: len(benign) * 2 // 3], ["CORE-001"])
    f.close()


# ---------------------------------------------------------------------------------------------
# TensorFlow Lite
# ---------------------------------------------------------------------------------------------

class FlatBuf:
    """A minimal flatbuffer writer: parents first, children appended after them (uoffsets point
    forward), each vtable right before its table. Objects are tuples:
    ("table", [field or None, ...]) with fields ("u8"|"i8"|"i32"|"u32"|"u64", value) or a child
    object; ("str", text); ("bytes", data); ("i32s", [ints]); ("tables", [tables])."""

    SIZES = {"u8": 1, "i8": 1, "i32": 4, "u32": 4, "u64": 8}
    FORMATS = {"u8": "<B", "i8": "<b", "i32": "<i", "u32": "<I", "u64": "<Q"}

    def __init__(self, identifier=b"TFL3"):
        self.buf = bytearray(4) + identifier

    def pad(self, n):
        self.buf += bytes(-len(self.buf) % n)

    def patch(self, at, target):
        struct.pack_into("<I", self.buf, at, target - at)

    def write(self, obj):
        kind = obj[0]
        if kind == "table":
            return self.table(obj[1])
        self.pad(4)
        pos = len(self.buf)
        if kind in ("str", "bytes"):
            data = obj[1].encode() if kind == "str" else obj[1]
            self.buf += struct.pack("<I", len(data)) + data + (b"\0" if kind == "str" else b"")
        elif kind == "i32s":
            self.buf += struct.pack("<I%di" % len(obj[1]), len(obj[1]), *obj[1])
        elif kind == "tables":
            self.buf += struct.pack("<I", len(obj[1])) + bytes(4 * len(obj[1]))
            for i, child in enumerate(obj[1]):
                self.patch(pos + 4 + 4 * i, self.write(child))
        return pos

    def table(self, fields):
        # Inline layout: soffset, then 8-byte fields (aligned), then 4-byte, then 1-byte ones.
        def size(f):
            return self.SIZES.get(f[0], 4)

        order = sorted((i for i, f in enumerate(fields) if f is not None), key=lambda i: -size(fields[i]))
        offsets, at = {}, 4
        for i in order:
            n = size(fields[i])
            at += -at % n
            offsets[i] = at
            at += n
        table_size = at + (-at % 4)
        vtable = struct.pack("<HH", 4 + 2 * len(fields), table_size)
        vtable += b"".join(struct.pack("<H", offsets.get(i, 0)) for i in range(len(fields)))
        # Place the table 8-aligned, its vtable just before it.
        start = len(self.buf)
        gap = (-(start + len(vtable)) % 8)
        self.buf += bytes(gap) + vtable
        pos = len(self.buf)
        self.buf += struct.pack("<i", pos - (start + gap)) + bytes(table_size - 4)
        children = []
        for i in order:
            f = fields[i]
            if f[0] in self.SIZES:
                struct.pack_into(self.FORMATS[f[0]], self.buf, pos + offsets[i], f[1])
            else:
                children.append((pos + offsets[i], f))
        for at, child in children:
            self.patch(at, self.write(child))
        return pos

    def finish(self, root):
        pos = self.write(root)
        struct.pack_into("<I", self.buf, 0, pos)
        return bytes(self.buf)


def table(*fields):
    return ("table", list(fields))


def op_code(builtin, custom=None):
    return table(("i8", min(builtin, 127)), ("str", custom) if custom else None, ("i32", 1), ("i32", builtin))


def tensor(name, shape, buffer):
    return table(("i32s", shape), ("i8", 0), ("u32", buffer), ("str", name))


def operator(code, inputs, outputs):
    return table(("u32", code), ("i32s", inputs), ("i32s", outputs))


def tflite_model(codes, operators, tensors, buffers, metadata=()):
    subgraph = table(
        ("tables", tensors), ("i32s", [0]), ("i32s", [len(tensors) - 1]), ("tables", operators), ("str", "main")
    )
    return FlatBuf().finish(
        table(
            ("u32", 3),
            ("tables", codes),
            ("tables", [subgraph]),
            ("str", "sentrascan fixture"),
            ("tables", buffers),
            None,
            ("tables", list(metadata)),
        )
    )


def gen_tflite():
    f = Folder("tflite")
    FULLY_CONNECTED, RELU, CUSTOM = 9, 19, 32
    weights = struct.pack("<8f", *([0.25] * 8))
    buffers = [
        table(),
        table(("bytes", weights)),
        table(("bytes", struct.pack("<2f", 0.0, 0.1))),
        table(("bytes", b"1.5.0\0")),
    ]
    tensors = [
        tensor("input", [1, 4], 0),
        tensor("weights", [2, 4], 1),
        tensor("bias", [2], 2),
        tensor("fc", [1, 2], 0),
        tensor("output", [1, 2], 0),
    ]
    ops = [operator(0, [0, 1, 2], [3]), operator(1, [3], [4])]
    meta = [table(("str", "min_runtime_version"), ("u32", 3))]
    f.write(
        "benign-fully-connected.tflite",
        tflite_model([op_code(FULLY_CONNECTED), op_code(RELU)], ops, tensors, buffers, meta),
    )
    f.write(
        "suspicious-custom-op.tflite",
        tflite_model([op_code(FULLY_CONNECTED), op_code(CUSTOM, "MyFastNms")], ops, tensors, buffers, meta),
        ["TFL-001"],
    )
    f.write(
        "malicious-flex-readfile.tflite",
        tflite_model([op_code(FULLY_CONNECTED), op_code(CUSTOM, "FlexReadFile")], ops, tensors, buffers, meta),
        ["TFL-001"],
    )
    outside = buffers[:3] + [table(None, ("u64", 1 << 20), ("u64", 4096))]
    f.write(
        "malformed-buffer-past-end.tflite",
        tflite_model([op_code(FULLY_CONNECTED), op_code(RELU)], ops, tensors, outside, meta),
        ["TFL-002"],
    )
    bad_ops = [operator(7, [0, 1, 2], [3]), operator(1, [3], [4])]
    f.write(
        "malformed-opcode-index.tflite",
        tflite_model([op_code(FULLY_CONNECTED), op_code(RELU)], bad_ops, tensors, buffers, meta),
        ["TFL-003"],
    )
    lying_shape = tensors[:1] + [tensor("weights", [16, 4], 1)] + tensors[2:]
    f.write(
        "malformed-tensor-size-mismatch.tflite",
        tflite_model([op_code(FULLY_CONNECTED), op_code(RELU)], ops, lying_shape, buffers, meta),
        ["TFL-005"],
    )
    benign = tflite_model([op_code(FULLY_CONNECTED), op_code(RELU)], ops, tensors, buffers, meta)
    f.write("malformed-truncated.tflite", benign[: len(benign) // 2], ["CORE-001"])
    lying = bytearray(benign)
    struct.pack_into("<I", lying, 0, 0x7FFFFFF0)
    f.write("malformed-root-offset.tflite", bytes(lying), ["CORE-001"])
    f.close()


def torch_export():
    """A real exporter's output (python3-torch 1.13), so that no false alarm hides behind
    hand-built models."""
    import io

    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(1, 2, 3)
            self.fc = torch.nn.Linear(4, 3)

        def forward(self, x):
            return torch.softmax(self.fc(torch.relu(self.conv(x)).flatten(1)), -1)

    torch.manual_seed(0)
    out = io.BytesIO()
    torch.onnx.export(
        Net(), torch.zeros(1, 1, 4, 3), out, opset_version=13, input_names=["x"], output_names=["y"]
    )
    return out.getvalue()


class eval_payload:
    """Pickles to builtins.eval("1+1"): harmless here, but any loader would run it."""

    def __reduce__(self):
        return (eval, ("1+1",))


if __name__ == "__main__":
    gen_safetensors()
    gen_onnx()
    gen_tflite()
