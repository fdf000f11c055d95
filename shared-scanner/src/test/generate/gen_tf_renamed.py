#!/usr/bin/env python3
"""TensorFlow graphs under names that give no hint (a SavedModel uploaded as model.bin, a frozen
graph as weights.dat): the scanner must recognise them by their protobuf structure alone.

Python standard library only. Copies the graphs gen_tensor.py wrote (runs after it: generate_all.sh
goes in name order) and merges the expected rules into fixtures/tensorflow/expected-rules.json.
"""
import json
from pathlib import Path

TF = Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "tensorflow"

RENAMED = {
    # new name: (original, rules)
    "benign-renamed-saved-model.bin": ("benign-saved_model.pb", []),
    "benign-renamed-keras-saved-model": ("benign-keras-saved_model.pb", []),
    "benign-renamed-frozen-graph.dat": ("benign-frozen-graph.pb", []),
    "malicious-renamed-saved-model-eagerpyfunc.bin": ("malicious-saved_model-eagerpyfunc.pb", ["TF-001"]),
    "malicious-renamed-pyfunc-graph.bin": ("malicious-pyfunc.pb", ["TF-001"]),
    "malicious-renamed-read-write-file.model": ("malicious-read-write-file.pb", ["TF-002", "TF-003"]),
}

if __name__ == "__main__":
    expected_file = TF / "expected-rules.json"
    expected = json.loads(expected_file.read_text())
    for name, (original, rules) in RENAMED.items():
        (TF / name).write_bytes((TF / original).read_bytes())
        if rules:
            expected[name] = sorted(rules)
    expected_file.write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n")
