"""Which workspace controls an input directory, decided as buf decides it.

From the input directory up to the root of what is read (the working directory, an archive's root,
a repository's root), the first directory whose config claims the input controls it: a v2
``buf.yaml`` whose modules hold the input or lie inside it, or a ``buf.work.yaml`` whose
directories hold it (either one in the input directory itself). A v1 ``buf.yaml`` on the way claims
nothing unless no v2 or workspace config does: then the nearest v1 one is the input's module
(v1beta1 only in the input directory itself). So ``repo.git#subdir=proto`` is read with the
``buf.yaml`` at the repository's root when that one lists ``proto`` as a module, and a v1
``buf.yaml`` inside ``proto`` is then ignored, as buf ignores it.

The tree is read through ``read(directory, names)``: the text of the first of ``names`` in
``directory`` (relative to the root), the name to show it under, and its path on disk when it has
one; or None.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ..errors import ProtopactError
from .buflock import LOCK_NAME
from .bufyaml import (
    CONFIG_NAMES,
    WORK_NAMES,
    Workspace,
    default_workspace,
    parse_work,
    parse_workspace,
    within,
)

Found = tuple[str, str, Path | None]
Reader = Callable[[str, tuple[str, ...]], Found | None]


def controlling(read: Reader, input_dir: str, root: Path,
                v1_within: str = ".") -> tuple[Workspace, str, str]:
    """The workspace controlling ``input_dir`` (relative to ``root``), the directory it is in
    and the input's path inside it. A v1 ``buf.yaml`` counts only in ``v1_within`` or below (buf
    looks for one above a directory input only up to the working directory)."""
    prefixes = _upwards(input_dir)
    v1: dict[str, Workspace] = {}
    for prefix in prefixes:
        inside = _relative(input_dir, prefix)
        config, work = read(prefix, CONFIG_NAMES), read(prefix, WORK_NAMES)
        if config is not None and work is not None:
            raise ProtopactError(f"{config[1]}: a buf.yaml and a buf.work.yaml cannot be in the "
                                 "same directory")
        if config is not None:
            workspace = _load(read, prefix, config, root)
            if workspace.version != "v2":
                if within(prefix, v1_within):
                    v1.setdefault(prefix, workspace)
            elif inside == "." or any(within(inside, m.path) or within(m.path, inside)
                                      for m in workspace.modules):
                return workspace, prefix, inside
        if work is not None:
            workspace = _load(read, prefix, work, root, work=True)
            if inside == "." or any(within(inside, d) for d in workspace.config_dirs):
                return workspace, prefix, inside
    for prefix, workspace in v1.items():
        if workspace.version == "v1":
            return workspace, prefix, _relative(input_dir, prefix)
    if input_dir in v1:
        return v1[input_dir], input_dir, "."
    return default_workspace(root / input_dir), input_dir, "."


def _load(read: Reader, prefix: str, found: Found, root: Path, *, work: bool = False) -> Workspace:
    text, label, path = found

    def beside(directory: str, names: tuple[str, ...]) -> tuple[str, str] | None:
        near = read(_join(prefix, directory), names)
        return None if near is None else near[:2]

    if work:
        workspace = parse_work(text, root=root / prefix, config_file=path, label=label,
                               module_config=lambda d: beside(d, CONFIG_NAMES))
    else:
        workspace = parse_workspace(text, root=root / prefix, config_file=path, label=label)
    return workspace.with_locks(lambda d: beside(d, (LOCK_NAME,)))


def _upwards(directory: str) -> list[str]:
    """``directory`` and each of its parents, up to ``.``."""
    path = PurePosixPath(directory)
    return [p.as_posix() for p in (path, *path.parents)] if directory != "." else ["."]


def _relative(path: str, prefix: str) -> str:
    return PurePosixPath(path).relative_to(prefix).as_posix()


def _join(directory: str, name: str) -> str:
    return name if directory == "." else directory if name == "." else f"{directory}/{name}"
