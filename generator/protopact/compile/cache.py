"""Content-addressed on-disk cache of compiled Images.

A key is a digest of everything a compilation depends on (the files' contents or git blob ids, the
include roots, the protoc and protopact versions), so a hit is always valid. Each entry also holds
its files' keys (see :mod:`.incremental`), and each place compiled (a directory, a git repository)
points at its latest entry, whose files the next compile of that place reuses where unchanged.
Entries are written to a temporary file and renamed into place; an entry that fails to parse is
ignored and rebuilt.

An entry is mapped, not read. Within lint, files are decoded where first read, without their source
info (see :mod:`.undecoded` and :mod:`.sourceinfo`; the header holds each file's name, package and
imports, all that most files are read for after an edit), and their bytes are views of the mapping,
never copied: of a googleapis-sized entry's 60 MB, most is source info that a lint after an edit
never touches, and copying it all cost more than the rest of reading the entry. The mapping lasts as
long as a view of it is held; as no entry is ever written in place (a rename replaces it, and
removing it leaves it mapped), what a view holds cannot change under it. Where files are decoded
whole, their bytes are copied: each is read whole anyway, and buf images are read from bytes too
(see :func:`.image.decoded_files`).

The images kept are bounded in size: after a compile is stored, the least recently used go first.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import mmap
import os
import re
import struct
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

from google.protobuf.message import DecodeError

from ..writes import write_gathered
from .aside import aside
from .image import Image, decoded_files
from .incremental import Compiled
from .order import imports_of, remember_imports
from .recency import beyond, used
from .sourceinfo import deferred, spans
from .undecoded import undecoded
from .wire import varint

# 3: the header holds each file's imports; 4: and its name and package
_MAGIC = b"PPIMG4"
# The header is marshalled: a googleapis-sized one (2.4 MB) is written ten times as fast as json
# writes it, and read a little faster. Format 2, which every Python 3 reads, shares no objects:
# the entry an image read from it is stored as is the entry, byte for byte (see _store).
_MARSHAL_FORMAT = 2
_FILE = b"\x0a"  # FileDescriptorSet.file: field 1, length-delimited
# compiled images kept, all together: a googleapis-sized tree's image is about 60 MB, and each edit
# of it adds one (the least recently used go first, see .recency)
IMAGES_LIMIT = 2**30


# the digests and source info spans of the files of the entry read last, by the identity of their
# bytes (held, so that no other object takes their id): a lint that keeps earlier findings compares
# every file's digest, and the next entry, which holds most of these files, their spans
_KNOWN: dict[int, tuple[bytes, str, Sequence[int] | None]] = {}


def digest_of(data: bytes) -> str:
    """The SHA-256 of a file's bytes, known without hashing them for the bytes an entry gave."""
    known = _KNOWN.get(id(data))
    return known[1] if known is not None and known[0] is data else hashlib.sha256(data).hexdigest()


