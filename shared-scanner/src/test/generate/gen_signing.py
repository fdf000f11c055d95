#!/usr/bin/env python3
"""Fixtures for OpenSSF Model Signing (fixtures/signing/), and a verifier for bundles SentraScan writes.

The reference tool (pip package model-signing, sigstore/model-transparency) cannot be installed here (no
PyPI), so this file re-implements its key and certificate signing independently, with pyca/cryptography
(Debian python3-cryptography), following its source: the in-toto statement with predicateType
https://model_signing/signature/v1.0 written by protobuf's MessageToJson (indent 2, numbers in the
predicate as doubles), the root digest over the raw resource digests in Python's PurePosixPath sort
order, DSSE PAE, ECDSA with the curve's hash (DER), the Sigstore v0.3 bundle with the key hint (SHA-256
of the PEM public key) or an x509CertificateChain. Keys and certificates are fresh on every run.

  gen_signing.py                      regenerate fixtures/signing/
  gen_signing.py verify MODEL SIG PUB verify a bundle the way the reference's key verifier does;
                                      prints VERIFIED or the reason and exits 0/1 (used by a Java test)
"""
import base64
import datetime
import hashlib
import json
import os
import pathlib
import shutil
import struct
import sys

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "fixtures", "signing")
PAYLOAD_TYPE = "application/vnd.in-toto+json"
MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"
IGNORE = ["model.sig", ".git", ".gitattributes", ".github", ".gitignore"]


def pae(payload):
    return b" ".join([f"DSSEv1 {len(PAYLOAD_TYPE)} {PAYLOAD_TYPE} {len(payload)}".encode(), payload])


def should_ignore(rel, ignore):
    return any(rel == i or rel.startswith(i.rstrip("/") + "/") for i in ignore)


def manifest(model, shard_size=None, ignore=IGNORE):
    """(resource name, hex digest) pairs in the reference's order."""
    items = []
    for path in sorted(pathlib.Path(model).glob("**/*")):
        rel = path.relative_to(model).as_posix()
        if not path.is_file() or should_ignore(rel, ignore):
            continue
        data = path.read_bytes()
        if shard_size is None:
            items.append(((pathlib.PurePosixPath(rel), 0, 0), rel, hashlib.sha256(data).hexdigest()))
        else:
            for start in range(0, len(data), shard_size):
                end = min(len(data), start + shard_size)
                items.append(
                    ((pathlib.PurePosixPath(rel), start, end), f"{rel}:{start}:{end}",
                     hashlib.sha256(data[start:end]).hexdigest()))
    items.sort(key=lambda t: t[0])
    return [(name, digest) for _, name, digest in items]


def statement(model, shard_size=None):
    resources = manifest(model, shard_size)
    root = hashlib.sha256(b"".join(bytes.fromhex(d) for _, d in resources)).hexdigest()
    serialization_args = {"method": "files" if shard_size is None else "shards", "hash_type": "sha256",
                          "allow_symlinks": False, "ignore_paths": IGNORE}
    if shard_size is not None:
        serialization_args["shard_size"] = float(shard_size)  # a protobuf Struct holds doubles
    st = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": os.path.basename(os.path.abspath(model)), "digest": {"sha256": root}}],
        "predicateType": "https://model_signing/signature/v1.0",
        "predicate": {
            "serialization": serialization_args,
            "resources": [{"name": n, "algorithm": "sha256", "digest": d} for n, d in resources],
        },
    }
    return json.dumps(st, indent=2).encode()


def pem_public(key):
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def bundle(payload, private_key, chain=None):
    sig = private_key.sign(pae(payload), ec.ECDSA(hashes.SHA256()))
    if chain:
        material = {"x509CertificateChain": {"certificates": [
            {"rawBytes": base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()}
            for c in chain]}, "tlogEntries": []}
    else:
        hint = hashlib.sha256(pem_public(private_key.public_key())).hexdigest()
        material = {"publicKey": {"hint": hint}, "tlogEntries": []}
    return json.dumps({
        "mediaType": MEDIA_TYPE,
        "verificationMaterial": material,
        "dsseEnvelope": {"payload": base64.b64encode(payload).decode(), "payloadType": PAYLOAD_TYPE,
                         "signatures": [{"sig": base64.b64encode(sig).decode()}]},
    }, indent=2).encode()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def cert(subject, issuer, public_key, signing_key, ca, usage_sign=True, email=None):
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    b = (x509.CertificateBuilder()
         .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
         .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
         .public_key(public_key)
         .serial_number(x509.random_serial_number())
         .not_valid_before(now)
         .not_valid_after(now + datetime.timedelta(days=36500))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), True)
    else:
        b = b.add_extension(x509.KeyUsage(usage_sign, False, False, False, False, False, False, False,
                                          False), True)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), False)
        if email:
            b = b.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), False)
    return b.sign(signing_key, hashes.SHA256())


