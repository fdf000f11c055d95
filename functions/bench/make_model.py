#!/usr/bin/env python3
"""Writes a PyTorch-style zip checkpoint without torch: archive/data.pkl (a state-dict pickle whose
tensor points to storage "0" by persistent id, as torch.save writes it), archive/version and one
big stored entry archive/data/0. Usage: make_model.py OUT SIZE_MIB"""
import os
import pickle
import sys
import types
import zipfile


def fake_torch():
    # Names the pickle refers to; the pickler checks that they resolve, so give it stand-ins.
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):
        raise RuntimeError("never called: the pickle is only written")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2

    class FloatStorage:
        pass

    FloatStorage.__module__ = "torch"
    FloatStorage.__qualname__ = "FloatStorage"
    torch.FloatStorage = FloatStorage
    torch._utils = utils
    sys.modules["torch"] = torch
    sys.modules["torch._utils"] = utils
    return utils._rebuild_tensor_v2, FloatStorage


class Tensor:
    def __init__(self, rebuild, numel):
        self.rebuild, self.numel = rebuild, numel

    def __reduce__(self):
        from collections import OrderedDict
        return (self.rebuild, (("storage-0",), 0, (self.numel,), (1,), False, OrderedDict()))


class Pickler(pickle.Pickler):
    def __init__(self, f, storage_cls, numel):
        super().__init__(f, protocol=2)
        self.storage_cls, self.numel = storage_cls, numel

    def persistent_id(self, obj):
        if obj == ("storage-0",):
            return ("storage", self.storage_cls, "0", "cpu", self.numel)
        return None


def main():
    out, mib = sys.argv[1], int(sys.argv[2])
    size = mib << 20
    rebuild, storage = fake_torch()
    from collections import OrderedDict
    import io
    buf = io.BytesIO()
    Pickler(buf, storage, size // 4).dump(OrderedDict([("layer.weight", Tensor(rebuild, size // 4))]))
    block = os.urandom(1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr("archive/data.pkl", buf.getvalue())
        z.writestr("archive/version", "3\n")
        with z.open(zipfile.ZipInfo("archive/data/0"), "w", force_zip64=True) as f:
            for _ in range(mib):
                f.write(block)


if __name__ == "__main__":
    main()
