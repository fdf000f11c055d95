#!/usr/bin/env bash
# Regenerates every test fixture and sample. Needs Python 3 with Debian's python3-torch, python3-h5py,
# python3-onnx, python3-numpy and python3-cryptography (apt-get install python3-torch python3-h5py
# python3-onnx python3-numpy python3-cryptography).
# The generated files are committed,
# so the Java build never runs this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for gen in "$here"/gen_*.py; do
  echo "== $(basename "$gen")"
  /usr/bin/python3 "$gen"
done
