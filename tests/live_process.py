"""A protopact command that keeps running (``lint --watch``, ``docs --serve``), driven by a test:
its output read line by line as it comes, waited for with a deadline, and ended with Ctrl-C.
A process that outlives a deadline is made to print where each of its threads stands (Python's
fault handler, on SIGABRT), and the failure shows it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from .conftest import WAIT

PROTOPACT = str(Path(sys.executable).parent / "protopact")


def save(path: Path, text: str) -> None:
    """Write ``path`` as an editor saves it: a new file renamed over the old one, so that a watcher
    never sees it half written."""
    new = path.with_name(f".{path.name}.saving")
    new.write_text(text)
    new.replace(path)


class Running:
    def __init__(self, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1", **(env or {})}
        env.pop("PROTOPACT_DEBUG", None)  # errors as a user sees them
        self.process = subprocess.Popen([PROTOPACT, *args], cwd=cwd, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self._read_up_to = {"out": 0, "err": 0}  # per stream: lines of ``seen`` already returned
        self._readers = [threading.Thread(target=self._read, args=(name, stream), daemon=True)
                         for name, stream in (("out", self.process.stdout),
                                              ("err", self.process.stderr))]
        for reader in self._readers:
            reader.start()

    def _read(self, name: str, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def until(self, stream: str, text: str, timeout: float = WAIT) -> list[str]:
        """The lines of ``stream`` after those returned before, up to the first holding ``text``
        (the two streams are read apart: their lines may arrive in either order)."""
        deadline = time.monotonic() + timeout
        index = self._read_up_to[stream]
        while True:
            while index < len(self.seen):
                name, line = self.seen[index]
                index += 1
                if name == stream and text in line:
                    start, self._read_up_to[stream] = self._read_up_to[stream], index
                    return [s for n, s in self.seen[start:index] if n == stream]
            try:
                self.seen.append(self.lines.get(timeout=max(deadline - time.monotonic(), 0.01)))
            except queue.Empty:
                raise AssertionError(f"no {text!r} on std{stream} within {timeout} s; read so "
                                     f"far: {self.seen}{self._stacks()}") from None

    def interrupt(self, timeout: float = WAIT) -> int:
        """Ctrl-C, as a terminal sends it; the exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running {timeout} s after Ctrl-C{self._stacks()}"
                                 ) from None
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def rest(self) -> list[tuple[str, str]]:
        """Everything read, once the process has ended."""
        self.process.wait()
        for reader in self._readers:  # they end at the end of their pipe
            reader.join(WAIT)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.seen

    def _stacks(self) -> str:
        """Where the process's threads stand, for a failure's message (it ends the process)."""
        if self.process.poll() is not None:
            return f"; it had ended with {self.process.returncode}"
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        start = len(self.seen)
        self.process.send_signal(signal.SIGABRT)
        try:
            self.process.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.stop()
        return "; its threads:\n" + "\n".join(line for name, line in self.rest()[start:]
                                                if name == "err")