def generate():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    model = os.path.join(OUT, "model")
    # A small model folder: a valid SafeTensors file (so that a scan sees a model), a config, a
    # tokenizer file in a subfolder and git metadata that signing ignores.
    header = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}).encode()
    write(os.path.join(model, "model.safetensors"),
          struct.pack("<Q", len(header)) + header + struct.pack("<4f", 1, 2, 3, 4))
    write(os.path.join(model, "config.json"), b'{"model_type": "bert", "hidden_size": 4}\n')
    write(os.path.join(model, "tokenizer", "vocab.txt"), b"[PAD]\n[UNK]\nhello\nworld\n" * 4)
    # A comment only: a real attribute here would apply to this folder of the repository.
    write(os.path.join(model, ".gitattributes"), b"# git metadata, left out of the signature\n")

    keys = os.path.join(OUT, "keys")
    signer = ec.generate_private_key(ec.SECP256R1())
    write(os.path.join(keys, "signer.pem"), signer.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    write(os.path.join(keys, "signer-pkcs8.pem"), signer.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    write(os.path.join(keys, "signer.pub"), pem_public(signer.public_key()))
    other = ec.generate_private_key(ec.SECP256R1())
    write(os.path.join(keys, "other.pub"), pem_public(other.public_key()))
    write(os.path.join(keys, "rsa.pub"), pem_public(rsa.generate_private_key(65537, 2048).public_key()))

    payload = statement(model)
    write(os.path.join(model, "model.sig"), bundle(payload, signer))
    write(os.path.join(OUT, "model-shards.sig"), bundle(statement(model, shard_size=7), signer))

    pki = os.path.join(OUT, "pki")
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = cert("SentraScan Test Root", "SentraScan Test Root", root_key.public_key(), root_key, True)
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter = cert("SentraScan Test Intermediate", "SentraScan Test Root", inter_key.public_key(), root_key,
                 True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = cert("model-publisher", "SentraScan Test Intermediate", leaf_key.public_key(), inter_key, False,
                email="publisher@example.com")
    other_root_key = ec.generate_private_key(ec.SECP256R1())
    other_root = cert("Other Root", "Other Root", other_root_key.public_key(), other_root_key, True)
    for name, c in [("root.pem", root), ("intermediate.pem", inter), ("leaf.pem", leaf),
                    ("other-root.pem", other_root)]:
        write(os.path.join(pki, name), c.public_bytes(serialization.Encoding.PEM))
    write(os.path.join(pki, "leaf-key.pem"), leaf_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    write(os.path.join(OUT, "model-cert.sig"), bundle(payload, leaf_key, chain=[leaf, inter]))
    print("wrote", OUT)


def verify(model, sig_path, pub_path):
    """The reference key verifier's checks, in its order."""
    public_key = serialization.load_pem_public_key(pathlib.Path(pub_path).read_bytes())
    b = json.loads(pathlib.Path(sig_path).read_text())
    if b["mediaType"] != MEDIA_TYPE:
        return "media type " + b["mediaType"]
    hint = b["verificationMaterial"].get("publicKey", {}).get("hint")
    if hint and hint != hashlib.sha256(pem_public(public_key)).hexdigest():
        return "key hint mismatch"
    env = b["dsseEnvelope"]
    payload = base64.b64decode(env["payload"])
    try:
        public_key.verify(base64.b64decode(env["signatures"][0]["sig"]), pae(payload),
                          ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "invalid signature"
    if env["payloadType"] != PAYLOAD_TYPE:
        return "payload type"
    st = json.loads(payload)
    if st["_type"] != "https://in-toto.io/Statement/v1" or \
            st["predicateType"] != "https://model_signing/signature/v1.0":
        return "statement type"
    resources = st["predicate"]["resources"]
    root = hashlib.sha256(b"".join(bytes.fromhex(r["digest"]) for r in resources)).hexdigest()
    if root != st["subject"][0]["digest"]["sha256"]:
        return "root digest"
    ser = st["predicate"]["serialization"]
    size = ser.get("shard_size")
    ignore = list(ser.get("ignore_paths", IGNORE))
    sig_abs = os.path.abspath(sig_path)
    if sig_abs.startswith(os.path.abspath(model) + os.sep):
        ignore.append(os.path.relpath(sig_abs, os.path.abspath(model)))
    actual = manifest(model, None if ser["method"] == "files" else int(size), ignore)
    signed = [(r["name"], r["digest"]) for r in resources]
    if sorted(actual) != sorted(signed):
        return "files differ: " + ", ".join(sorted({n for n, _ in set(actual) ^ set(signed)}))
    if actual != signed:
        return "resource order differs from the reference's"
    return None


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "verify":
        problem = verify(sys.argv[2], sys.argv[3], sys.argv[4])
        print("VERIFIED" if problem is None else "FAILED " + problem)
        sys.exit(0 if problem is None else 1)
    generate()
