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
import marshal
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .cache import Cache

_KIND = "stats"
_TICK_NS = 2_000_000_000  # FAT's modification times count two seconds
# a file's path -> [size, modification time, change time, inode, device, content digest], as the
# entry holds it: compared as read, so that loading the entry (7,202 files for the scale-1
# benchmark corpus) builds nothing per file. The entry is marshalled: read in 11 ms where json took
# 19, and written in 6 where json took 29.
Entries = dict[str, list]
# (a file's path, its path as shown) -> its content digest
Digest = Callable[[str, str], str]


@contextmanager
def known_digests(cache: Cache, root: Path,
                  read: Callable[[str, str, os.stat_result | None], str]) -> Iterator[Digest]:
    """A ``Digest`` that calls ``read(path, shown, stat)`` only for a file whose stat the previous
    listing of ``root`` did not see settled (``stat`` is the file's, None when it could not be
    taken); the listing's settled files are kept on leaving."""
    known = _loaded(cache.read_entry(_KIND, _name(root)))
    started = time.time_ns()
    seen: Entries = {}

    def digest(path: str, shown: str) -> str:
        try:
            st = os.stat(path)
        except OSError:
            return read(path, shown, None)  # which says why
        entry: list[int | str] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        kept = known.get(path)
        # a damaged entry (any JSON value) matches no stat
        if type(kept) is list and len(kept) == 6 and kept[:5] == entry \
                and type(kept[5]) is str and stat.S_ISREG(st.st_mode):
            value = kept[5]
        else:
            value = read(path, shown, st)
        if max(st.st_mtime_ns, st.st_ctime_ns) < started - _TICK_NS:
            entry.append(value)
            seen[path] = entry
        return value

    yield digest
    if seen != known:
        cache.write_entry(_KIND, _name(root), marshal.dumps(seen))


def listed_before(cache: Cache, root: Path) -> bool:
    """Whether a listing of ``root`` left what it saw in the cache: without, every file of the
    next listing is read (and the compile of a tree never listed is seldom cached)."""
    return cache.has_entry(_KIND, _name(root))


def _name(root: Path) -> str:
    return hashlib.sha256(str(root).encode()).hexdigest()


def _loaded(data: bytes | None) -> Entries:
    """The entry's files; none when it is missing or damaged."""
    if data is None:
        return {}
    try:
        loaded = marshal.loads(data)
    except (ValueError, EOFError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
