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

A fork is not free: after it, the first write to each page the two processes share costs the
writer a copy of the page (copy-on-write; about 8 µs a page here, where a write that is not shared
costs 1), and the command's reference counts write to every object it reads. A write whose data
the command reads on to its end (the lint findings it prints) goes :func:`later` instead: done by
this process at the block's end, once the command's output is out. A command that reads on every
descriptor of its image while a child would store it (lint: digests, package graph, groupings,
findings) opens a block that forks no child: its other writes are done in place.
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
_LATER: ContextVar[list[Callable[[], None]] | None] = ContextVar("later", default=None)


@contextmanager
def writes_aside(*, fork: bool = True) -> Iterator[None]:
    """Within, :func:`aside` runs its task in a forked child (in place without ``fork``) and
    :func:`later` at the block's end; the block's end waits for them."""
    children: list[int] = []
    deferred: list[Callable[[], None]] = []
    tokens = _CHILDREN.set(children if fork else None), _LATER.set(deferred)
    try:
        yield
    finally:
        _CHILDREN.reset(tokens[0])
        _LATER.reset(tokens[1])
        for write in deferred:
            write()
        for pid in children:
            os.waitpid(pid, 0)


def later(write: Callable[[], None]) -> None:
    """Run ``write`` (which reports no failure) at the end of :func:`writes_aside`'s block, in
    this process, else here."""
    deferred = _LATER.get()
    if deferred is None:
        write()
    else:
        deferred.append(write)


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
