"""Work beside the caller: one task computed in a forked process while the caller does another.

The child shares the parent's memory as it stood at the fork, so a large Image or view model is never
pickled; only the task's result travels back, through shared memory when there is room. A fork
happens only where it is worth it and safe: work above a size threshold, ``os.fork``,
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
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, BinaryIO, NoReturn, TypeVar

# concurrent.futures is imported only for a task on a thread: most runs start none (a one-file
# lint is under every threshold), and with multiprocessing it cost about 25 ms at start-up. A
# forked task is a plain fork and a pipe: a ProcessPoolExecutor cost another 7-10 ms to start
# (its queues, its manager thread) for the one task it ever ran.

T = TypeVar("T")

_ROOM: mmap.mmap | None = None
# The shared memory a forked task's result comes back through, pickled; only pages written are
# allocated. Through the pipe the parent reads it in 64 KiB pieces: 125 MB of stubs took about
# 0.3 s to arrive, and the parent waits for it. A larger result takes the pipe.
_ROOM_BYTES = 1 << 30


def worth_forking(size: int, threshold: int) -> bool:
    return (size >= threshold and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and threading.active_count() == 1)


@contextmanager
def beside(task: Callable[[], T], *, fork: bool) -> Iterator[Callable[[], T]]:
    """Start ``task``; the block runs meanwhile and calls the yielded function for its result."""
    global _ROOM
    if not fork:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as executor:
            yield executor.submit(task).result
        return
    _ROOM = _room()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reading)
        _run_task(task, writing)
    os.close(writing)
    pipe = os.fdopen(reading, "rb")
    try:
        yield lambda: _received(pipe)
    finally:
        pipe.close()  # a child still writing to it gets an error, not a wait
        os.waitpid(pid, 0)
        if _ROOM is not None:
            _ROOM.close()
        _ROOM = None


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
    counter = mmap.mmap(-1, 8)  # anonymous and shared with the child
    # a pipe holding one byte is the lock: who reads the byte holds it until writing it back
    taken, given = os.pipe()
    os.write(given, b"-")

    def claim() -> int:
        os.read(taken, 1)
        try:
            number = int.from_bytes(counter[:8], "little")
            counter[:8] = (number + 1).to_bytes(8, "little")
        finally:
            os.write(given, b"-")
        return number

    weakref.finalize(claim, _closed, counter, taken, given)
    return claim


def _closed(counter: mmap.mmap, *pipe: int) -> None:
    counter.close()
    for end in pipe:
        os.close(end)


def _room() -> mmap.mmap | None:
    try:
        return mmap.mmap(-1, _ROOM_BYTES)  # anonymous and shared with the child
    except (OSError, ValueError):
        return None  # no memory to promise: the pipe will do


def _run_task(task: Callable[[], Any], writing: int) -> NoReturn:
    """In the child: the task's result (or the exception it raised) through the pipe, pickled;
    a result that fits in the shared memory is written there and only its size goes through the
    pipe. The child then leaves at once (nothing of the parent's to run or flush)."""
    try:
        try:
            sent: tuple[str, Any] = ("returned", task())
            if _ROOM is not None:
                try:
                    pickle.dump(sent[1], _ROOM, pickle.HIGHEST_PROTOCOL)
                    sent = ("in room", _ROOM.tell())
                except ValueError:
                    pass  # past the end of the room
        except BaseException as exc:  # the parent raises it
            sent = ("raised", exc)
        # pickled whole before anything is written: a pickle that fails halfway leaves no part
        try:
            data = pickle.dumps(sent, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 (an exception that cannot be pickled)
            data = pickle.dumps(("raised", RuntimeError(repr(exc))), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def _received(pipe: BinaryIO) -> Any:
    try:
        kind, value = pickle.load(pipe)
    except EOFError:
        raise RuntimeError("the process working beside this one ended without a result") from None
    if kind == "raised":
        raise value
    if kind == "returned":
        return value
    assert _ROOM is not None
    with memoryview(_ROOM)[:value] as pickled:
        return pickle.loads(pickled)
