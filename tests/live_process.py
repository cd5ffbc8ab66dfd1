"""A protopact command that keeps running (``lint --watch``, ``docs --serve``), driven by a test:
its output read line by line as it comes, waited for with a deadline, and ended with Ctrl-C."""

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

PROTOPACT = str(Path(sys.executable).parent / "protopact")


class Running:
    def __init__(self, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        env.pop("PROTOPACT_DEBUG", None)  # errors as a user sees them
        self.process = subprocess.Popen([PROTOPACT, *args], cwd=cwd, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self._read_up_to = {"out": 0, "err": 0}  # per stream: lines of ``seen`` already returned
        for name, stream in (("out", self.process.stdout), ("err", self.process.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def until(self, stream: str, text: str, timeout: float = 60) -> list[str]:
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
            remaining = deadline - time.monotonic()
            try:
                self.seen.append(self.lines.get(timeout=max(remaining, 0.01)))
            except queue.Empty:
                raise AssertionError(f"no {text!r} on std{stream} within {timeout} s; "
                                     f"read so far: {self.seen}") from None

    def interrupt(self, timeout: float = 30) -> int:
        """Ctrl-C, as a terminal sends it; the exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def rest(self) -> list[tuple[str, str]]:
        """Everything read, once the process has ended."""
        time.sleep(0.2)  # the readers drain the pipes' last lines
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.seen
