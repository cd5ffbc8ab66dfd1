"""buf's own module cache as a dependency source: a machine where buf ran once needs no network.

buf (1.32 and later) keeps each module it downloaded under
``$BUF_CACHE_DIR/v3/modules/DIGEST_TYPE/REGISTRY/OWNER/NAME/COMMIT/`` (default cache directory:
``$XDG_CACHE_HOME/buf``, else ``~/.cache/buf``; ``~/Library/Caches/buf`` on macOS,
``%LocalAppData%\\buf`` on Windows), ``DIGEST_TYPE`` being ``b5`` or, for modules pinned by v1 locks,
``shake256``, and ``COMMIT`` the dashless commit id of ``buf.lock``. There ``module.yaml`` (written
last, so a half-written entry has none) names the directory of the module's files (``files_dir``),
the dependencies its digest covers (``deps``: name, commit, digest) and, for a module made with a v1
``buf.yaml``, where that file and its ``buf.lock`` are kept (``v1_buf_yaml_file``,
``v1_buf_lock_file``).

A module is found by the commit and digest type ``buf.lock`` pins, and served only after its digest,
recomputed from the files (:mod:`.bufdigest`), equals the pinned one, as buf does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath
from typing import Any

from ..config.buflock import LockedDep
from ..config.yamlparse import YamlError, parsed
from ..errors import ProtopactError
from .bufdigest import B4, B5, b4_digest, b5_digest, digest_type, module_files
from .model import Contents, Dependency

_MODULE_INFO = "module.yaml"


def buf_cache_dir() -> Path:
    """Where buf keeps its cache, as buf finds it."""
    configured = os.environ.get("BUF_CACHE_DIR")
    if configured:
        return Path(configured)
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "buf"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "buf"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "buf"


def cached_dependency(pin: LockedDep, cache_dir: Path) -> Dependency | None:
    """The module ``pin`` names as buf cached it, or None when buf's cache does not hold it."""
    kind = digest_type(pin.digest)
    registry, _, rest = pin.name.partition("/")
    if kind not in (B5, B4) or not pin.commit or "/" not in rest:
        return None
    entry = cache_dir / "v3" / "modules" / kind / registry / rest / pin.commit
    info = _module_info(entry)
    if info is None:
        return None
    return Dependency(module=pin.name, origin=f"buf cache {entry}", version=pin.digest,
                      fingerprint=pin.digest, load=lambda: _verified(pin, entry, info))


def _module_info(entry: Path) -> dict[str, Any] | None:
    """``module.yaml`` of a complete, readable entry (buf evicts any other and downloads again)."""
    try:
        info = parsed((entry / _MODULE_INFO).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlError):
        return None
    if not isinstance(info, dict) or info.get("version") != "v1":
        return None
    paths = [info.get(k) for k in ("files_dir", "v1_buf_yaml_file", "v1_buf_lock_file")]
    if not isinstance(info.get("files_dir"), str) or not all(
            p is None or isinstance(p, str) and _inside(p) for p in paths):
        return None
    deps = info.get("deps") or []
    if not isinstance(deps, list) or not all(isinstance(d, dict) and isinstance(d.get("digest"), str)
                                             for d in deps):
        return None
    return info


def _inside(path: str) -> bool:
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts


def _verified(pin: LockedDep, entry: Path, info: dict[str, Any]) -> Contents:
    root = entry / info["files_dir"]
    try:
        paths = module_files(root)
        files = {name: path.read_bytes() for name, path in paths.items()}
        if digest_type(pin.digest) == B5:
            actual = b5_digest(files, (d["digest"] for d in info.get("deps") or []))
        else:
            configs = {PurePosixPath(info[k]).name: (entry / info[k]).read_bytes()
                       for k in ("v1_buf_yaml_file", "v1_buf_lock_file") if info.get(k)}
            actual = b4_digest(files, configs)
    except OSError as exc:
        raise ProtopactError(f"{pin.name}: cannot read buf's cache at {entry}: "
                             f"{exc.strerror or exc}") from None
    if actual != pin.digest:
        raise ProtopactError(
            f"{pin.name}: buf's cache at {entry} does not match buf.lock: it pins {_short(pin.digest)}"
            f", the cached files digest to {_short(actual)} (run `buf registry cc` to clear the cache)")
    return Contents((root,), frozenset(n for n in files if n.endswith(".proto")))


def _short(digest: str) -> str:
    kind, _, value = digest.partition(":")
    return f"{kind}:{value[:16]}..."
