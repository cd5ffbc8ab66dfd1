"""Compiling a listed workspace into an Image, through the cache.

The cache key covers every module file (targets may import any of them), the toolchain's versions
and what each dependency resolved to (:mod:`protopact.deps`: protopact's own building blocks and the
libraries included), so a hit never needs the files on disk: a git baseline that is already cached
is not even extracted, and no dependency is read.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

from .. import __version__
from ..config.bufyaml import Module, Workspace
from ..deps import resolve
from ..deps.missing import explained
from ..errors import ProtopactError
from .cache import Cache, cache_key
from .columns import to_buf_columns
from .image import Image, decode_files
from .protoc import run_protoc
from .workspace import ListedFile, check_unique, read_source


@cache
def _toolchain() -> dict[str, str]:
    # "columns": images hold buf's source columns (see .columns); older entries hold protoc's.
    # "deps": imports come from the dependency resolver (protoc reads some as descriptors).
    versions = {"protopact": __version__, "columns": "buf", "imports": "deps"}
    for dist in ("grpcio-tools", "protobuf"):
        versions[dist] = metadata.version(dist)
    return versions


def compile_listing(
    *,
    workspace: Workspace,
    files: Sequence[ListedFile],
    target_modules: Sequence[Module],
    within: str,
    cache_: Cache,
    materialize: Callable[[], AbstractContextManager[Path]] | None = None,
    shown: Callable[[ListedFile], str],
    label: str,
    project: Path | None = None,
) -> Image:
    """Compile the files of ``target_modules`` found under ``within`` (a workspace-relative path).

    ``materialize`` yields a directory holding the workspace on disk (default: ``workspace.root``);
    ``project``'s ``pyproject.toml`` may say where dependencies come from.
    """
    check_unique(files)
    module_paths = {m.path for m in target_modules}
    targets = [f for f in files if f.module in module_paths and _under(f.workspace_path, within)]
    if not targets:
        raise ProtopactError(f"{label}: no .proto files found")
    shown_paths = {f.name: shown(f) for f in files}
    resolution = resolve(workspace, project)
    key = cache_key(
        {
            "toolchain": _toolchain(),
            "deps": resolution.fingerprint(),
            "modules": [m.path for m in workspace.modules],
            "files": [[f.module, f.name, f.digest] for f in files],
            "targets": [f.name for f in targets],
        }
    )
    cached = cache_.get(key)
    if cached is not None:
        return Image(cached.files, cached.targets, shown_paths, cached.encoded)
    with (materialize or (lambda: nullcontext(workspace.root)))() as root:
        sources = {f.name: _read_utf8(root / f.workspace_path, shown_paths[f.name]) for f in targets}
        module_roots = [root / m.path for m in workspace.modules]
        include = resolution.include_path(module_roots)
        disk_to_shown = {str(root / f.workspace_path): shown_paths[f.name] for f in files}
        try:
            data = run_protoc(
                include,
                [f.name for f in targets],
                shown=lambda p: disk_to_shown.get(p) or shown_paths.get(p, p),
                sizes=[len(sources[f.name]) for f in targets],
                descriptor_set=resolution.descriptor_set(beside=frozenset(shown_paths)),
            )
        except ProtopactError as exc:
            raise explained(exc, resolution, workspace) from None
        compiled, _, encoded = decode_files(data)
        for file in compiled:
            source = sources.get(file.name) or _source_of(file.name, include)
            if source is not None and to_buf_columns(file, source):
                del encoded[file.name]
    image = Image(tuple(compiled), frozenset(f.name for f in targets), shown_paths, encoded)
    cache_.put(key, image)
    return image


def _under(path: str, within: str) -> bool:
    return within == "." or path == within or path.startswith(within.rstrip("/") + "/")


def _source_of(name: str, include: Sequence[Path]) -> bytes | None:
    """The text protoc compiled for an imported file: the first include root that has it."""
    for root in include:
        path = root / name
        if path.is_file():
            return path.read_bytes()
    return None


def _read_utf8(path: Path, shown: str) -> bytes:
    data = read_source(path, shown)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ProtopactError(f"{shown}:{line}:{column}: invalid UTF-8 encoding") from None
    return data
