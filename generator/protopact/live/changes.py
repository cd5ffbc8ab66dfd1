"""Watching a workspace for edits that change what protopact compiles.

One :class:`Watch` per running command: it watches the workspace holding a directory INPUT (its
``buf.yaml`` may sit in a parent) for ``.proto`` files and the files that configure a compile or a
check (``buf.yaml``, ``buf.work.yaml``, ``buf.lock``, ``pyproject.toml``). Edits are grouped: an
editor's save (often a write then a rename) and a ``git checkout`` arrive as one batch, once the tree
has been quiet for a moment. The watcher keeps running while the caller works on a batch, so edits
made meanwhile form the next one; none is lost.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path

import watchfiles

from ..compile.workspace import discover
from ..config.bufyaml import CONFIG_NAMES, WORK_NAMES
from ..errors import ProtopactError

_CONFIG = frozenset((*CONFIG_NAMES, *WORK_NAMES, "buf.lock", "pyproject.toml"))
# How long the tree must stay quiet before a batch is handed over, and the longest a batch may
# keep growing (milliseconds).
_QUIET_MS = 100
_LONGEST_MS = 1600
# The watcher starts when first asked for a batch, and answers empty after this long: asked once at
# once, it sees edits made while the first compile runs.
_START_MS = 100


class _Filter(watchfiles.DefaultFilter):
    """What compiles: ``.proto`` files and configuration, outside the hidden and tool folders that
    watchfiles skips (``.git``, ``node_modules``, ``.venv`` ...)."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        return (name.endswith(".proto") or name in _CONFIG) and super().__call__(change, path)


def watched_root(directory: Path, cwd: Path) -> Path:
    """The directory to watch for a directory INPUT: its workspace's root, or the directory
    itself while the configuration does not load (fixing it is an edit the watch must see)."""
    if not directory.is_dir():
        raise ProtopactError(f"{directory}: watching needs a directory INPUT")
    try:
        return discover(directory, cwd)[0].root
    except ProtopactError:
        return directory.resolve()


class Watch:
    """Batches of edited paths under ``root``, relative to it, sorted."""

    def __init__(self, root: Path, *, stop: threading.Event | None = None) -> None:
        self.root = root
        self._batches = watchfiles.watch(root, watch_filter=_Filter(), debounce=_LONGEST_MS,
                                         step=_QUIET_MS, stop_event=stop, rust_timeout=_START_MS,
                                         yield_on_timeout=True, raise_interrupt=True)
        self._first = next(self._batches, set())

    def __iter__(self) -> Iterator[list[str]]:
        first, self._first = self._first, set()
        for batch in itertools.chain([first], self._batches):
            if batch:
                yield sorted({_relative(path, self.root) for _, path in batch})

    def close(self) -> None:
        self._batches.close()


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path
