"""An ``out`` that ends in ``.zip`` or ``.jar``: the plugin's files in one archive, byte for byte
as ``buf generate`` writes it.

buf writes with Go's ``archive/zip``: entries stored (not compressed) in the order of their names,
no timestamps (the DOS epoch, encoded as zero), each followed by a data descriptor (flag bit 3) and
listed in a central directory. A ``.jar`` starts with the manifest protoc writes for one.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from pathlib import PurePath

from ..errors import ProtopactError

SUFFIXES = (".zip", ".jar")
_MANIFEST = ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\nCreated-By: 1.6.0 (protoc)\n\n")
_VERSION = 20  # 2.0: stored entries, data descriptors
_DESCRIPTOR_FLAG = 0x08
_LIMIT = 0xFFFFFFFF  # beyond this an archive needs zip64, which protopact does not write


def is_archive(out: PurePath) -> bool:
    return out.suffix in SUFFIXES


def archive(out: PurePath, files: Mapping[str, bytes]) -> bytes:
    """The archive at ``out`` holding ``files`` (name inside the archive -> content)."""
    entries = sorted(files.items())
    if out.suffix == ".jar":
        entries.insert(0, _MANIFEST)
    body, directory = bytearray(), bytearray()
    for name, data in entries:
        encoded, crc, offset = name.encode(), zlib.crc32(data), len(body)
        if len(data) >= _LIMIT or offset >= _LIMIT:
            raise ProtopactError(f"{out}: over 4 GiB, too large for an archive without zip64")
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, _DESCRIPTOR_FLAG, 0, 0, 0, 0, 0,
                            0, len(encoded), 0) + encoded + data
        body += struct.pack("<IIII", 0x08074B50, crc, len(data), len(data))
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, _VERSION, _VERSION,
                                 _DESCRIPTOR_FLAG, 0, 0, 0, crc, len(data), len(data),
                                 len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory),
                      len(body), 0)
    return bytes(body + directory + end)