def _span_of(data: bytes) -> Sequence[int] | None:
    """Where a file's bytes hold its source info (see :func:`.sourceinfo.spans`), known without
    reading them for the bytes an entry gave (the wire scan of every file was most of the cost
    of storing an image)."""
    known = _KNOWN.get(id(data))
    return known[2] if known is not None and known[0] is data else spans([data])[0]


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

    def get(self, key: str) -> Compiled | None:
        if self.directory is None:
            return None
        try:
            data = _mapped(self._path(key))
            if data[: len(_MAGIC)] != _MAGIC:
                return None
            (length,) = struct.unpack_from(">I", data, len(_MAGIC))
            start = len(_MAGIC) + 4
            header = marshal.loads(data[start : start + length])
            payloads = _payloads(data, start + length, header["payloads"])
            digests, located, imports = header["digests"], header["source_info"], header["imports"]
            names, packages = header["names"], header["packages"]
            if any(len(listed) != len(payloads)
                   for listed in (digests, located, imports, names, packages)):
                return None
            if not deferred():
                payloads = [bytes(p) for p in payloads]
                files, _, encoded = decoded_files(payloads)
            else:
                files = undecoded(names, packages, payloads, located)
                encoded = dict(zip(names, payloads))
            keys = {name: (text, closure) for name, (text, closure) in header["keys"].items()}
            remember_imports(files, imports)
            used(self._path(key))
            _KNOWN.clear()
            _KNOWN.update((id(p), (p, d, at)) for p, d, at in zip(payloads, digests, located))
            clashes = [tuple(c) for c in header.get("clashes", ())]
            declared = header.get("extensions")
            extensions = None if declared is None else {
                name: tuple((extendee, number, tuple(path)) for extendee, number, path in found)
                if (found := declared.get(name)) else () for name in names}
            image = Image(tuple(files), frozenset(header["targets"]), encoded=encoded,
                          files_by_name=dict(zip(names, files)))
            return Compiled(image, keys, clashes, extensions, deferred=deferred(), key=key)
        except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, struct.error,
                DecodeError):
            return None

    def put(self, key: str, compiled: Compiled, *, place: str | None) -> None:
        """Store ``compiled`` under ``key``, the latest compile of ``place`` if one is given
        (beside the caller within :func:`.aside.writes_aside`)."""
        if self.directory is not None:
            aside(lambda: self._store(key, compiled, place))

    def _store(self, key: str, compiled: Compiled, place: str | None) -> None:
        assert self.directory is not None
        image = compiled.image
        # the files' extensions, which the next compile of the place would otherwise look for in
        # every file it reuses (see incremental.extensions_of)
        declared = None if compiled.extensions is None else {
            name: found for name, found in compiled.extensions.items() if found}
        pieces = list(image.binary_pieces(mark_imports=False, as_read=True))
        payloads = pieces[1::2]  # each file's bytes after its key and length
        ends = list(accumulate(len(p) for p in pieces))
        header = marshal.dumps({
            "targets": sorted(image.targets), "keys": compiled.keys, "clashes": compiled.clashes,
            "extensions": declared,
            "payloads": [[end - len(p), end] for p, end in zip(payloads, ends[1::2])],
            "source_info": [_span_of(p) for p in payloads],
            "imports": [imports_of(f) for f in image.files],
            "names": [f.name for f in image.files], "packages": [f.package for f in image.files],
            "digests": [digest_of(p) for p in payloads]}, _MARSHAL_FORMAT)
        with self._written(self._path(key)) as out:
            out.write(_MAGIC + struct.pack(">I", len(header)) + header)
            write_gathered(out, pieces)
        if place is not None:
            with self._written(self._place(place)) as out:
                out.write(key.encode())
        for entry in beyond(self.directory.glob("??/*.image"), IMAGES_LIMIT):
            entry.unlink(missing_ok=True)

    def latest(self, place: str) -> Compiled | None:
        """The latest compile of ``place``, if still cached."""
        if self.directory is None:
            return None
        try:
            key = self._place(place).read_text()
        except (OSError, UnicodeDecodeError):
            return None
        return self.get(key) if re.fullmatch(r"[0-9a-f]{64}", key) else None

    def read_entry(self, kind: str, name: str) -> bytes | None:
        """Another kind of entry (lint findings, say) by name, marked as used; None when
        absent."""
        if self.directory is None:
            return None
        path = self.directory / kind / name
        try:
            data = path.read_bytes()
        except OSError:
            return None
        used(path)
        return data

    def has_entry(self, kind: str, name: str) -> bool:
        """Whether :meth:`read_entry` would find the entry (it is not read, nor marked used)."""
        return self.directory is not None and (self.directory / kind / name).is_file()

    @contextmanager
    def mapped_entry(self, kind: str, name: str) -> Iterator[mmap.mmap | None]:
        """:meth:`read_entry`'s bytes mapped, not read: a large entry of which little is copied
        (an entry is replaced by a rename, never rewritten in place)."""
        if self.directory is None:
            yield None
            return
        path = self.directory / kind / name
        try:
            data = _mapped(path)
        except (OSError, ValueError):  # ValueError: an empty file, which cannot be mapped
            yield None
            return
        used(path)
        with data:
            yield data

    def write_entry(self, kind: str, name: str, data: bytes) -> None:
        if self.directory is None:
            return
        with self._written(self.directory / kind / name) as out:
            out.write(data)

    def bound(self, kind: str, limit: int) -> None:
        """Entries of ``kind`` removed, least recently used first, until the rest fit in
        ``limit`` bytes."""
        if self.directory is not None:
            for entry in beyond((self.directory / kind).glob("[!.]*"), limit):
                entry.unlink(missing_ok=True)

    def _place(self, place: str) -> Path:
        assert self.directory is not None
        return self.directory / "places" / hashlib.sha256(place.encode()).hexdigest()

    @contextmanager
    def _written(self, path: Path) -> Iterator[BinaryIO]:
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                yield out
            os.replace(tmp, path)
        except OSError:
            # A cache that cannot be written only costs speed.
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def _mapped(path: Path) -> mmap.mmap:
    """The file at ``path`` mapped for reading (ValueError when it is empty)."""
    with open(path, "rb") as entry:
        return mmap.mmap(entry.fileno(), 0, access=mmap.ACCESS_READ)


def _payloads(data: mmap.mmap, body: int, at: Sequence[Sequence[int]]) -> list[memoryview]:
    """The files' bytes in an entry whose body (a ``FileDescriptorSet``) starts at ``body``, each
    at its (start, end) in the body as the header lists them: only each file's key and length are
    read, to check that the header says where the files are."""
    whole, payloads, previous = memoryview(data), [], 0
    for start, end in at:
        if data[body + previous : body + start] != _FILE + varint(end - start):
            raise ValueError("the entry's files are not where its header says")
        payloads.append(whole[body + start : body + end])
        previous = end
    if body + previous != len(data):
        raise ValueError("the entry's files are not where its header says")
    return payloads
