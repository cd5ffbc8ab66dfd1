"""Cache writes done beside the command: a forked child stores a compiled image while the command
goes on with it.

Storing an image serializes it whole (60 MB for a googleapis-sized tree) and writes it: about
0.2 CPU-seconds, on the way of every cold ``breaking`` twice (each side is stored), while the second
CPU waits. A child forked at that point shares the image with the parent as it stands, so nothing is
copied or pickled. Entries are written to a temporary file and renamed (see :mod:`.cache`), so the
parent reading the cache meanwhile finds an entry whole or not at all. The block within which writes
go aside waits for every child before it ends: when the command is done, so is its cache.

A child is forked only where that is safe: with ``fork`` and a single-threaded process (a fork
copies other threads' locks, perhaps held, but not the threads). Otherwise the write is done in
place, as outside the block.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CHILDREN: ContextVar[list[int] | None] = ContextVar("aside", default=None)


@contextmanager
def writes_aside() -> Iterator[None]:
    """Within, :func:`aside` runs its task in a forked child; the block's end waits for them."""
    children: list[int] = []
    token = _CHILDREN.set(children)
    try:
        yield
    finally:
        _CHILDREN.reset(token)
        for pid in children:
            os.waitpid(pid, 0)


def aside(write: Callable[[], None]) -> None:
    """Run ``write`` (which reports no failure: a cache that cannot be written only costs speed)
    in a forked child within :func:`writes_aside`, else here."""
    children = _CHILDREN.get()
    if children is None or not hasattr(os, "fork") or threading.active_count() > 1:
        write()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        # the child writes and leaves: no finalizer, atexit handler or buffered output of the
        # parent's may run twice
        gc.disable()
        try:
            write()
        finally:
            os._exit(0)
    children.append(pid)
