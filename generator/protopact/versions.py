"""What ``protopact --version`` reports: protopact's version, the protoc it compiles with (the one
grpcio-tools carries) and the buf release whose rule IDs, configuration files and output formats
protopact matches."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from . import __version__

BUF_COMPATIBLE = "1.75"


def protoc_version() -> str:
    """protoc's own answer to --version ("libprotoc 35.1" -> "35.1"): it is printed by the C++
    on file descriptor 1, so it is asked in a child process."""
    # imported here: only --version needs it, and every compile imports this module for code_stamp
    import subprocess

    done = subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "--version"],
                          capture_output=True, text=True, check=False)
    words = done.stdout.split()
    return words[-1] if done.returncode == 0 and words else "unknown"


def version_lines() -> list[str]:
    tools = f"(grpcio-tools {grpcio_tools()})"
    return [f"protopact {__version__}", f"protoc {protoc_version()} {tools}",
            f"buf {BUF_COMPATIBLE} compatible (rule IDs, buf.yaml, buf.gen.yaml, error formats)"]


def protobuf() -> str:
    """The installed protobuf's version, as its metadata gives it (read from the package: the
    metadata reader and its ``email`` parser cost some 20 ms to import)."""
    from google.protobuf import __version__ as version

    return version


def grpcio_tools() -> str:
    """The installed grpcio-tools' version, as its metadata gives it (see :func:`protobuf`)."""
    from grpc_tools.grpc_version import VERSION

    return VERSION


@cache
def code_stamp() -> str:
    """A digest of the size and time of every source file of protopact: an edited install changes
    what it computes without changing its version, so the cached compiles and lint findings it
    made are not used."""
    stats = [f"{'/'.join(parts)}:{st.st_size}:{st.st_mtime_ns}"
             for parts, st in sorted(_python_files(Path(__file__).resolve().parent, ()))]
    return hashlib.sha256("\0".join(stats).encode()).hexdigest()


def _python_files(directory: Path | str, parts: tuple[str, ...],
                  ) -> Iterator[tuple[tuple[str, ...], os.stat_result]]:
    """Each ``*.py`` under ``directory`` as ``rglob`` finds them (into no linked directory), by
    its path's parts: listed with ``scandir``, a third of the time ``rglob`` took on every run."""
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                yield (*parts, entry.name), entry.stat()
            if entry.is_dir() and not entry.is_symlink():
                yield from _python_files(entry.path, (*parts, entry.name))
