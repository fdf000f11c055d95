#!/usr/bin/env python3
"""Writes the container fixtures into src/test/resources/fixtures/archive/.

Python standard library only. Every output is deterministic (fixed times, no user names), so a
regeneration that changes bytes is a real change. Hostile zips are assembled by hand (RawZip):
zipfile refuses duplicate names and cannot write lying sizes, overlapping entries or encryption
flags. 7z, zstd and lz4 fixtures are built by the Java tests at test time instead.

The file name says the verdict FixtureCorpusTest expects: benign-*, malicious-*, malformed-*;
expected-rules.json lists the rule ids each fixture must produce.
"""
import bz2
import gzip
import io
import json
import lzma
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "archive"
MTIME = 1767225600  # 2026-01-01T00:00:00Z
DOS_TIME, DOS_DATE = 0, (46 << 9) | (1 << 5) | 1  # 2026-01-01 00:00
CONFIG = json.dumps({"model_type": "bert", "hidden_size": 768, "layers": 12}, indent=2).encode()
README = b"A small harmless model card.\n"
# Past the 16 MiB grace the default ratio limit (250:1) applies; zeros deflate about 1000:1.
BOMB = bytes(17 << 20)

expected = {}


def write(name, data, rules=()):
    (OUT / name).write_bytes(data)
    if rules:
        expected[name] = sorted(rules)


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


class RawZip:
    """A zip written field by field, so that every field can lie."""

    def __init__(self, prefix=b""):
        self.buf = bytearray(prefix)
        self.prefix = len(prefix)
        self.central = []

    def add(self, name, data, method=8, flags=0, crc=None, size=None, ext_attr=0, raw=None):
        name_b = name.encode("utf-8")
        if raw is None:
            raw = deflate(data) if method == 8 else data
        crc = zlib.crc32(data) if crc is None else crc
        size = len(data) if size is None else size
        # Offsets are relative to the zip, as when a stub is simply concatenated in front.
        offset = len(self.buf) - self.prefix
        self.buf += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, method, DOS_TIME, DOS_DATE, crc, len(raw), size,
            len(name_b), 0)
        self.buf += name_b + raw
        self.central.append((name_b, flags, method, crc, len(raw), size, ext_attr, offset))
        return len(self.central) - 1

    def alias(self, name, index):
        """A second central record for the data of entry `index`."""
        _, flags, method, crc, csize, size, ext_attr, offset = self.central[index]
        self.central.append((name.encode(), flags, method, crc, csize, size, ext_attr, offset))

    def bytes(self):
        cd_start = len(self.buf) - self.prefix
        cd = bytearray()
        for name_b, flags, method, crc, csize, size, ext_attr, offset in self.central:
            cd += struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, flags, method, DOS_TIME,
                DOS_DATE, crc, csize, size, len(name_b), 0, 0, 0, 0, ext_attr, offset)
            cd += name_b
        eocd = struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(self.central), len(self.central), len(cd), cd_start, 0)
        return bytes(self.buf + cd + eocd)


