"""Timing child processes: wall time, CPU time and the child's own peak memory, from ``os.wait4``.

``wait4`` returns the rusage of exactly the child it reaps, so ``ru_maxrss`` is that process's peak
resident set (kilobytes on Linux), unlike ``RUSAGE_CHILDREN``, which keeps the maximum over every
child ever reaped. Its CPU time (user and system) includes the processes the child waited for (a
compiler it forked), and is what a shared, loaded machine disturbs least. Output goes to files,
never pipes, so a chatty child cannot block.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    wall_s: float
    max_rss_mb: float
    exit_code: int
    cpu_s: float = float("nan")


def bytecode_compiled() -> None:
    """protopact's modules compiled to bytecode, as an installed package has them, so that every
    measured run reads it: where ``PYTHONDONTWRITEBYTECODE`` is set, an editable install would
    otherwise compile its 130-odd modules again on every run (about 0.1 to 0.25 CPU-s), a cost no
    user pays."""
    import protopact

    compileall.compile_dir(Path(protopact.__file__).parent, quiet=1)


def run_once(argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], stdout: Path, stderr: Path,
             timeout_s: float) -> Sample:
    """Run ``argv`` to completion (killed after ``timeout_s``; exit code -9 then)."""
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdout=out, stderr=err)
        timer = threading.Timer(timeout_s, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait
    return Sample(wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")
