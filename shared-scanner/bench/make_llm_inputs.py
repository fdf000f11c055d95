#!/usr/bin/env python3
"""Large benign inputs for the LLM-repository scanners (GGUF, tokenizer.json), for ScanThroughput.

Usage: make_llm_inputs.py DATA_DIR. Writes llama-like-1gb.gguf (a 128k-token vocabulary, 128k merges,
a Llama 3.1 chat template and 291 tensor infos in front of a 1 GiB data section written sparse)
and tokenizer-25mb.json. Standard library only; not committed.
"""
import json
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src" / "test" / "generate"))
import gen_llm  # noqa: E402  (reuses the fixture writer and templates)


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    vocab = [f"tok{i}" for i in range(128_000)]
    merges = [f"t ok{i}" for i in range(128_000)]
    w = gen_llm.GgufWriter()
    w.kv("general.architecture", gen_llm.T_STR, "llama")
    w.kv("general.name", gen_llm.T_STR, "bench")
    w.kv("general.alignment", gen_llm.T_U32, 32)
    w.kv("tokenizer.ggml.tokens", gen_llm.T_ARR, (gen_llm.T_STR, vocab))
    w.kv("tokenizer.ggml.scores", gen_llm.T_ARR, (gen_llm.T_F32, [0.0] * len(vocab)))
    w.kv("tokenizer.ggml.merges", gen_llm.T_ARR, (gen_llm.T_STR, merges))
    w.kv("tokenizer.chat_template", gen_llm.T_STR, gen_llm.LLAMA31)
    tensor_bytes = (1 << 30) // 291 // 32 * 32
    offset = 0
    for i in range(291):
        w.tensor(f"blk.{i}.weight", [tensor_bytes // 4], gen_llm.GGML_F32, offset)
        offset += tensor_bytes
    header = w.build()
    path = out / "llama-like-1gb.gguf"
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + offset)  # sparse: the data section is never read by the scanner
    tok = gen_llm.tokenizer_json(gen_llm.LLAMA3_SPECIAL)
    tok["model"]["vocab"] = {f"piece{i}": i for i in range(600_000)}
    tok["model"]["merges"] = [f"pi ece{i}" for i in range(600_000)]
    (out / "tokenizer-25mb.json").write_text(json.dumps(tok))
    print(path, (out / "tokenizer-25mb.json"))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
