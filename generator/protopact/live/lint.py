"""``protopact lint --watch``: lint a directory, then again after every batch of edits.

Each run compiles through the cache and the incremental compile (:mod:`protopact.compile.incremental`):
the previous run's files that did not change, nor import a file that did, are reused, so after saving
one file only that file and its dependents are compiled again. Findings are printed as a one-shot lint
prints them, followed by a line on stderr saying when the run ended and what it found; an error (a
``buf.yaml`` that does not load, say) is printed and the watch goes on. Ctrl-C ends it quietly,
whenever it comes.
"""

from __future__ import annotations

import functools
import gc
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import click

from ..console import info
from ..errors import ProtopactError, report
from .changes import Watch, watched_root


def watch_lint(directory: Path, lint_once: Callable[[], int]) -> None:
    """Run ``lint_once`` (it prints the findings and returns how many) now and after each batch
    of edits under ``directory``'s workspace, until interrupted."""
    stop = threading.Event()
    watch = Watch(watched_root(directory, Path.cwd()), stop=stop)
    previous = signal.signal(signal.SIGINT, functools.partial(_interrupted, stop))
    try:
        _run(lint_once)
        info(f"watching {watch.root} for edits (Ctrl-C ends)", err=True)
        for edited in watch:
            info(f"edited: {_listed(edited)}", err=True)
            _run(lint_once)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, previous)
        watch.close()


def _interrupted(stop: threading.Event, _signal: int, _frame: FrameType | None) -> None:
    # Ctrl-C is kept before it is raised: Python prints and drops an exception raised while the
    # collector runs a finalizer (as it does between two runs), and the watch would go on; it
    # ends at its next look for edits instead.
    stop.set()
    raise KeyboardInterrupt


def _run(lint_once: Callable[[], int]) -> None:
    started = time.monotonic()
    try:
        found = lint_once()
    except ProtopactError as exc:
        click.echo(report(exc), err=True)
    else:
        took = time.monotonic() - started
        verdict = f"{found} finding{'s' * (found != 1)}" if found else "no findings"
        info(f"{time.strftime('%H:%M:%S')} lint: {verdict} ({took:.2f} s)", err=True)
    # Commands run with the cyclic collector paused (see protopact.runtime); a watch runs for
    # hours, so what each run left in cycles is collected while waiting for the next edit.
    gc.collect()


def _listed(paths: list[str], most: int = 5) -> str:
    more = len(paths) - most
    return ", ".join(paths[:most]) + (f" and {more} more" if more > 0 else "")
