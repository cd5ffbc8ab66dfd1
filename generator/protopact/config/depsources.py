"""``[tool.protopact.deps]`` of ``pyproject.toml``: where a ``buf.yaml`` dependency comes from.

Each key is a module name as ``deps`` lists it (``buf.build/acme/shared``); each value says where its
files are, laid out by import path::

    "buf.build/acme/shared" = "vendor/shared"                       # a directory
    "buf.build/acme/common" = { git = "https://github.com/acme/common.git", ref = "v1.4.0",
                                subdir = "proto" }                   # a git repository
    "buf.build/acme/legacy" = { archive = "vendor/legacy.tar.gz", subdir = "legacy-1.0/proto" }
    "buf.build/acme/api" = "pkg:acme_api"                           # a generated protopact package

A relative path is relative to the project and must stay inside it; a path outside the project must be
written absolute. An archive downloaded over ``https://`` must name its ``sha256``: it is downloaded
once and verified. The mapping says where modules are, not which: ``buf.yaml`` still lists them.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from ..errors import ProtopactError
from .buflock import parse_deps
from .pyproject import protopact_table

_LABEL = "pyproject.toml: [tool.protopact.deps]"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[^/@:]+@[^/:]+:")  # scheme://, or git@host:path
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KINDS = ("path", "git", "archive", "package")
_OPTIONS = {"path": set(), "git": {"ref", "subdir"}, "archive": {"subdir", "sha256"},
            "package": set()}


class DepSource(NamedTuple):
    """Where one module's files are: ``kind`` is one of path, git, archive, package."""

    module: str
    kind: str
    location: str  # a directory, repository, archive (a path or a URL), or an import package name
    path: Path | None = None  # ``location`` on disk, when it is a path
    ref: str = ""  # git: a branch, a tag or a commit; HEAD when empty
    subdir: str = "."  # git, archive: the directory inside that is laid out by import path
    sha256: str = ""  # archive: the expected digest of the archive's bytes

    @property
    def label(self) -> str:
        return f"{_LABEL} {self.module!r}"


def load_dep_sources(project: Path) -> dict[str, DepSource]:
    """The mapping of ``project/pyproject.toml`` (empty without one)."""
    table = protopact_table(project) or {}
    return parse_dep_sources(table.get("deps", {}), project)


def parse_dep_sources(table: Any, project: Path) -> dict[str, DepSource]:
    if not isinstance(table, dict):
        raise ProtopactError(f"{_LABEL} must be a table")
    sources = {}
    for module, value in table.items():
        (ref,) = parse_deps([module], f"{_LABEL} key {module!r}")
        if ref.ref:
            raise ProtopactError(f"{_LABEL} key {module!r}: name the module without a label")
        sources[ref.name] = _source(ref.name, value, project)
    return sources


def _source(module: str, value: Any, project: Path) -> DepSource:
    where = f"{_LABEL} {module!r}"
    if isinstance(value, str):
        value = {"package": value[4:]} if value.startswith("pkg:") else {"path": value}
    if not isinstance(value, dict):
        raise ProtopactError(f"{where}: expected a path or a table such as {{ git = URL, ref = REF }}")
    kinds = [k for k in _KINDS if k in value]
    if len(kinds) != 1:
        raise ProtopactError(f"{where}: give exactly one of {', '.join(_KINDS)}")
    (kind,) = kinds
    unknown = sorted(set(value) - {kind} - _OPTIONS[kind])
    if unknown:
        raise ProtopactError(f"{where}: unknown key {unknown[0]!r} for a {kind} source")
    if not all(isinstance(v, str) for v in value.values()):
        raise ProtopactError(f"{where}: every value must be a string")
    location = value[kind]
    if not location:
        raise ProtopactError(f"{where}: {kind} is empty")
    if kind == "package":
        if not all(part.isidentifier() for part in location.split(".")):
            raise ProtopactError(f"{where}: {location!r} is not an importable package name")
        return DepSource(module, kind, location)
    remote = kind != "path" and _URL.match(location) is not None
    sha256 = value.get("sha256", "").lower()
    if sha256 and not _SHA256.match(sha256):
        raise ProtopactError(f"{where}: sha256 must be 64 hexadecimal digits")
    if remote and kind == "archive" and not sha256:
        raise ProtopactError(f"{where}: an archive downloaded from a URL needs its sha256")
    if remote and kind == "archive" and not location.startswith("https://"):
        raise ProtopactError(f"{where}: an archive URL must use https://")
    return DepSource(module, kind, location, None if remote else _local(location, project, where),
                     ref=value.get("ref", ""), subdir=_subdir(value.get("subdir", "."), where),
                     sha256=sha256)


def _local(text: str, project: Path, where: str) -> Path:
    """A path from config: absolute as written, else inside the project."""
    path = Path(text).expanduser()
    if path.is_absolute():
        return path
    try:
        resolved = (project / path).resolve()
    except (OSError, ValueError):
        resolved = Path("/")
    if not resolved.is_relative_to(project.resolve()):
        raise ProtopactError(f"{where}: {text!r} is outside the project; write a path outside it "
                             "as an absolute path")
    return project / path


def _subdir(text: str, where: str) -> str:
    pure = PurePosixPath(text)
    if pure.is_absolute() or ".." in pure.parts:
        raise ProtopactError(f"{where}: subdir must be a relative path inside it")
    return str(pure)
