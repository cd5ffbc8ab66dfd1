"""``protopact generate`` without a template: render the chosen targets, then check or write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..compile.image import Image
from ..config.settings import Settings
from ..console import info
from ..errors import ProtopactError
from .targets import TARGETS, render_all, renderers
from .writer import plan_tree, write_tree


def generate(image: Image, settings: Settings, directory: Path, *, targets: Sequence[str],
             check: bool, force: bool, echo: Callable[..., None]) -> None:
    """Write (or with ``check``, compare) ``targets`` (all when empty) under ``directory``; the
    other targets' files are left as they are."""
    chosen = tuple(targets) or TARGETS
    scope = [r.subdirectory for r in renderers(chosen)] if targets else None
    files = render_all(image, settings, chosen, progress=True)
    if check:
        stale = plan_tree(directory, files, scope=scope).differs
        for name in stale:
            echo(f"{(directory / name).as_posix()}: out of date", err=True)
        if stale:
            raise ProtopactError(f"{len(stale)} generated files differ; run `protopact generate`")
        return
    changes = write_tree(directory, files, force=force, scope=scope)
    info(f"{directory.as_posix()}: {len(files)} files, {len(changes.written)} written, "
         f"{len(changes.removed)} removed")
    for name in changes.kept:
        echo(f"{(directory / name).as_posix()}: no longer generated, kept: edited since it was "
             "written", err=True)
