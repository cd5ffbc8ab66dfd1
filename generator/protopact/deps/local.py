"""Dependencies already on this machine that ``[tool.protopact.deps]`` points at: a directory laid
out by import path, or an installed generated protopact package, whose embedded image serves the
upstream contract's files as descriptors.

A directory's fingerprint is the digest of its ``.proto`` files (as a workspace's own files are
keyed); a package's is the digest of its embedded image.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

from ..compile.image import image_from_bytes
from ..config.depsources import DepSource
from ..errors import ProtopactError
from .model import Contents, Dependency

EMBEDDED_IMAGE = "descriptor_set.binpb"


def directory_dependency(source: DepSource) -> Dependency:
    root = source.path
    assert root is not None
    if not root.is_dir():
        raise ProtopactError(f"{source.label}: {source.location!r} is not a directory")
    files = proto_files(root)
    digest = hashlib.sha256()
    for name, path in sorted(files.items()):
        try:
            digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            raise ProtopactError(f"{source.label}: cannot read {path}: {exc.strerror}") from None
    return Dependency(module=source.module, origin=f"directory {source.location}", version="",
                      fingerprint=digest.hexdigest(),
                      load=lambda: Contents((root,), frozenset(files)))


def proto_files(root: Path) -> dict[str, Path]:
    """The ``.proto`` files under ``root`` by import path, hidden directories skipped."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in filenames:
            if filename.endswith(".proto"):
                path = Path(dirpath, filename)
                found[path.relative_to(root).as_posix()] = path
    return found


def embedded_image(package: str) -> Path | None:
    """The image a generated package embeds, or None when no such package is installed."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / EMBEDDED_IMAGE
        if candidate.is_file():
            return candidate
    return None


def package_dependency(source: DepSource) -> Dependency:
    path = embedded_image(source.location)
    if path is None:
        raise ProtopactError(f"{source.label}: no installed generated package "
                             f"{source.location!r} (with an embedded {EMBEDDED_IMAGE})")
    data = path.read_bytes()

    def load() -> Contents:
        image = image_from_bytes(data, label=str(path))
        return Contents(descriptors=dict(image.encoded))

    return Dependency(module=source.module, origin=f"generated package {source.location}",
                      version="", fingerprint=hashlib.sha256(data).hexdigest(), load=load)
