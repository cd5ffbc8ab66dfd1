"""Where formatted files go, with ``buf format``'s command-line semantics.

By default the formatted files are printed; ``write`` rewrites the unformatted ones in place, ``diff``
prints a unified diff, ``output`` writes them to a file (all files concatenated) or a directory tree.
Each file is handed over (:meth:`Outlet.take`) in the process that formatted it: files bound for
disk are staged there, beside their targets, and only what is printed travels back. An output
tree's missing directories are found by the process that forks (:meth:`Outlet.prepare`), which so
knows what a failure removes, and made by each process before it stages a file
(:meth:`Outlet.make`): the first makes them, the other finds them made. Nothing is replaced until
every file is formatted (:meth:`Outlet.finish`); a failure discards what was staged.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import posixpath
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ProtopactError
from ..render.writer import stage_file, temporary_name, write_file
from ..writes import write_fd


@dataclass(frozen=True)
class Formatted:
    name: str  # the import path: where the file goes under an output directory, as buf puts it
    shown: str  # the path printed in diffs
    path: str  # the file on disk
    before: str
    after: str
    digest: str = ""  # the content's, when it is known to be formatted


@dataclass(frozen=True)
class Outcome:
    """What is left of a formatted file once handed over."""
    name: str
    changed: bool
    diff: str  # its part of the unified diff, when one is printed
    after: str  # its formatted text, when printed or concatenated
    # (temporary file, where it goes), when written to disk; strings, not paths: a child's
    # outcomes travel back pickled, and 5,000 pairs of paths took 0.1 CPU-s to unpickle, in the
    # parent after both processes are done
    staged: tuple[str, str] | None
    digest: str


class Outlet:
    def __init__(self, *, write: bool, diff: bool, output: Path | None, count: int) -> None:
        self.write, self.diff, self.output = write, diff, output
        self.tree = output is not None and (output.is_dir() or count > 1 and not output.suffix)
        self.texts = not write and (output is None and not diff or output is not None and not self.tree)
        self.stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000000 +0000", time.gmtime())
        self.made: list[Path] = []  # the directories prepare found missing, parents first
        # an output tree that did not exist is built whole under this name beside it, then
        # renamed: no file in it is renamed one by one (7,202 renames for the benchmark corpus,
        # the last step, which the other CPU cannot share) or needs a temporary name
        self.staging: Path | None = None

    def prepare(self, names: Iterable[str]) -> None:
        """The directories of an output tree where files ``names`` go that do not exist yet,
        noted (parents first) for :meth:`make`. Looking costs a ``stat`` a directory at most;
        making them costs far more (the 641 of the benchmark corpus, 0.14-0.34 CPU-s of system
        time), which the forked child pays beside the compile, not this process before it forks.
        An output that does not exist is built whole under another name (:attr:`staging`), each
        file directly under its own. Files rewritten in place need none: each is where it was
        read."""
        if not self.tree or self.output is None:
            return
        directories: set[str] = set()  # relative to the output; "" is the output itself
        for name in names:
            directory = posixpath.dirname(name)
            while directory not in directories:
                directories.add(directory)
                directory = posixpath.dirname(directory)
        if not os.path.lexists(self.output):
            self.staging = _free_name(self.output)
            self.made = [self.staging / directory for directory in sorted(directories)]
            return
        missing: set[str] = set()
        for directory in sorted(directories):  # a parent sorts before its children
            path = self.output / directory
            if posixpath.dirname(directory) in missing or not path.is_dir():
                missing.add(directory)
                self.made.append(path)

    def make(self) -> None:
        """The directories :meth:`prepare` found missing made, parents first, so each ``mkdir``
        finds its parent: a fresh tree costs one call a directory, and finding them made again
        (the second process) a fortieth of that."""
        for path in self.made:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ProtopactError(f"{path}: cannot write: {exc.strerror}") from None

    def withdraw(self) -> None:
        """The directories :meth:`prepare` found missing removed again, children first, where
        nothing was put in them: a format that fails (protoc rejected a file) leaves no trace in the output."""
        for path in reversed(self.made):
            with contextlib.suppress(OSError):  # not empty: a file was put in place there
                path.rmdir()
        self.made = []

    def take(self, f: Formatted) -> Outcome:
        changed = f.before != f.after
        staged = None
        if self.staging is not None and self.output is not None:
            target = os.path.join(self.output, f.name)
            staged = (_written(os.path.join(self.staging, f.name), f.after.encode("utf-8"),
                               target), target)
        elif self.tree and self.output is not None or self.write and changed:
            path = self.output / f.name if self.tree and self.output is not None else Path(f.path)
            staged = (str(stage_file(path, f.after.encode("utf-8"))), str(path))
        return Outcome(f.name, changed, file_diff(f, self.stamp) if self.diff and changed else "",
                       f.after if self.texts else "", staged, f.digest)

    def finish(self, done: list[Outcome], echo: Callable[[str], None]) -> bool:
        """Print or write ``done`` (in their order); True when any was unformatted."""
        try:
            if self.diff:
                echo("".join(o.diff for o in done))
            for temporary, target in self._moves(done):
                try:
                    os.replace(temporary, target)
                except OSError as exc:
                    raise ProtopactError(f"{target}: cannot write: {exc.strerror}") from None
        except BaseException:
            discard(done)
            self.withdraw()
            raise
        if self.texts and self.output is not None:
            write_file(self.output, "".join(o.after for o in done).encode("utf-8"))
        elif self.texts:
            echo("".join(o.after for o in done))
        return any(o.changed for o in done)

    def _moves(self, done: list[Outcome]) -> list[tuple[str, str]]:
        """What is renamed to put ``done`` in place: the tree built whole, else each file."""
        if self.staging is not None and self.output is not None:
            return [(str(self.staging), str(self.output))]
        return [o.staged for o in done if o.staged is not None]


def _free_name(output: Path) -> Path:
    """A hidden name beside ``output`` that nothing holds."""
    while os.path.lexists(path := temporary_name(output)):
        pass
    return path


def _written(path: str, data: bytes, target: str) -> str:
    """``path``, a new file holding ``data``, bound for ``target`` (named in an error). A write
    that fails takes its file away again, so the tree it was for can be withdrawn whole."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise ProtopactError(f"{target}: cannot write: {exc.strerror}") from None
    try:
        try:
            write_fd(fd, data)
        finally:
            os.close(fd)
    except OSError as exc:
        os.unlink(path)
        raise ProtopactError(f"{target}: cannot write: {exc.strerror}") from None
    return path


def discard(done: Iterable[Outcome]) -> None:
    """Remove the files staged for ``done`` (those not yet in place)."""
    for o in done:
        if o.staged is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(o.staged[0])


def file_diff(f: Formatted, stamp: str) -> str:
    """One file's part of the differences as ``buf format -d`` prints them."""
    chunks = [f"diff -u {f.shown}.orig {f.shown}\n"]
    lines = difflib.unified_diff(f.before.splitlines(keepends=True), f.after.splitlines(keepends=True),
                                 f"{f.shown}.orig\t{stamp}", f"{f.shown}\t{stamp}")
    for line in lines:
        chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)
