"""Formatting an INPUT's target files: buf's command line over :mod:`.outlet`.

Files are compiled by protoc first (through the INPUT), so a file protoc rejects is reported as
``build`` reports it and nothing is rewritten.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path

from ..compile import refs
from ..compile.inputs import Input
from ..compile.protoc import PARALLEL_FROM
from ..errors import ProtopactError
from ..forked import beside, worth_forking
from . import FormatError, format_text
from .known import Known, digest
from .outlet import Formatted, Outcome, Outlet, discard


def split_input(text: str, paths: tuple[str, ...], *, write: bool) -> tuple[str, tuple[str, ...]]:
    """``(INPUT, paths)``: a ``.proto`` file is its directory restricted to that file. Files are
    rewritten only where they are: ``write`` is refused for a git repository or an archive."""
    if text.endswith(".proto") and Path(text).is_file():
        return str(Path(text).parent), (*paths, text)
    ref = refs.parse(text, Path.cwd())
    if write and (ref.format == "git" or ref.is_archive):
        raise ProtopactError(f"{text}: --write rewrites files where they are, so INPUT must be a "
                             "directory or a .proto file")
    return text, paths


def format_input(loaded: Input, outlet: Outlet, known: Known | None = None) -> list[Outcome]:
    """Every target file of INPUT (protoc already accepted them) formatted and handed to
    ``outlet``; contents ``known`` to be formatted are taken as they are, and those found formatted
    are added to it. Many files are formatted in two halves at once, one by a forked child: each
    half stages its own files, so only what is printed travels back."""
    jobs = [(name, loaded.workspace.root / loaded.module(name).path / name, loaded.image.shown(name))
            for name in sorted(loaded.image.targets)]
    with beside(lambda: _half(jobs[1::2], outlet, known),
                fork=worth_forking(len(jobs), PARALLEL_FROM)) as other:
        try:
            done = _half(jobs[::2], outlet, known)
        except BaseException:
            with contextlib.suppress(Exception):
                discard(other())  # the other half's staged files go too
            raise
        try:
            done += other()
        except BaseException:
            discard(done)
            raise
    if known is not None:
        known.remember({o.digest for o in done if o.digest})
    return sorted(done, key=lambda o: o.name)


def _half(jobs: list[tuple[str, Path, str]], outlet: Outlet, known: Known | None) -> list[Outcome]:
    done: list[Outcome] = []
    try:
        with _uncollected():
            for job in jobs:
                done.append(outlet.take(_formatted(*job, known)))
    except BaseException:
        discard(done)
        raise
    return done


@contextlib.contextmanager
def _uncollected() -> Iterator[None]:
    """No cyclic garbage collection within: a file's tokens and tree hold no cycles (reference
    counts free them; formatting the 7,202 files of the benchmark corpus left nothing for the
    collector), yet it ran about a thousand times per 1,800 files, 8-10% of formatting's CPU."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _formatted(name: str, path: Path, shown: str, known: Known | None) -> Formatted:
    try:
        data = path.read_bytes()
        before = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtopactError(f"{shown}: cannot read: {exc}") from None
    content = ""
    if known is not None:
        content = digest(data)
        if content in known:
            return Formatted(name, shown, path, before, before, content)
    try:
        after = format_text(before)
    except FormatError as exc:
        raise ProtopactError(f"{shown}:{exc.line}:{exc.column}: {exc}") from None
    return Formatted(name, shown, path, before, after, content if after == before else "")


