"""What protopact says besides its results, and how it looks on a terminal.

``-q/--quiet`` silences the informational lines (summaries, the addresses a server listens on);
results, findings, warnings and errors are always printed. Long runs draw a rich progress bar on
stderr, only when stderr is a terminal and not quiet, and gone when the run ends; rich leaves colour
out when ``NO_COLOR`` is set (https://no-color.org).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

import click

T = TypeVar("T")
_quiet = False


def set_quiet(quiet: bool) -> None:
    global _quiet
    _quiet = quiet


def info(text: str, *, err: bool = False) -> None:
    """Print an informational line, unless quiet."""
    if not _quiet:
        click.echo(text, err=err)


def tracked(items: Iterable[T], label: str) -> Iterator[T]:
    """Yield ``items``, advancing a progress bar labelled ``label`` on a terminal."""
    items = list(items)
    if _quiet or len(items) < 2:
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield from items
        return
    columns = (TextColumn("[bold blue]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)
