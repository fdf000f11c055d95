"""Generates the benchmark inputs (not committed: up to 1.3 GB) into the folder given.

Needs Debian's python3-torch and python3-numpy. Run by run.sh.
"""
import os
import pickle
import sys

import numpy as np
import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def done(name):
    p = os.path.join(out, name)
    print(f"{name}: {os.path.getsize(p) / 1e6:.1f} MB", flush=True)


def once(name, make):
    if not os.path.exists(os.path.join(out, name)):
        make(os.path.join(out, name))
    done(name)


# ~100 MB pickle of a numeric tensor: one big binary payload (what numpy and torch arrays pickle to).
once("tensor-100mb.pkl", lambda p: open(p, "wb").write(
    pickle.dumps(np.arange(25_000_000, dtype=np.float32), protocol=4)))

# ~100 MB of pickle opcodes: a list of 11M floats, one BINFLOAT opcode each (worst case for the
# opcode reader: nothing to skip).
once("floats-100mb.pkl", lambda p: open(p, "wb").write(
    pickle.dumps([float(i) for i in range(11_000_000)], protocol=4)))

# ~100 MB and 1 GB PyTorch zip checkpoints (state dicts of float32 tensors).
once("model-100mb.pt", lambda p: torch.save(
    {f"layer{i}.weight": torch.ones(2_500_000) for i in range(10)}, p))
once("model-1gb.pt", lambda p: torch.save(
    {f"layer{i}.weight": torch.ones(25_000_000) for i in range(10)}, p))

# A folder of 1,000 small files: pickles, npy arrays and JSON configs.
folder = os.path.join(out, "folder-1000")
if not os.path.isdir(folder):
    os.makedirs(folder)
    for i in range(1000):
        kind = i % 3
        if kind == 0:
            with open(os.path.join(folder, f"f{i:04d}.pkl"), "wb") as f:
                pickle.dump({"step": i, "lr": 0.001, "names": [f"w{j}" for j in range(50)]}, f)
        elif kind == 1:
            np.save(os.path.join(folder, f"f{i:04d}.npy"), np.arange(1000, dtype=np.float32))
        else:
            with open(os.path.join(folder, f"f{i:04d}.json"), "w") as f:
                f.write('{"model_type": "bert", "hidden_size": 768}')
print("folder-1000: 1000 files", flush=True)
