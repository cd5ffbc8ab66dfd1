"""Replacing a directory by another in one step, on one filesystem.

A stage directory is made beside the target (same parent, so the same filesystem), filled by the
caller, and exchanged with the target by one rename: Linux's ``renameat2(RENAME_EXCHANGE)`` swaps the
two names atomically, so the target is at every moment the old tree or the new one, whatever happens
to the process. Without the exchange (other systems, filesystems that lack it) the target is renamed
aside and the stage into its place: a process killed between the two renames leaves no target and
the old tree aside, which the next run puts back.

Stages are named ``.protopact-stage-<target>-<12 hex digits>`` and locked (``flock``) while a run
uses them. Every run first removes the unlocked stages and the trees set aside that killed runs
left behind.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

_STAGE = ".protopact-stage-"
_ASIDE = ".protopact-aside-"
_TOKEN = re.compile(r"[0-9a-f]{12}")
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A new, empty, locked directory beside ``target``, for :func:`exchange`; removed afterwards
    (after an exchange it holds the old tree). Call :func:`recover` first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = target.parent / f"{_STAGE}{target.name}-{secrets.token_hex(6)}"
    stage.mkdir()
    lock = os.open(stage, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        os.close(lock)


def exchange(stage: Path, target: Path) -> None:
    """Make the tree in ``stage`` the ``target``'s in one step; the old tree is left at ``stage``."""
    if not os.path.lexists(target):
        os.rename(stage, target)
        return
    if _exchanged(stage, target):
        return
    aside = target.parent / f"{_ASIDE}{target.name}-{secrets.token_hex(6)}"
    os.rename(target, aside)
    os.rename(stage, target)
    os.rename(aside, stage)


def recover(target: Path) -> None:
    """Undo what killed runs left beside ``target``: a tree set aside goes back when the target is
    missing (else it is removed); stages nobody holds are removed."""
    try:
        names = os.listdir(target.parent)
    except FileNotFoundError:
        return
    for name in sorted(names):
        path = target.parent / name
        if _left_by(name, _ASIDE, target.name):
            if os.path.lexists(target):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.rename(path, target)
        elif _left_by(name, _STAGE, target.name) and not _held(path):
            shutil.rmtree(path, ignore_errors=True)


def _left_by(name: str, kind: str, target: str) -> bool:
    prefix = f"{kind}{target}-"
    return name.startswith(prefix) and _TOKEN.fullmatch(name[len(prefix):]) is not None


def _held(path: Path) -> bool:
    """Whether a running process holds the stage ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _exchanged(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where this system or filesystem cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


@cache
def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28+, musl 1.2.3+
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return function
