"""What ``protopact --version`` reports: protopact's version, the protoc it compiles with (the one
grpcio-tools carries) and the buf release whose rule IDs, configuration files and output formats
protopact matches."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

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
