"""Finding the workspace of a directory input and listing its modules' ``.proto`` files.

A listing is a pure description (module, import path, content digest) that comes either from a
directory on disk or from git objects, so the cache key can be computed before anything is compiled
or extracted.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from ..config.bufyaml import Module, Workspace, read_config, within
from ..config.controlling import Found, controlling
from ..errors import ProtopactError


class ListedFile(NamedTuple):  # a tuple: made for each file of a tree, thrice as fast
    module: str  # module path, relative to the workspace root
    name: str  # import path, relative to the module root
    digest: str  # the content's git blob id (see blob_id)

    @property
    def workspace_path(self) -> str:
        return self.name if self.module == "." else f"{self.module}/{self.name}"


def discover(directory: Path, cwd: Path, *,
             boundary: Path | None = None) -> tuple[Workspace, PurePosixPath]:
    """The workspace controlling ``directory`` (see :mod:`..config.controlling`) and the
    directory's path inside it.

    Configs are looked for in the directory, then in its parents up to ``boundary`` (a tree's
    root), else up to the filesystem root, as buf looks for them (a v1 ``buf.yaml`` only up to
    ``cwd``); ``cwd`` is what config names are shown relative to.
    """
    directory = directory.resolve()
    top = boundary.resolve() if boundary is not None else Path(directory.anchor)
    here = cwd.resolve()
    v1_within = here.relative_to(top).as_posix() if here in (directory, *directory.parents) \
        and here.is_relative_to(top) else "."

    def read(relative: str, names: tuple[str, ...]) -> Found | None:
        for name in names:
            path = top / relative / name
            if path.is_file():
                return read_config(path, _shown(path, cwd)), _shown(path, cwd), path
        return None

    workspace, _, inside = controlling(read, directory.relative_to(top).as_posix(), top,
                                       v1_within)
    return workspace, PurePosixPath(inside)


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)


def check_modules(workspace: Workspace) -> None:
    """Modules may nest only where the outer one excludes the inner one, as buf requires."""
    for outer in workspace.modules:
        for inner in workspace.modules:
            if inner is outer or not within(inner.path, outer.path):
                continue
            if not _excluded(inner.path, outer.excludes):
                label = workspace.config_file or "buf.yaml"
                raise ProtopactError(
                    f"{label}: module {inner.path!r} is inside module {outer.path!r},"
                    " which does not exclude it"
                )


def targets_for(workspace: Workspace, inside: PurePosixPath) -> list[Module]:
    """The modules whose files are targets when the input is ``inside`` the workspace root: the
    innermost module holding it, else the modules inside it."""
    path = str(inside)
    if path == ".":
        return list(workspace.modules)
    holding = [m for m in workspace.modules if within(path, m.path)]
    if holding:
        return [max(holding, key=lambda m: 0 if m.path == "." else len(m.path))]
    inner = [m for m in workspace.modules if within(m.path, path)]
    if inner:
        return inner
    label = workspace.config_file or "buf.yaml"
    raise ProtopactError(f"{label}: {inside} is not within any module of this workspace")


def _excluded(path: str, excludes: Iterable[str]) -> bool:
    return any(within(path, e) for e in excludes)


def blob_id(content: bytes) -> str:
    """The id git gives ``content`` (as a blob, SHA-1 object format). A file on disk and the same
    file in a git revision get the same digest, so a compile of the one serves the other where they
    agree: ``breaking --against .git#branch=main`` compiles only the files that differ from main."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def file_digest(path: str, shown: str) -> str:
    return blob_id(read_source(path, shown))


# a file found: its module path, import path, path on disk and path in the workspace
_Found = tuple[str, str, str, str]


