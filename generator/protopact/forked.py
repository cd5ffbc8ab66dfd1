"""Work beside the caller: one task computed in a forked process while the caller does another.

The child shares the parent's memory as it stood at the fork, so a large Image or view model is never
pickled; only the task's result travels back, through shared memory when there is room. A fork
happens only where it is worth it and safe: work above a size threshold, a ``fork`` start method,
more than one CPU, and a single-threaded process (a fork copies other threads' locks, perhaps held,
but not the threads). Otherwise the task runs on a thread of this process: the same result, and an
overlap only where the caller releases the GIL (grpc_tools' protoc holds it while it runs).
"""

from __future__ import annotations

import itertools
import mmap
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor

# multiprocessing and concurrent.futures are imported where a task is started: most runs start
# none (a one-file lint is under every threshold), and the two cost about 15 ms at start-up.

T = TypeVar("T")

_TASK: Callable[[], Any] | None = None
_ROOM: mmap.mmap | None = None
# The shared memory a forked task's result comes back through, pickled; only pages written are
# allocated. Through the pipe the parent reads it in 64 KiB pieces: 125 MB of stubs took about
# 0.3 s to arrive, and the parent waits for it. A larger result takes the pipe.
_ROOM_BYTES = 1 << 30


def worth_forking(size: int, threshold: int) -> bool:
    if size < threshold:
        return False
    import multiprocessing

    return ("fork" in multiprocessing.get_all_start_methods()
            and (os.cpu_count() or 1) > 1 and threading.active_count() == 1)


@contextmanager
def beside(task: Callable[[], T], *, fork: bool) -> Iterator[Callable[[], T]]:
    """Start ``task``; the block runs meanwhile and calls the yielded function for its result."""
    global _TASK, _ROOM
    executor: Executor
    if fork:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _TASK, _ROOM = task, _room()
        executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    else:
        from concurrent.futures import ThreadPoolExecutor

        executor = ThreadPoolExecutor(1)
    try:
        with executor:
            if fork:
                returned = executor.submit(_run_task)
                yield lambda: _received(returned.result())
            else:
                yield executor.submit(task).result
    finally:
        if _ROOM is not None:
            _ROOM.close()
        _TASK = _ROOM = None


def shared(tasks: Sequence[Callable[[], T]], *, fork: bool,
           mine: Sequence[Callable[[], T]] = (), theirs: Sequence[Callable[[], T]] = (),
           ) -> list[T]:
    """Every task's result, in the order of ``mine``, ``theirs`` and ``tasks``, computed by this
    process and one beside it (see :func:`beside`): this one runs ``mine`` and the other
    ``theirs`` (tasks that read what the same side's others read), then each takes the next of
    ``tasks`` as it finishes one. Tasks whose costs differ widely and cannot be told in advance so
    end at about the same time in both."""
    take = claims(fork)
    first = len(mine) + len(theirs)
    every = [*mine, *theirs, *tasks]

    def run(own: range) -> dict[int, T]:
        done = {index: every[index]() for index in own}
        while (index := take()) < len(tasks):
            done[first + index] = tasks[index]()
        return done

    with beside(lambda: run(range(len(mine), first)), fork=fork) as other:
        results = run(range(len(mine)))
        results.update(other())
    return [results[i] for i in range(len(every))]


def claims(fork: bool) -> Callable[[], int]:
    """A counter both sides of :func:`beside` draw from (0, 1, 2, ...; no number twice): in
    memory a forked child shares, else in this process."""
    if not fork:
        return itertools.count().__next__  # one step under the GIL: no number is drawn twice
    import multiprocessing

    counter = multiprocessing.get_context("fork").Value("q", 0)

    def claim() -> int:
        with counter.get_lock():
            counter.value += 1
            return int(counter.value) - 1

    return claim


def _room() -> mmap.mmap | None:
    try:
        return mmap.mmap(-1, _ROOM_BYTES)  # anonymous and shared with the child
    except (OSError, ValueError):
        return None  # no memory to promise: the pipe will do


def _run_task() -> tuple[int, Any]:
    """In the child: the task's result, written to the shared memory when it fits (its size is
    returned), else returned as it is (size -1)."""
    assert _TASK is not None
    result = _TASK()
    if _ROOM is not None:
        try:
            pickle.dump(result, _ROOM, pickle.HIGHEST_PROTOCOL)
            return _ROOM.tell(), None
        except ValueError:
            pass  # past the end of the room
    return -1, result


def _received(returned: tuple[int, Any]) -> Any:
    size, result = returned
    if size < 0:
        return result
    assert _ROOM is not None
    with memoryview(_ROOM)[:size] as pickled:
        return pickle.loads(pickled)
