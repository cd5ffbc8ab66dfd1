"""Work beside the caller: one task computed in a forked process while the caller does another.

The child shares the parent's memory as it stood at the fork, so a large Image or view model is never
pickled; only the task's result travels back. A fork happens only where it is worth it and safe:
work above a size threshold, a ``fork`` start method, more than one CPU, and a single-threaded
process (a fork copies other threads' locks, perhaps held, but not the threads). Otherwise the task
runs on a thread of this process, which still overlaps code that releases the GIL (protoc).
Either way the result is the same.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_TASK: Callable[[], Any] | None = None


def worth_forking(size: int, threshold: int) -> bool:
    return (size >= threshold and "fork" in multiprocessing.get_all_start_methods()
            and (os.cpu_count() or 1) > 1 and threading.active_count() == 1)


@contextmanager
def beside(task: Callable[[], T], *, fork: bool) -> Iterator[Callable[[], T]]:
    """Start ``task``; the block runs meanwhile and calls the yielded function for its result."""
    global _TASK
    executor: Executor
    if fork:
        _TASK = task
        executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    else:
        executor = ThreadPoolExecutor(1)
    try:
        with executor:
            future = executor.submit(_run_task if fork else task)
            yield future.result
    finally:
        _TASK = None


def _run_task() -> Any:
    assert _TASK is not None
    return _TASK()
