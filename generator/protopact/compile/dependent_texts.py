"""The texts of an edited file's dependents, kept together in the cache.

After an edit of a widely imported file, the compile looks in the text of every file that imports
it for the names the edit added or removed (see :mod:`.dependents`): thousands of files, each a
stat, an open, a read and a close, which cost several times the look itself. So the texts looked
at are kept in one cache entry per place, by content digest (a file's git blob id, see
:class:`.workspace.ListedFile`), and the next compile of the place maps that entry and searches
it where it lies; a file whose digest the entry lacks is read as before, and the entry is then
written anew.
"""

from __future__ import annotations

import hashlib
import marshal
import mmap
import struct
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING

from .aside import aside

if TYPE_CHECKING:
    from .cache import Cache
    from .workspace import ListedFile

_KIND = "texts"
_MAGIC = b"PPTXT1"
# one entry per place, about the size of the texts of a hub's dependents (22 MB for the scale-1
# benchmark corpus): a few places' worth
_LIMIT = 1 << 28


class Texts(Mapping[str, bytes]):
    """The texts of files by import path: read ones, else the entry's."""

    def __init__(self, read: Mapping[str, bytes], held: bytes | mmap.mmap,
                 at: Mapping[str, tuple[int, int]]) -> None:
        self._read, self._held, self._at = read, held, at
        self._spelled: dict[Sequence[bytes], frozenset[str]] = {}

    def __getitem__(self, name: str) -> bytes:
        found = self._read.get(name)
        if found is not None:
            return found
        start, end = self._at[name]
        return self._held[start:end]

    def __contains__(self, name: object) -> bool:
        return name in self._read or name in self._at

    def __iter__(self) -> Iterator[str]:
        yield from self._read
        yield from (name for name in self._at if name not in self._read)

    def __len__(self) -> int:
        return len(self._read) + sum(1 for name in self._at if name not in self._read)

    def spells(self, name: str, words: Sequence[bytes]) -> bool | None:
        """Whether ``name``'s text holds one of ``words``; None when it is not at hand."""
        found = self._read.get(name)
        if found is not None:
            return any(word in found for word in words)
        if name not in self._at:
            return None
        spelled = self._spelled.get(words)
        if spelled is None:
            spelled = self._spelled[words] = self._holding(words)
        return name in spelled

    def _holding(self, words: Sequence[bytes]) -> frozenset[str]:
        """The files of the entry whose text holds one of ``words``: each word is looked for
        once in the whole entry, where thousands of texts lie together, and where found, in the
        text there (a word may run across two texts)."""
        hits = [(word, at) for word in words for at in _found(self._held, word)]
        if not hits:
            return frozenset()
        texts: dict[tuple[int, int], list[str]] = {}  # files of equal texts share one
        for name, bounds in self._at.items():
            texts.setdefault(bounds, []).append(name)
        ordered = sorted(texts)
        found: set[str] = set()
        for word, at in hits:
            index = bisect_right(ordered, (at, len(self._held))) - 1
            if index >= 0 and self._held.find(word, *ordered[index]) >= 0:
                found.update(texts[ordered[index]])
        return frozenset(found)


def _found(data: bytes | mmap.mmap, word: bytes) -> Iterator[int]:
    at = data.find(word)
    while at >= 0:
        yield at
        at = data.find(word, at + 1)


@contextmanager
def texts_of(cache: Cache, place: str, files: Sequence[ListedFile],
             read: Callable[[Sequence[ListedFile]], Mapping[str, bytes]]) -> Iterator[Texts]:
    """The texts of ``files`` (by import path), as the entry of ``place`` holds them or, for
    those it lacks, as ``read`` gives them (by workspace path); the entry is written anew when
    one was read."""
    entry = _name(place)
    with cache.mapped_entry(_KIND, entry) as mapped:
        held = b"" if mapped is None else mapped
        offsets = _offsets(held)
        at = {f.name: offsets[f.digest] for f in files if f.digest in offsets}
        missing = [f for f in files if f.name not in at]
        got = read(missing) if missing else {}
        texts = Texts({f.name: got[f.workspace_path] for f in missing}, held, at)
        if missing and cache.directory is not None:
            # forked, the writer shares the mapped entry as it stands
            aside(lambda: _store(cache, entry, {f.digest: texts[f.name] for f in files}))
        yield texts


def _offsets(data: bytes | mmap.mmap) -> dict[str, tuple[int, int]]:
    """Where the entry ``data`` holds each digest's text; none when it is missing or damaged."""
    if data[: len(_MAGIC)] != _MAGIC:
        return {}
    try:
        (length,) = struct.unpack_from(">I", data, len(_MAGIC))
        start = len(_MAGIC) + 4
        digests, ends = marshal.loads(data[start : start + length])
    except (ValueError, EOFError, TypeError, struct.error):
        return {}
    body = start + length
    if not isinstance(digests, list) or not isinstance(ends, list) or len(digests) != len(ends) \
            or not all(type(end) is int for end in ends) or ends != sorted(ends) \
            or (ends and body + ends[-1] != len(data)):
        return {}
    bounds = [body + e for e in [0, *ends]]
    return dict(zip(digests, pairwise(bounds), strict=True))


def _store(cache: Cache, entry: str, texts: Mapping[str, bytes]) -> None:
    digests = list(texts)
    header = marshal.dumps([digests, list(accumulate(len(texts[d]) for d in digests))], 2)
    cache.write_entry(_KIND, entry, b"".join(
        [_MAGIC, struct.pack(">I", len(header)), header, *(texts[d] for d in digests)]))
    cache.bound(_KIND, _LIMIT)


def _name(place: str) -> str:
    return hashlib.sha256(place.encode()).hexdigest()
