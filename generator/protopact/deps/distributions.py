"""Installed Python distributions as dependencies: pip is the registry.

A distribution serves the ``.proto`` sources it ships at their import paths (read from its
``RECORD``, so only its own files count), and for files it ships no source of, the descriptors its
generated modules embed (:mod:`.pycode`). Sources installed as data files (``<prefix>/data/``) are
laid out under the import path prefix the module's table entry names. The fingerprint is the
distribution's ``RECORD``, which lists every installed file with its hash: a reinstall that changes
any file changes it.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path, PurePosixPath

from .dist_info import Installed, installed
from .materialize import materialized
from .model import Contents, Dependency
from .pycode import GENERATED_SUFFIXES, embedded_descriptor

_DATA_DIR = "data"


def distribution_dependency(module: str, name: str, *, data_prefix: str = "",
                            library: bool = False) -> Dependency | None:
    """The installed distribution ``name`` serving ``module``, or None if it is not installed."""
    dist = installed(name)
    if dist is None:
        return None
    version = dist.version
    fingerprint = hashlib.sha256(f"{name} {version}\n{dist.record}".encode()).hexdigest()

    def load() -> Contents:
        return _contents(dist, fingerprint, data_prefix)

    return Dependency(module=module, origin=f"installed distribution {dist.name}", version=version,
                      fingerprint=fingerprint, load=load, library=library)


def _contents(dist: Installed, fingerprint: str, data_prefix: str) -> Contents:
    sources: set[str] = set()
    data_files: dict[str, Path] = {}
    generated: list[Path] = []
    for path in dist.files() or ():
        if path.endswith(".proto"):
            if not path.startswith("../"):
                sources.add(path)
            elif data_prefix:
                relative = _data_relative(dist.locate(path))
                if relative is not None:
                    data_files[f"{data_prefix}/{relative}"] = dist.locate(path)
        elif path.endswith(GENERATED_SUFFIXES) and not _has_source_beside(path, sources, dist):
            generated.append(dist.locate(path))
    roots: list[Path] = [dist.locate("")] if sources else []
    if data_files:
        roots.append(materialized(fingerprint, lambda d: _copy(data_files, d),
                                  label=f"distribution {dist.name}"))
        sources |= data_files.keys()
    descriptors: dict[str, bytes] = {}
    for module in generated:
        found = embedded_descriptor(module)
        if found is not None and found[0] not in sources:
            descriptors.setdefault(*found)
    return Contents(tuple(roots), frozenset(sources), descriptors)


def _has_source_beside(path: str, sources: set[str], dist: Installed) -> bool:
    """Whether generated module ``path`` has its ``.proto`` beside it (RECORD lists a wheel's
    files in archive order, so the source may come later: the disk is asked then)."""
    stem = path.removesuffix("_pb2.py").removesuffix("_pb.py")
    return stem + ".proto" in sources or dist.locate(stem + ".proto").is_file()


def _data_relative(path: Path) -> str | None:
    """``path`` relative to ``<prefix>/data``, for a file installed into the scheme's data dir."""
    for prefix in {sys.prefix, sys.base_prefix}:
        try:
            relative = PurePosixPath(path.resolve().relative_to(Path(prefix).resolve()).as_posix())
        except ValueError:
            continue
        if relative.parts[:1] == (_DATA_DIR,) and len(relative.parts) > 1:
            return str(relative.relative_to(_DATA_DIR))
    return None


def _copy(files: dict[str, Path], directory: Path) -> None:
    for name, source in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
