"""Formatting an INPUT's target files with buf's command-line semantics.

By default the formatted files are printed; ``write`` rewrites them in place, ``diff`` prints a unified
diff, ``output`` writes them to a file (all files concatenated) or a directory tree. Files are compiled
by protoc first (through the INPUT), so a file protoc rejects is reported as ``build`` reports it and
nothing is rewritten.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..compile import refs
from ..compile.inputs import Input
from ..compile.protoc import PARALLEL_FROM
from ..errors import ProtopactError
from ..forked import beside, worth_forking
from ..render.writer import write_file
from . import FormatError, format_text
from .known import Known, digest


@dataclass(frozen=True)
class Formatted:
    name: str  # the import path: where the file goes under an output directory, as buf puts it
    shown: str  # the path printed in diffs
    path: Path  # the file on disk
    before: str
    after: str
    digest: str = ""  # the content's, when it is known to be formatted


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


def format_input(loaded: Input, known: Known | None = None) -> list[Formatted]:
    """Every target file of INPUT, formatted (protoc already accepted them); contents ``known``
    to be formatted are taken as they are, and those found formatted are added to it. Many files
    are formatted in two halves at once, one by a forked child."""
    jobs = [(name, loaded.workspace.root / loaded.module(name).path / name, loaded.image.shown(name))
            for name in sorted(loaded.image.targets)]
    theirs = jobs[1::2]
    with beside(lambda: [_formatted(*job, known) for job in theirs],
                fork=worth_forking(len(jobs), PARALLEL_FROM)) as other:
        done = [_formatted(*job, known) for job in jobs[::2]]
        done += other()
    if known is not None:
        known.remember({f.digest for f in done if f.digest})
    return sorted(done, key=lambda f: f.name)


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


def unified_diff(files: list[Formatted]) -> str:
    """Differences as ``buf format -d`` prints them."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000000 +0000", time.gmtime())
    chunks = []
    for f in files:
        if f.before == f.after:
            continue
        chunks.append(f"diff -u {f.shown}.orig {f.shown}\n")
        lines = difflib.unified_diff(f.before.splitlines(keepends=True), f.after.splitlines(keepends=True),
                                     f"{f.shown}.orig\t{stamp}", f"{f.shown}\t{stamp}")
        for line in lines:
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def write_output(files: list[Formatted], output: Path) -> None:
    """``-o``: a directory receives each file at its import path, anything else the files
    concatenated."""
    if output.is_dir() or len(files) > 1 and not output.suffix:
        for f in files:
            target = output / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, f.after.encode("utf-8"))
        return
    write_file(output, "".join(f.after for f in files).encode("utf-8"))


def emit(files: list[Formatted], *, write: bool, diff: bool, output: Path | None,
         echo: Callable[[str], None]) -> bool:
    """Print, diff, rewrite or write ``files`` as buf's flags ask; True when any was unformatted."""
    if diff:
        echo(unified_diff(files))
    if write:
        rewrite(files)
    elif output is not None:
        write_output(files, output)
    elif not diff:
        echo("".join(f.after for f in files))
    return any(f.before != f.after for f in files)


def rewrite(files: list[Formatted]) -> None:
    for f in files:
        if f.before != f.after:
            write_file(f.path, f.after.encode("utf-8"))
