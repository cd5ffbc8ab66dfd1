"""Directories that dependencies are laid out in, by import path, under protopact's cache.

Some sources do not sit where protoc can read them by import path (a ``.proto`` installed as a data
file, a git tree, an archive). They are written once into ``$PROTOPACT_CACHE_DIR/deps/KEY``, where
``KEY`` is the content's fingerprint, so the directory never needs refreshing: a changed source has
another key. A directory is written beside its final place and renamed into it, so a killed run
leaves no half-written tree that a later run would trust.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..compile.cache import default_cache_dir
from ..errors import ProtopactError


def materialized(key: str, fill: Callable[[Path], None], *, label: str) -> Path:
    """The directory for ``key``, filled by ``fill(directory)`` the first time."""
    target = default_cache_dir() / "deps" / key
    if target.is_dir():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tmp-"))
    except OSError as exc:
        raise ProtopactError(f"{label}: cannot write {target.parent}: {exc.strerror}") from None
    try:
        fill(staging)
        os.rename(staging, target)
    except OSError:
        if not target.is_dir():  # another run may have renamed its copy into place first
            raise ProtopactError(f"{label}: cannot write {target}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