def list_directory(workspace: Workspace, digest: Callable[[str, str], str] = file_digest,
                   walked: Callable[[list[ListedFile]], None] | None = None) -> list[ListedFile]:
    """Every ``.proto`` file of every module on disk, hidden directories and excludes skipped;
    ``digest(path, shown)`` gives a file's :func:`blob_id` (see :mod:`.digests`). In each
    directory its files come first, then its subdirectories, each in name order. The files are
    found first, then digested: ``walked`` is given them in between (their digests empty)."""
    found: list[_Found] = []
    for module in workspace.modules:
        module_dir = workspace.root / module.path
        if not module_dir.is_dir():
            label = workspace.config_file or workspace.root
            raise ProtopactError(f"{label}: module directory {module.path!r} does not exist")
        _walk(os.fspath(module_dir), module_dir.relative_to(workspace.root).as_posix(), module,
              set(), found)
    if walked is not None:
        walked([ListedFile(module, name, "") for module, name, _, _ in found])
    return [ListedFile(module, name, digest(path, rel)) for module, name, path, rel in found]


def _walk(directory: str, rel_dir: str, module: Module, linked: set[Path],
          files: list[_Found]) -> None:
    """The files under ``directory`` (``rel_dir`` in the workspace) appended to ``files``. One
    ``scandir`` per directory tells files from directories and links without a ``stat`` each, and
    names are joined as strings: ``os.walk``'s generators, a ``join`` and an ``islink`` per entry
    were half of the listing's time. As ``os.walk``, a directory that cannot be read is skipped,
    and whatever is not a directory (a FIFO, a broken link) is a file, refused when read."""
    try:
        with os.scandir(directory) as scanned:
            entries = sorted(scanned, key=lambda entry: entry.name)
    except OSError:
        return
    subdirectories = []
    excludes = module.excludes
    cut = 0 if module.path == "." else len(module.path) + 1
    for entry in entries:
        try:
            is_dir = entry.is_dir()  # a symbolic link is followed, as buf follows them
        except OSError:
            is_dir = False
        name = entry.name
        rel = _join(rel_dir, name)
        if is_dir:
            if not name.startswith(".") and not (excludes and _excluded(rel, excludes)):
                subdirectories.append((entry, rel))
        elif name.endswith(".proto") and not (excludes and _excluded(rel, excludes)):
            files.append((module.path, rel[cut:], entry.path, rel))
    kept = []
    for entry, rel in subdirectories:
        # a linked directory is walked once, and a link back into its own ancestors not at all;
        # a directory's links are all taken before any is walked (a link below one of them to
        # the same place is then the one left out)
        if entry.is_symlink():
            real = Path(entry.path).resolve()
            if real in linked or Path(directory).resolve().is_relative_to(real):
                continue
            linked.add(real)
        kept.append((entry.path, rel))
    for path, rel in kept:
        _walk(path, rel, module, linked, files)


def read_source(path: str | Path, shown: str, st: os.stat_result | None = None) -> bytes:
    """A ``.proto`` file's bytes. Only a regular file (or a link to one) is read: a FIFO would
    block the read for ever and a device such as ``/dev/zero`` never end it. Read with plain
    ``os`` calls: a tree's files are read by the thousand, and a ``Path`` and a buffered file
    object each cost more than the read (a third of the time). ``st`` is the file's stat when the
    caller has just taken it (the listing's, for its cache): one ``stat`` a file fewer."""
    try:
        if st is None:
            st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise ProtopactError(f"{shown}: not a regular file ({_kind(st.st_mode)}); only "
                                 "regular .proto files are read")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            # the size known saves the reads that grow a buffer, and, when the read returns just
            # that many bytes, the read that finds the end; a file grown since is read whole
            first = os.read(fd, st.st_size + 1)
            if len(first) == st.st_size:
                return first
            parts = [first]
            while parts[-1]:
                parts.append(os.read(fd, 1 << 16))
        finally:
            os.close(fd)
        return b"".join(parts)
    except OSError as exc:
        raise ProtopactError(f"{shown}: cannot read file: {exc.strerror}") from None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"


def _join(directory: str, name: str) -> str:
    return name if directory in (".", "") else f"{directory}/{name}"


def check_unique(files: Iterable[ListedFile]) -> None:
    seen: dict[str, ListedFile] = {}
    for f in files:
        other = seen.setdefault(f.name, f)
        if other is not f:
            raise ProtopactError(
                f"{f.workspace_path}: {f.name} is also defined by {other.workspace_path}"
                " (two modules may not contain the same import path)"
            )
