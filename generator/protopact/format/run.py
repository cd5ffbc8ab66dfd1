"""Formatting an INPUT's target files: buf's command line over :mod:`.outlet`.

Files are compiled by protoc (through the INPUT), so a file protoc rejects is reported as ``build``
reports it and nothing is rewritten: formatting may begin beside the compile, but what it staged is
put in place only once protoc accepted every file.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from ..compile import refs
from ..compile.inputs import Input
from ..compile.protoc import PARALLEL_FROM
from ..errors import ProtopactError
from ..forked import beside, claims, worth_forking
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


# a target's import path, its path on disk, the path shown; a string, not a Path: joining two
# Paths a file cost the process that forks 0.05 CPU-s for the benchmark corpus, before the child
# could begin
Job = tuple[str, str, str]


class Formatting:
    """INPUT's target files formatted and handed to an outlet (made by ``outlet_for`` once the
    number of files is known), by this process and, when there are many, a forked child: each
    takes the next file not yet taken, so both end together however early the child began. Each
    stages its own files, so only what is printed travels back. Contents ``known`` to be formatted
    are taken as they are, and those found formatted are added to it.

    The child can begin as soon as the targets are listed (:meth:`start`, the hook of
    :func:`..compile.inputs.listed`), so that it formats beside protoc's compile, and this process
    joins it once the compile is done. What the child staged is used only once the compile
    accepted every file and gave the same targets (:meth:`run`); otherwise it is discarded, as it
    is when the block ends by an error."""

    def __init__(self, outlet_for: Callable[[int], Outlet], known: Known | None, *,
                 paths: tuple[str, ...] = (), exclude_paths: tuple[str, ...] = ()) -> None:
        self.outlet_for, self.known = outlet_for, known
        self.paths, self.exclude_paths = paths, exclude_paths
        self.started: _Started | None = None
        self.texts: Mapping[str, bytes] = {}  # by import path, as read by the listing
        self.stack = contextlib.ExitStack()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self._abandon()
        self.stack.close()

    def start(self, listed: Input) -> None:
        """The child begun on the targets of ``listed``, before they are compiled."""
        # the texts protoc compiles, read once (7,202 files of the benchmark corpus: 0.2 CPU-s)
        self.texts = listed.texts
        jobs = self._jobs(listed)
        if worth_forking(len(jobs), PARALLEL_FROM):
            self.started = self._child(jobs, fork=True)

    def run(self, loaded: Input) -> tuple[Outlet, list[Outcome]]:
        """Every target of ``loaded`` (protoc accepted them) formatted, in name order, and the
        outlet that took them."""
        jobs = self._jobs(loaded)
        if self.started is not None and self.started.jobs != jobs:
            self._abandon()
        if self.started is None:
            self.started = self._child(jobs, fork=worth_forking(len(jobs), PARALLEL_FROM))
        started = self.started
        try:
            done = _taken(jobs, started.take, started.outlet, self.known, self.texts)
        except BaseException:
            self._abandon()  # the child's staged files go too
            raise
        self.started = None
        try:
            done += started.other()
        except BaseException:
            discard(done)
            started.outlet.withdraw()  # the child failed: the directories made for it go too
            raise
        if self.known is not None:
            self.known.remember({o.digest for o in done if o.digest})
        return started.outlet, sorted(done, key=lambda o: o.name)

    def _jobs(self, loaded: Input) -> list[Job]:
        if self.paths or self.exclude_paths:
            loaded = loaded.restricted(self.paths, self.exclude_paths)
        roots: dict[str, str] = {}  # by module path

        def root(name: str) -> str:
            module = loaded.module(name).path
            if module not in roots:
                roots[module] = str(loaded.workspace.root / module)
            return roots[module]

        return [(name, os.path.join(root(name), name), loaded.image.shown(name))
                for name in sorted(loaded.image.targets)]

    def _child(self, jobs: list[Job], *, fork: bool) -> _Started:
        outlet, known, texts = self.outlet_for(len(jobs)), self.known, self.texts
        outlet.prepare(name for name, _, _ in jobs)  # before the fork: both know what is made
        take = claims(fork)
        other = self.stack.enter_context(beside(lambda: _taken(jobs, take, outlet, known, texts),
                                                fork=fork))
        return _Started(jobs, outlet, take, other)

    def _abandon(self) -> None:
        """The child stopped (every file left is taken from it) and waited for, and its staged
        files removed with the output directories made for it; it is closed before another begins
        (one task at a time goes beside)."""
        if self.started is not None:
            started, self.started = self.started, None
            while started.take() < len(started.jobs):
                pass
            with contextlib.suppress(Exception):
                discard(started.other())
            self.stack.close()
            started.outlet.withdraw()


@dataclass(frozen=True)
class _Started:
    jobs: list[Job]
    outlet: Outlet
    take: Callable[[], int]  # the index of the next job not yet taken
    other: Callable[[], list[Outcome]]  # the child's outcomes, once it is done


def _taken(jobs: list[Job], take: Callable[[], int], outlet: Outlet, known: Known | None,
           texts: Mapping[str, bytes]) -> list[Outcome]:
    """The jobs this process takes, one at a time, until none is left; a file's text is taken
    from ``texts`` (by import path) where it is, else read."""
    done: list[Outcome] = []
    outlet.make()  # by the child, beside the compile; this process finds it done when it joins
    try:
        with _uncollected():
            while (index := take()) < len(jobs):
                name, path, shown = jobs[index]
                done.append(outlet.take(_formatted(name, path, shown, known, texts.get(name))))
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


def _formatted(name: str, path: str, shown: str, known: Known | None,
               data: bytes | None) -> Formatted:
    try:
        if data is None:
            data = Path(path).read_bytes()
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


