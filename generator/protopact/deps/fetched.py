"""Dependencies that ``[tool.protopact.deps]`` takes from a git repository or an archive: their
``.proto`` files are written once under protopact's cache (:mod:`.materialize`), keyed by what
pins their content, so a later run reads them from there.

- A local git repository is pinned by the tree id of ``subdir`` at ``ref`` (asked of git, no files
  read). A remote one by the commit ``ref`` names: a full commit id as written, else asked of the
  remote (``git ls-remote``) on each run, so a moved branch or tag is followed; it is cloned only
  when that commit is not in the cache yet.
- An archive (``.tar``, ``.tar.gz``, ``.tgz``, ``.tar.bz2``, ``.tar.xz``, ``.zip``) is pinned by the
  SHA-256 of its bytes. One downloaded over ``https://`` is pinned by the ``sha256`` its entry names,
  so it is downloaded once, and refused when its bytes do not match.

Only the ``.proto`` files under ``subdir`` are written; an archive member whose path leaves the
directory (``..``, an absolute path, a link) is skipped, never written.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from ..compile import git
from ..compile.downloads import fetched
from ..compile.fetch import unpack
from ..config.depsources import DepSource
from ..errors import ProtopactError, redacted
from .local import proto_files
from .materialize import materialized
from .model import Contents, Dependency

_COMMIT = re.compile(r"^[0-9a-f]{40}$")


def git_dependency(source: DepSource) -> Dependency:
    label = source.label
    if source.path is not None:
        repo = git.GitInput(label, source.path, source.ref or "HEAD", source.subdir)
        tree = git.resolve_tree(repo)
        return _dependency(source, f"git {source.location}", source.ref or "HEAD", f"git-{tree}",
                           lambda d: git.extract_into(repo, tree, d))
    ref = source.ref or "HEAD"
    commit = ref if _COMMIT.match(ref) else git.remote_commit(source.location, ref, label)
    pin = hashlib.sha256(f"{source.location}\0{commit}\0{source.subdir}".encode()).hexdigest()
    remote = git.GitInput(label, Path(), commit, source.subdir, remote=source.location,
                          branch="" if ref in (commit, "HEAD") else ref,
                          depth=0 if ref in (commit, "HEAD") else 1)

    def fill(directory: Path) -> None:
        with git.cloned(remote) as cloned:
            git.extract_into(cloned, git.resolve_tree(cloned), directory)

    return _dependency(source, f"git {redacted(source.location)}", commit, f"git-{pin}", fill)


def archive_dependency(source: DepSource) -> Dependency:
    label = source.label
    if source.path is None:
        digest = source.sha256

        def data() -> bytes:
            return _verified(fetched(source.location, label, None), digest, label)
    else:
        try:
            content = source.path.read_bytes()
        except OSError as exc:
            raise ProtopactError(f"{label}: cannot read {source.location}: {exc.strerror}") from None
        digest = hashlib.sha256(_verified(content, source.sha256, label)).hexdigest()

        def data() -> bytes:
            return content
    pin = hashlib.sha256(f"{digest}\0{source.subdir}".encode()).hexdigest()
    return _dependency(source, f"archive {redacted(source.location)}", f"sha256:{digest}",
                       f"archive-{pin}", lambda d: unpack(data(), d, label=label, keep=_is_proto), subdir=source.subdir)


def _dependency(source: DepSource, origin: str, version: str, key: str,
                fill: Callable[[Path], None], *, subdir: str = ".") -> Dependency:
    """``fill`` writes the tree (``subdir`` of it is laid out by import path)."""
    def load() -> Contents:
        root = materialized(key, lambda d: _kept_protos(fill, subdir, d),
                            label=source.label)
        return Contents((root,), frozenset(proto_files(root)))

    return Dependency(module=source.module, origin=origin, version=version, fingerprint=key,
                      load=load)


def _kept_protos(fill: Callable[[Path], None], subdir: str, directory: Path) -> None:
    """``fill`` a scratch directory, then keep only ``subdir``'s ``.proto`` files in ``directory``."""
    scratch = directory / ".fill"
    scratch.mkdir()
    fill(scratch)
    inside = scratch / subdir
    for name, path in proto_files(inside).items() if inside.is_dir() else ():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    shutil.rmtree(scratch)


def _verified(data: bytes, expected: str, label: str) -> bytes:
    actual = hashlib.sha256(data).hexdigest()
    if expected and actual != expected:
        raise ProtopactError(f"{label}: the archive's sha256 is {actual}, not {expected} as "
                             "pyproject.toml pins it")
    return data


def _is_proto(name: str) -> bool:
    return name.endswith(".proto")
