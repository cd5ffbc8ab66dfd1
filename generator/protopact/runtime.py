"""Process settings for commands that run once over a whole tree and exit."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


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

    return run
