#!/usr/bin/env python3
"""Secrets inside model files: strings of pickles and GGUF metadata values.

Python standard library only; deterministic output (seeded). Every secret is random characters in
the right shape, made here: obviously fake, never a real credential. The planted values are listed in
src/test/resources/secrets-embedded-planted.txt so that EmbeddedSecretsTest can check that no report ever
shows one whole. Runs after gen_llm.py and gen_pickle.py (generate_all.sh goes in name order) and
merges its rules into their expected-rules.json files.

Outputs:
  fixtures/pickle/{malicious,benign}-*secret*.pkl / *tensor-names*.pkl
  fixtures/gguf/{malicious,benign}-*metadata*.gguf
"""
import json
import pickle
import random
import string
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_llm  # noqa: E402  (the GGUF writer and the benign Llama 3 file)

FIX = HERE.parent / "resources" / "fixtures"
rng = random.Random(20261128)
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
UPPER32 = string.ascii_uppercase + "234567"
PLANTED = []


def rand(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def plant(value):
    PLANTED.append(value)
    return value


def write(folder, name, data, rules=()):
    out = FIX / folder
    (out / name).write_bytes(data)
    expected_file = out / "expected-rules.json"
    expected = json.loads(expected_file.read_text()) if expected_file.exists() else {}
    if rules:
        expected[name] = sorted(set(rules))
    else:
        expected.pop(name, None)
    expected_file.write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n")


def pickle_fixtures():
    key_id = plant("AKIA" + rand(UPPER32, 16))
    secret = plant(rand(B64, 40))
    # One string holding the pair, as a credentials file read into a config object.
    config = {
        "backend": "s3",
        "bucket": "checkpoints-eu",
        "credentials": f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n",
    }
    write("pickle", "malicious-aws-key-pair-string.pkl", pickle.dumps(config, protocol=4),
          ["SEC-001", "SEC-002"])

    # The pair as dict items: the secret key is only recognisable next to its dict key.
    key_id = plant("AKIA" + rand(UPPER32, 16))
    secret = plant(rand(B64, 40))
    items = {"aws_access_key_id": key_id, "aws_secret_access_key": secret, "region": "eu-west-1"}
    write("pickle", "malicious-aws-keys-as-dict-items.pkl", pickle.dumps(items, protocol=2),
          ["SEC-001", "SEC-002"])

    # A token stored as bytes (SHORT_BINBYTES), as tokenizers and HTTP headers keep them.
    token = plant("hf_" + rand(ALNUM, 34))
    headers = {"Authorization": b"Bearer " + token.encode(), "User-Agent": "trainer/1.0"}
    write("pickle", "malicious-hf-token-in-bytes.pkl", pickle.dumps(headers, protocol=3),
          ["SEC-007"])

    # Long random-looking names and digests: nothing here is a secret.
    state = {}
    for layer in range(24):
        name = f"model.layers.{layer}.mlp.{rand(ALNUM, 48)}.weight"
        state[name] = {"sha1": rand("0123456789abcdef", 40), "b64": rand(B64, 40),
                       "shape": [64, 64], "dtype": "float16"}
    state["_metadata"] = {"aws_region": "eu-west-1", "checksum": rand(B64, 40),
                          "run_id": rand(ALNUM, 32), "aws_bucket": "checkpoints-eu"}
    write("pickle", "benign-random-tensor-names.pkl", pickle.dumps(state, protocol=4))


def gguf_fixtures():
    token = plant("hf_" + rand(ALNUM, 34))
    data = gen_llm.llama_gguf(gen_llm.LLAMA3, extra=[
        ("general.description", gen_llm.T_STR,
         f"Merged and pushed by CI (huggingface-cli login --token {token})."),
        ("general.tags.extra", gen_llm.T_ARR, (gen_llm.T_STR, ["merged", "ci"])),
    ]).build()
    write("gguf", "malicious-hf-token-in-metadata.gguf", data, ["SEC-007"])

    github = plant("ghp_" + rand(ALNUM, 36))
    data = gen_llm.llama_gguf(None, extra=[
        ("general.source.urls", gen_llm.T_ARR, (gen_llm.T_STR, [
            "https://huggingface.co/meta-llama/Meta-Llama-3-8B",
            f"https://{github}@github.com/example-org/private-finetune.git"])),
    ]).build()
    write("gguf", "malicious-github-token-in-array.gguf", data, ["SEC-010"])

    w = gen_llm.llama_gguf(gen_llm.LLAMA3, extra=[
        ("general.uuid", gen_llm.T_STR, "1f0c6e0a-5b7e-4c1e-9f7a-" + rand("0123456789abcdef", 12)),
        ("general.source.hash", gen_llm.T_STR, "sha256:" + rand("0123456789abcdef", 64)),
        ("general.description", gen_llm.T_STR,
         "Quantized with llama.cpp; blob " + rand(B64, 40) + " and run " + rand(ALNUM, 40) + "."),
        ("general.aws_region", gen_llm.T_STR, "eu-west-1"),
    ])
    for i in range(4):
        w.tensor(f"blk.{i}.{rand(ALNUM, 40)}.weight", [8], gen_llm.GGML_F32)
    write("gguf", "benign-random-metadata-strings.gguf", w.build())


if __name__ == "__main__":
    pickle_fixtures()
    gguf_fixtures()
    (FIX.parent / "secrets-embedded-planted.txt").write_text(
        "# Fake secrets planted by gen_secrets_embedded.py; no report may show one whole.\n"
        + "\n".join(PLANTED) + "\n")
