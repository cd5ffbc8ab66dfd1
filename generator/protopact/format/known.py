"""Contents already known to be formatted, remembered in the cache by digest.

``format`` compiles every file first (through the compile cache), then lays each out. A file whose
content was formatted before and found unchanged is its own formatted text: it is not read into
tokens again. This is what a formatted tree checked in CI (``format -d --exit-code``) or a save hook
meets almost every time. The digests are kept per formatter: any change to the formatter's code
starts a new set, so a hit is always valid.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ..compile.cache import Cache

_KIND = "formatted"
_LIMIT = 200_000  # digests kept; a larger set starts again from the files of this run


@lru_cache(maxsize=1)
def _formatter_key() -> str:
    """A digest of the formatter's own code."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def digest(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class Known:
    """The digests of contents known to be formatted (none when ``cache`` is disabled)."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        data = cache.read_entry(_KIND, _formatter_key()) if cache.directory is not None else None
        self.digests: frozenset[str] = frozenset(data.decode("ascii", "replace").split()) \
            if data else frozenset()

    def __contains__(self, content_digest: str) -> bool:
        return content_digest in self.digests

    def remember(self, digests: set[str]) -> None:
        """Add ``digests`` (of contents that formatting left as they were)."""
        new = digests - self.digests
        if not new or self.cache.directory is None:
            return
        kept = new if len(self.digests) + len(new) > _LIMIT else self.digests | new
        self.cache.write_entry(_KIND, _formatter_key(), "\n".join(sorted(kept)).encode("ascii"))
