"""Bounding a cache directory: the entries used least recently go first.

An entry's modification time says when it was last written or read: readers mark what they use
(:func:`used`), so a size bound (:func:`beyond`) removes what nobody has needed for longest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def used(path: Path) -> None:
    """Mark ``path`` as just used."""
    try:
        os.utime(path)
    except OSError:
        pass  # gone meanwhile, or read-only: it is only removed sooner


def beyond(entries: Iterable[Path], limit: int) -> list[Path]:
    """The ``entries`` to remove, least recently used first, for the others to fit in ``limit``
    bytes."""
    sized = []
    for path in entries:
        try:
            stat = path.stat()
        except OSError:
            continue  # removed by another process meanwhile
        sized.append((stat.st_mtime_ns, stat.st_size, path))
    total = sum(size for _, size, _ in sized)
    removed = []
    for _, size, path in sorted(sized):
        if total <= limit:
            break
        removed.append(path)
        total -= size
    return removed
