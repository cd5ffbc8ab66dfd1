"""``grpc_tools.protoc`` run in process: proto files in, ``FileDescriptorSet`` bytes out.

protoc writes diagnostics to the C-level stderr, so file descriptor 2 is redirected to a temporary file
while it runs; protoc is not re-entrant, so runs are serialised. Diagnostics are returned with protoc's
disk paths rewritten to the paths the user knows (``path:line:col: message``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Callable, Sequence

from grpc_tools import protoc as _protoc

from ..errors import ProtopactError
from ..paths import bundled_proto_root

_LOCK = threading.Lock()


@cache
def well_known_root() -> Path:
    return Path(str(resources.files("grpc_tools") / "_proto"))


@cache
def googleapis_root() -> Path | None:
    """The site-packages directory holding googleapis-common-protos' ``google/api/*.proto``."""
    for entry in sys.path:
        if entry and (Path(entry) / "google" / "api" / "annotations.proto").is_file():
            return Path(entry)
    return None


def library_roots() -> list[Path]:
    """Include roots after the user's own: protopact's building blocks, googleapis, protobuf's WKT."""
    roots = [bundled_proto_root(), googleapis_root(), well_known_root()]
    return [r for r in roots if r is not None and r.is_dir()]


def run_protoc(
    include_roots: Sequence[Path], files: Sequence[str], *, shown: Callable[[str], str]
) -> bytes:
    """Compile ``files`` (import paths) and return a FileDescriptorSet with imports and source info.

    ``shown`` maps a path printed by protoc (a disk path or an import path) to the user's path.
    """
    with tempfile.TemporaryDirectory(prefix="protopact-") as tmp:
        out = Path(tmp) / "image.binpb"
        args = ["--include_imports", "--include_source_info"]
        args += [f"--proto_path={root}" for root in include_roots]
        args += [f"--descriptor_set_out={out}", *files]
        invoke_protoc(args, shown=shown)
        return out.read_bytes()


def invoke_protoc(args: Sequence[str], *, shown: Callable[[str], str] = str) -> None:
    """Run protoc with ``args`` (everything after the program name), e.g. ``--python_out`` runs.

    Raises :class:`ProtopactError` with protoc's diagnostics, paths shown as the user knows them.
    """
    with _LOCK, tempfile.TemporaryFile() as err:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(err.fileno(), 2)
        try:
            code = _protoc.main(["protoc", *args])
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        err.seek(0)
        diagnostics = err.read().decode("utf-8", "replace")
    if code != 0:
        raise ProtopactError(_rewrite(diagnostics, shown) or "protoc failed without a message")


def _rewrite(diagnostics: str, shown: Callable[[str], str]) -> str:
    lines = []
    for line in diagnostics.splitlines():
        if not line.strip() or line.startswith("warning:") or ": warning:" in line:
            continue
        head, sep, rest = line.partition(":")
        lines.append(f"{shown(head)}{sep}{rest}" if sep else line)
    return "\n".join(lines)
