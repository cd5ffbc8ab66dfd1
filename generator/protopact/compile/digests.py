"""The content digests of a directory's ``.proto`` files, read again only where a file's stat changed.

Listing a tree reads and hashes every file (about 0.5 CPU-s for googleapis' size); after an edit
all but a few are as they were. So each listing of a directory leaves in the cache, for each file,
what ``stat`` said of it (size, modification and change times, inode, device) with its digest, and
the next listing takes a digest without reading the file while ``stat`` says the same.

A time stamp is coarse on some file systems (whole seconds, or two on FAT): a file written twice
within one tick keeps its stat. So a file only counts as settled, and its digest is kept for the
next listing, when both its times are older than the listing's start by more than the coarsest
tick; one edited just before (the common case while editing) is read again next time, as git
treats a "racily clean" file. The change time cannot be set back by a program (``touch -d``,
``cp -p`` and unpacking set the modification time only), so content written through any of them
changes the stat.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .cache import Cache

_KIND = "stats"
_TICK_NS = 2_000_000_000  # FAT's modification times count two seconds
Stamp = tuple[int, int, int, int, int]
# (a file's path, its path as shown) -> its content digest
Digest = Callable[[str, str], str]


@contextmanager
def known_digests(cache: Cache, root: Path, read: Callable[[str, str], str],
                  ) -> Iterator[Digest]:
    """A ``Digest`` that calls ``read(path, shown)`` only for a file whose stat the previous
    listing of ``root`` did not see settled; the listing's settled files are kept on leaving."""
    name = hashlib.sha256(str(root).encode()).hexdigest()
    known = _loaded(cache.read_entry(_KIND, name))
    started = time.time_ns()
    seen: dict[str, tuple[Stamp, str]] = {}

    def digest(path: str, shown: str) -> str:
        try:
            st = os.stat(path)
        except OSError:
            return read(path, shown)  # which says why
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        entry = known.get(path)
        if entry is not None and entry[0] == stamp and stat.S_ISREG(st.st_mode):
            value = entry[1]
        else:
            value = read(path, shown)
        if max(st.st_mtime_ns, st.st_ctime_ns) < started - _TICK_NS:
            seen[path] = (stamp, value)
        return value

    yield digest
    if seen != known:
        cache.write_entry(_KIND, name, json.dumps(
            {p: [*s, d] for p, (s, d) in seen.items()}, separators=(",", ":")).encode())


def _loaded(data: bytes | None) -> dict[str, tuple[Stamp, str]]:
    """The entry's files; none when it is missing or damaged."""
    if data is None:
        return {}
    try:
        return {path: ((size, mtime, ctime, ino, dev), value)
                for path, (size, mtime, ctime, ino, dev, value) in json.loads(data).items()}
    except (ValueError, TypeError, AttributeError):
        return {}
