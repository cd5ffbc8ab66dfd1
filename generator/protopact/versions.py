"""What ``protopact --version`` reports: protopact's version, the protoc it compiles with (the one
grpcio-tools carries) and the buf release whose rule IDs, configuration files and output formats
protopact matches."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import __version__

BUF_COMPATIBLE = "1.75"


def protoc_version() -> str:
    """protoc's own answer to --version ("libprotoc 35.1" -> "35.1"): it is printed by the C++
    on file descriptor 1, so it is asked in a child process."""
    done = subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "--version"],
                          capture_output=True, text=True, check=False)
    words = done.stdout.split()
    return words[-1] if done.returncode == 0 and words else "unknown"


def version_lines() -> list[str]:
    try:
        tools = f" (grpcio-tools {version('grpcio-tools')})"
    except PackageNotFoundError:
        tools = ""
    return [f"protopact {__version__}", f"protoc {protoc_version()}{tools}",
            f"buf {BUF_COMPATIBLE} compatible (rule IDs, buf.yaml, buf.gen.yaml, error formats)"]


@cache
def code_stamp() -> str:
    """A digest of the size and time of every source file of protopact: an edited install changes
    what it computes without changing its version, so the cached compiles and lint findings it
    made are not used."""
    root = Path(__file__).resolve().parent
    stats = []
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        stats.append(f"{path.relative_to(root).as_posix()}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\0".join(stats).encode()).hexdigest()