def std_zip(files, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.external_attr = (0o40755 << 16) | 0x10 if name.endswith("/") else 0o100644 << 16
            z.writestr(info, data)
    return out.getvalue()


def tar_bytes(members, fmt=tarfile.USTAR_FORMAT):
    """members: (name, data) for files, or TarInfo objects for links, dirs and devices."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as t:
        for m in members:
            if isinstance(m, tarfile.TarInfo):
                m.mtime = MTIME
                t.addfile(m)
            else:
                name, data = m
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = MTIME
                info.mode = 0o644
                t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def tar_info(name, kind, linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o777
    return info


def v7_tar(name, data):
    """A pre-POSIX tar: no magic, only the header checksum identifies it."""
    header = bytearray(512)
    header[0:len(name)] = name.encode()
    header[100:108] = b"0000644\0"
    header[108:116] = b"0000000\0"
    header[116:124] = b"0000000\0"
    header[124:136] = b"%011o\0" % len(data)
    header[136:148] = b"%011o\0" % MTIME
    header[148:156] = b" " * 8
    header[156] = ord("0")
    header[148:156] = b"%06o\0 " % sum(header)
    body = data + bytes(-len(data) % 512)
    return bytes(header) + body + bytes(1024)


def benign():
    write("benign-config.zip", std_zip([("model/", b""), ("model/config.json", CONFIG),
                                        ("model/README.md", README)]))
    write("benign-stored.zip", std_zip([("config.json", CONFIG)], zipfile.ZIP_STORED))
    model_tar = tar_bytes([tar_info("model", tarfile.DIRTYPE), ("model/config.json", CONFIG),
                           ("model/README.md", README)])
    write("benign-model.tar", model_tar)
    write("benign-model.tar.gz", gz(model_tar))
    write("benign-model.tgz", gz(model_tar))
    write("benign-model.tar.bz2", bz2.compress(model_tar, 9))
    write("benign-model.tar.xz", lzma.compress(model_tar, format=lzma.FORMAT_XZ))
    write("benign-gnu.tar", tar_bytes([("config.json", CONFIG)], tarfile.GNU_FORMAT))
    long_name = "model/" + "very-long-directory-name/" * 6 + "config.json"
    write("benign-pax-long-name.tar", tar_bytes([(long_name, CONFIG)], tarfile.PAX_FORMAT))
    write("benign-v7.tar", v7_tar("config.json", CONFIG))
    write("benign-config.json.gz", gz(CONFIG))
    write("benign-multi-member.json.gz", gz(CONFIG[:40]) + gz(CONFIG[40:]))
    write("benign-notes.txt.bz2", bz2.compress(README * 20, 9))
    write("benign-vocab.json.xz", lzma.compress(CONFIG, format=lzma.FORMAT_XZ))
    write("benign-weights.lzma", lzma.compress(CONFIG, format=lzma.FORMAT_ALONE))
    # joblib's zlib compression writes a bare zlib stream.
    write("benign-state.zlib", zlib.compress(CONFIG, 9))
    write("benign-nested.zip", std_zip([("bundle/model.tar.gz", gz(model_tar)),
                                        ("bundle/config.json", CONFIG)]))
    prefixed = RawZip(prefix=b"Bundle format 1; the zip follows.\n")
    prefixed.add("config.json", CONFIG)
    write("benign-prefixed.zip", prefixed.bytes(), ["ARC-009"])


def malicious():
    z = RawZip()
    z.add("config.json", CONFIG)
    z.add("../../../../tmp/evil.sh", b"#!/bin/sh\necho owned\n")
    write("malicious-zip-slip.zip", z.bytes(), ["ARC-001"])

    z = RawZip()
    z.add("..\\..\\Windows\\evil.bat", b"echo owned\r\n")
    write("malicious-zip-slip-backslash.zip", z.bytes(), ["ARC-001"])

    z = RawZip()
    z.add("/etc/cron.d/evil", b"* * * * * root true\n")
    z.add("C:\\Windows\\System32\\evil.dll", b"not really a dll")
    z.add("\\\\server\\share\\evil.txt", b"x")
    write("malicious-absolute-path.zip", z.bytes(), ["ARC-002"])

    write("malicious-tar-slip.tar", tar_bytes([("config.json", CONFIG),
                                               ("../../evil.sh", b"#!/bin/sh\n")]), ["ARC-001"])
    write("malicious-tar-absolute.tar.gz",
          gz(tar_bytes([("/etc/profile.d/evil.sh", b"echo owned\n")])), ["ARC-002"])
    write("malicious-tar-symlink-passwd.tar",
          tar_bytes([tar_info("model/passwd", tarfile.SYMTYPE, "/etc/passwd")]), ["ARC-003"])
    write("malicious-tar-hardlink-shadow.tar",
          tar_bytes([tar_info("shadow", tarfile.LNKTYPE, "../../etc/shadow")]), ["ARC-004"])

    z = RawZip()
    z.add("model/config", b"/etc/passwd", method=0, ext_attr=0o120777 << 16)
    write("malicious-zip-symlink.zip", z.bytes(), ["ARC-003"])

    # Honest sizes: the declared ratio alone gives the bomb away.
    inner = RawZip()
    inner.add("zeros.bin", BOMB)
    write("malicious-zip-bomb.zip", std_zip([("inner.zip", inner.bytes())]), ["ARC-011"])

    # Lying sizes: only decompressing (with the ratio limit) finds it.
    inner = RawZip()
    inner.add("zeros.bin", BOMB, size=1024, crc=zlib.crc32(b"x"))
    write("malicious-zip-bomb-lying-size.zip", std_zip([("inner.zip", inner.bytes())]),
          ["CORE-005"])

    write("malicious-gzip-bomb.bin.gz.gz", gz(gz(BOMB)), ["CORE-005"])

    nested = std_zip([("payload.json", CONFIG)], zipfile.ZIP_STORED)
    for level in range(12, 0, -1):
        nested = std_zip([("level%d.zip" % level, nested)], zipfile.ZIP_STORED)
    write("malicious-deep-nesting.zip", nested, ["CORE-002"])

    z = RawZip()
    z.add("config.json", CONFIG)
    # Traditional PKWARE encryption: flag bit 0 and a 12-byte header in front of the data.
    z.add("secret.pkl", b"", method=8, flags=1, raw=bytes(range(12)) + deflate(b"hidden"))
    write("malicious-encrypted-entry.zip", z.bytes(), ["ARC-006"])

    z = RawZip()
    z.add("model.json", CONFIG)
    z.add("model.json", b'{"model_type": "something else entirely"}')
    write("malicious-duplicate-names.zip", z.bytes(), ["ARC-007"])

    z = RawZip()
    first = z.add("a.bin", bytes(4096))
    z.alias("b.bin", first)
    z.alias("c.bin", first)
    write("malicious-overlapping-entries.zip", z.bytes(), ["ARC-010"])

    stub = b"MZ\x90\x00" + bytes(60) + b"This program cannot be run in DOS mode.\r\n"
    z = RawZip(prefix=stub)
    z.add("config.json", CONFIG)
    write("malicious-exe-prefix.zip", z.bytes(), ["ARC-009"])


def malformed():
    whole = std_zip([("config.json", CONFIG), ("README.md", README)])
    write("malformed-truncated.zip", whole[: len(whole) // 2], ["CORE-001"])
    # The end record claims a directory larger than the file.
    broken = bytearray(whole)
    eocd = broken.rfind(b"PK\x05\x06")
    struct.pack_into("<I", broken, eocd + 12, len(broken) * 2)
    write("malformed-central-directory-cut.zip", bytes(broken), ["CORE-001"])
    full_gz = gz(CONFIG * 20)
    write("malformed-truncated.json.gz", full_gz[: len(full_gz) // 2], ["CORE-001"])
    tar = tar_bytes([("config.json", CONFIG * 20)])
    write("malformed-truncated.tar", tar[:1024], ["CORE-001"])
    z = RawZip()
    z.add("config.json", CONFIG, size=10)
    write("malformed-lying-size.zip", z.bytes(), ["ARC-008"])
    z = RawZip()
    z.add("config.json", CONFIG, raw=b"\xff\xff\xff\xff not deflate at all")
    write("malformed-bad-deflate.zip", z.bytes(), ["CORE-001"])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    benign()
    malicious()
    malformed()
    (OUT / "expected-rules.json").write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
