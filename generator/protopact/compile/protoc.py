"""``grpc_tools.protoc`` run in process: proto files in, ``FileDescriptorSet`` bytes out.

protoc writes diagnostics to the C-level stderr, so file descriptor 2 is redirected to a temporary file
while it runs; protoc is not re-entrant, so runs are serialised. Diagnostics are returned with protoc's
disk paths rewritten to the paths the user knows (``path:line:col: message``).
"""

from __future__ import annotations

import os
import subprocess
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
from .image import files_not_in

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


@cache
def library_files() -> frozenset[str]:
    """Import paths of every ``.proto`` file under the library roots."""
    return frozenset(path.relative_to(root).as_posix() for root in library_roots()
                     for path in root.rglob("*.proto"))


# Below this many files a second protoc process costs more than it saves.
PARALLEL_FROM = 200


def run_protoc(
    include_roots: Sequence[Path], files: Sequence[str], *, shown: Callable[[str], str],
    sizes: Sequence[int],
) -> bytes:
    """Compile ``files`` (import paths) and return a FileDescriptorSet with imports and source info.

    ``shown`` maps a path printed by protoc (a disk path or an import path) to the user's path.
    Large builds are split in two halves compiled at once: the second by ``python -m
    grpc_tools.protoc`` in a new process (a fork could inherit gRPC's threads), the first in process.
    The halves hold about the same amount of source (``sizes``, in bytes, one per file), not the
    same number of files: on googleapis the files of equal halves differ fourfold in size.
    """
    with tempfile.TemporaryDirectory(prefix="protopact-") as tmp:
        out = Path(tmp) / "image.binpb"
        if len(files) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            invoke_protoc(_compile_args(include_roots, files, out), shown=shown)
            return out.read_bytes()
        middle = _middle(sizes)
        second_out = Path(tmp) / "second.binpb"
        helper = subprocess.Popen(
            [sys.executable, "-m", "grpc_tools.protoc",
             *_compile_args(include_roots, files[middle:], second_out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            invoke_protoc(_compile_args(include_roots, files[:middle], out), shown=shown)
        finally:
            _, errors = helper.communicate()
        if helper.returncode != 0:
            raise ProtopactError(_rewrite(errors.decode("utf-8", "replace"), shown)
                                 or "protoc failed without a message")
        return _merged(out.read_bytes(), second_out.read_bytes())


def _middle(sizes: Sequence[int]) -> int:
    """How many files the first half takes: those up to half of the total size (at least one,
    and never all)."""
    half, total = sum(sizes) / 2, 0
    for index, size in enumerate(sizes):
        total += size
        if total >= half:
            return min(index + 1, len(sizes) - 1)
    raise ValueError("no files to split")


def _compile_args(include_roots: Sequence[Path], files: Sequence[str], out: Path) -> list[str]:
    args = ["--include_imports", "--include_source_info"]
    args += [f"--proto_path={root}" for root in include_roots]
    return [*args, f"--descriptor_set_out={out}", *files]


def _merged(first: bytes, second: bytes) -> bytes:
    """Two runs' sets as one run would write it. protoc lists each input after the imports it has
    not listed yet, so the first run's files followed by the second's new ones is exactly the order
    of a single run over both halves."""
    return first + files_not_in(second, first)


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
