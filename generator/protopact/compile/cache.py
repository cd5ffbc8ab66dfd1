"""Content-addressed on-disk cache of compiled Images.

A key is a digest of everything a compilation depends on (the files' contents or git blob ids, the
include roots, the protoc and protopact versions), so a hit is always valid. Entries are written to a
temporary file and renamed into place; an entry that fails to parse is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
from pathlib import Path

from google.protobuf.message import DecodeError

from ..writes import write_pieces
from .image import Image, decode_files

_MAGIC = b"PPIMG1"


def default_cache_dir() -> Path:
    explicit = os.environ.get("PROTOPACT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "protopact"


def cache_key(parts: object) -> str:
    """A stable digest of a JSON-serialisable description of a compilation."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


class Cache:
    """Images by key. ``directory=None`` disables caching."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.image"

    def get(self, key: str) -> Image | None:
        if self.directory is None:
            return None
        try:
            data = self._path(key).read_bytes()
            if not data.startswith(_MAGIC):
                return None
            (length,) = struct.unpack_from(">I", data, len(_MAGIC))
            start = len(_MAGIC) + 4
            header = json.loads(data[start : start + length])
            files, _, encoded = decode_files(data[start + length :])
            return Image(tuple(files), frozenset(header["targets"]), encoded=encoded)
        except (OSError, ValueError, KeyError, TypeError, IndexError, struct.error, DecodeError):
            return None

    def put(self, key: str, image: Image) -> None:
        if self.directory is None:
            return
        header = json.dumps({"targets": sorted(image.targets)}).encode()
        fds = image.to_binary(mark_imports=False, as_read=True)
        path = self._path(key)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(_MAGIC + struct.pack(">I", len(header)) + header)
                write_pieces(out, fds)
            os.replace(tmp, path)
        except OSError:
            # A cache that cannot be written only costs speed.
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
