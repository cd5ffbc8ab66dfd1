"""Process settings for commands that run once over a whole tree and exit."""

from __future__ import annotations

import functools
import gc
import os
import sys
import threading
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_finished: list[bool] = []  # holds True once a one-shot command has ended (see leave)


def one_shot(command: Callable[P, R]) -> Callable[P, R]:
    """Run ``command`` without the cyclic garbage collector (not for servers, which run for long).

    A large tree makes millions of long-lived objects (descriptors, walks, findings) and few cycles:
    the collector's passes over them free next to nothing, and cost a tenth of a lint run, a third
    of a docs build, and a full pass more when the interpreter exits. So the collector is paused,
    and what is still alive at the end is frozen out of its sight; reference counting frees the rest.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if enabled:
                gc.freeze()
                gc.enable()
            _finished.append(True)

    return run


def leave(status: int | str | None) -> NoReturn:
    """End the process as ``sys.exit(status)`` does. After a one-shot command, once its output is
    flushed, without the interpreter's teardown: that frees the tree's objects one by one (about
    0.06 s after a lint of the scale-1 benchmark corpus) only for the process to end. Where
    anything may still need the teardown (a thread, a child process, a command that serves, an
    output that cannot be flushed, a status that is a message, a profiler or a coverage tracer
    that writes its data at exit), the interpreter ends as usual."""
    if _finished and (status is None or isinstance(status, int)) \
            and sys.getprofile() is None and sys.gettrace() is None \
            and threading.active_count() == 1 and not _has_children():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # the usual exit reports it
        else:
            os._exit(status or 0)
    sys.exit(status)


def _has_children() -> bool:
    """Whether this process has a child, running or not yet waited for."""
    if not hasattr(os, "WNOHANG"):
        return True
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return True
