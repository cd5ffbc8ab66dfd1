"""Writing generated trees: replaced in one step, manifest-tracked, never through a link, never over a
file someone else wrote.

Guarantees:
- The output directory is replaced in one step (:mod:`protopact.dirswap`): the new tree is built
  whole beside it (new and changed files written, every other entry of the old tree hard-linked, so
  unchanged files, the user's own files and links carry over as they are), then exchanged with it.
  Whatever happens to the process, the output is the old tree or the new one.
- ``.protopact-manifest.json`` lists every file the generator wrote, with its digest. A file listed
  there but no longer generated is removed, unless it was edited since; a file the generator did not
  write is never changed or removed. Anything else standing where a generated file goes (a file
  someone wrote, a link, a directory) is refused, naming it, unless ``force``.
- Links below the output directory are never followed: a link is an entry like any other, carried
  over as itself; nothing is read, written or removed through it.
- Output is deterministic: the manifest is sorted and carries no timestamps.
- A run that renders only some subdirectories (``scope``) leaves the rest of the tree, and its
  manifest entries, as they were.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import posixpath
import shutil
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..dirswap import exchange, recover, staged
from ..errors import ProtopactError
from ..writes import write_bytes, write_fd

MANIFEST = ".protopact-manifest.json"
# Creating and filling a file is kernel time (about 0.1 ms) with the GIL released, so threads in
# separate directories overlap it: 19,000 files took a fifth less in the generate pipeline, half
# alone. Below this many files one thread will do.
_THREADED_FROM = 1000
_DIRECTORY, _FILE = "directory", "file"  # what _scan finds; "link" and "special file" besides


@dataclass(frozen=True)
class TreeChanges:
    """What writing (or checking) a tree changes, as paths relative to the output directory."""

    written: tuple[str, ...]  # new or different files
    removed: tuple[str, ...]  # files generated before and not any more
    kept: tuple[str, ...]  # files generated before, edited since: left in place
    replaced: tuple[str, ...] = ()  # someone else's entries where generated files go (--force)

    @property
    def differs(self) -> tuple[str, ...]:
        return tuple(sorted(self.written + self.removed))


def write_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (a temporary file beside it, then a rename)."""
    tmp = stage_file(path, data)
    try:
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProtopactError(f"{path}: cannot write: {exc.strerror}") from None


def stage_file(path: Path, data: bytes) -> Path:
    """A temporary file beside ``path`` holding ``data``, to be renamed over it. It takes the mode
    of the file it replaces: a rewritten file keeps who may read and write it, as one rewritten
    in place would. Written with ``os.open``/``os.write`` and named from a counter: ``open()``'s
    buffering and tty checks and a random name per file cost five system calls a file, which a
    ``format -o`` of 7,000 files paid 7,000 times."""
    while True:
        tmp = temporary_name(path)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue  # someone else's file of that name: never written over
        except OSError as exc:
            raise ProtopactError(f"{path}: cannot write: {exc.strerror}") from None
        break
    try:
        try:
            write_fd(fd, data)
            try:
                os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))
            except FileNotFoundError:
                pass  # a new file: the umask's mode
        finally:
            os.close(fd)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProtopactError(f"{path}: cannot write: {exc.strerror}") from None
    return tmp


_staged = itertools.count()


def temporary_name(path: Path) -> Path:
    """A hidden name beside ``path``, by this process and a counter: another process's never."""
    return path.with_name(f".{path.name}.{os.getpid()}-{next(_staged)}.tmp")


@dataclass(frozen=True)
class _Plan:
    old: dict[str, str]  # every entry under the output, parents first: relative path -> kind
    changes: TreeChanges
    blocked: tuple[str, ...]  # someone else's entries where generated files go
    manifest: bytes  # the new manifest


def plan_tree(out: Path, files: Mapping[str, bytes], *,
              scope: Sequence[str] | None = None) -> TreeChanges:
    """Compare ``files`` (relative POSIX path -> content) with the tree under ``out`` (only its
    subdirectories ``scope``, when given); someone else's file where a generated one goes counts
    as a difference."""
    plan = _plan(_root(out), files, _digests(files), scope)
    return plan.changes


def write_tree(out: Path, files: Mapping[str, bytes], *, force: bool = False,
               scope: Sequence[str] | None = None) -> TreeChanges:
    """Make ``out`` (only its subdirectories ``scope``, when given) hold ``files``; see the module
    docstring for what is guaranteed."""
    root = _root(out)
    try:
        recover(root)  # what a killed run left, even when nothing changes now
        with ThreadPoolExecutor(1) as hashing:
            # The manifest's digests are computed beside comparing, which waits on the kernel:
            # hashing 19,000 files took a quarter of a second on its own.
            digests = hashing.submit(_digests, files)
            plan = _plan(root, files, digests.result, scope)
        if plan.blocked and not force:
            raise ProtopactError(_refusal(out, plan.blocked))
        changes = plan.changes
        if not changes.written and not changes.removed:
            return changes
        with staged(root) as stage:
            _build(stage, root, plan, files)
            exchange(stage, root)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise ProtopactError(f"{out}: cannot write the generated tree: {exc.strerror or exc}{where}"
                             ) from None
    return changes


def _root(out: Path) -> Path:
    """The directory to replace: ``out`` itself, or where it links to (the user's choice)."""
    root = Path(os.path.realpath(out)) if os.path.islink(out) else out
    if os.path.lexists(root) and not root.is_dir():
        raise ProtopactError(f"{out}: not a directory; the output must be a directory")
    return root


def _refusal(out: Path, blocked: Sequence[str]) -> str:
    shown = ", ".join((out / name).as_posix() for name in blocked[:5])
    more = f" and {len(blocked) - 5} more" if len(blocked) > 5 else ""
    return (f"{shown}{more}: not written by protopact (not in {MANIFEST}) but where generated "
            "output goes; move it away, or pass --force to replace it")


def _plan(root: Path, files: Mapping[str, bytes], digests: Callable[[], dict[str, str]] |
          dict[str, str], scope: Sequence[str] | None = None) -> _Plan:
    for name in files:
        if not _is_safe(name):
            raise ValueError(f"generated path {name!r} is not a relative path inside the output")
    clash = files.keys() & {p for name in files for p in _parents(name)}
    if clash:
        raise ValueError(f"generated path {min(clash)!r} is both a file and a directory")
    old = _scan(root)
    previous = _previous(root) if old.get(MANIFEST) == _FILE else {}
    written: list[str] = []
    blocked: list[str] = []
    for name, data in files.items():
        in_the_way = [p for p in _parents(name) if old.get(p, _DIRECTORY) != _DIRECTORY]
        kind = old.get(name)
        if in_the_way:
            blocked += (p for p in in_the_way if not _ours(root, p, old, previous))
            written.append(name)
        elif kind is None:
            written.append(name)
        elif kind != _FILE:
            blocked.append(name)
            written.append(name)
        elif _read(root / name) != data:
            if name not in previous:
                blocked.append(name)
            written.append(name)
    removed: list[str] = []
    kept: list[str] = []
    outside = {name: digest for name, digest in previous.items()
               if scope is not None and not any(_under(name, s) for s in scope)}
    for name, digest in sorted(previous.items()):
        if name not in files and name not in outside and old.get(name) == _FILE:
            (removed if _digest((root / name).read_bytes()) == digest else kept).append(name)
    manifest = _manifest_json({**outside, **(digests() if callable(digests) else digests)})
    if old.get(MANIFEST) != _FILE or _read(root / MANIFEST) != manifest:
        written.append(MANIFEST)
    refused = tuple(sorted(set(blocked)))
    changes = TreeChanges(tuple(sorted(written)), tuple(removed), tuple(kept), refused)
    return _Plan(old, changes, refused, manifest)


def _ours(root: Path, name: str, old: Mapping[str, str], previous: Mapping[str, str]) -> bool:
    """Whether the entry ``name`` is a file protopact wrote there and nobody edited since."""
    return old.get(name) == _FILE and name in previous and \
        _digest((root / name).read_bytes()) == previous[name]


def _build(stage: Path, root: Path, plan: _Plan, files: Mapping[str, bytes]) -> None:
    """The new tree in ``stage``: the old tree's entries that stay, linked, and the written files."""
    changes = plan.changes
    gone = set(changes.written) | set(changes.removed) | set(changes.replaced)
    gone |= {p for name in changes.written for p in _parents(name)
             if plan.old.get(p, _DIRECTORY) != _DIRECTORY}
    carried = [n for n in plan.old if n not in gone and not any(p in gone for p in _parents(n))]
    directories = _kept_directories(plan.old, carried, changes.written)
    if root.is_dir():
        os.chmod(stage, stat.S_IMODE(os.stat(root).st_mode))
    for name in directories:
        os.mkdir(stage / name)
        os.chmod(stage / name, stat.S_IMODE(os.lstat(root / name).st_mode))
    _each(lambda name: _carry(root / name, stage / name),
          [n for n in carried if plan.old[n] != _DIRECTORY])
    new = {n: files[n] for n in changes.written if n != MANIFEST}
    _make_directories(stage, new)
    base = str(stage)
    _each(lambda name: write_bytes(os.path.join(base, name), new[name]), list(new))
    write_bytes(stage / MANIFEST, plan.manifest)


def _kept_directories(old: Mapping[str, str], carried: Sequence[str],
                      written: Iterable[str]) -> list[str]:
    """The old tree's directories that stay, parents first: those that will hold something, and
    those that held nothing before (someone made them empty); one emptied by removing generated
    files goes."""
    had = {p for name in old for p in _parents(name)}
    holding = {p for name in carried if old[name] != _DIRECTORY for p in _parents(name)}
    holding |= {p for name in written for p in _parents(name)}
    kept = {n for n in carried if old[n] == _DIRECTORY and (n in holding or n not in had)}
    kept |= {p for name in kept for p in _parents(name)}
    return [n for n in carried if n in kept]


def _carry(source: Path, target: Path) -> None:
    """``source`` into the new tree as it is: a hard link (a link's own, not its target's), else
    a copy where the filesystem or its protections refuse a link."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif stat.S_ISREG(os.lstat(source).st_mode):
            shutil.copy2(source, target, follow_symlinks=False)
        else:
            raise


def _scan(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (none when it is missing), parents before their entries, without
    following links."""
    found: dict[str, str] = {}
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            listing = os.scandir(os.path.join(root, relative) if relative else root)
        except FileNotFoundError:
            continue
        with listing:
            for entry in listing:
                name = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_symlink():
                    found[name] = "link"
                elif entry.is_dir(follow_symlinks=False):
                    found[name] = _DIRECTORY
                    pending.append(name)
                elif entry.is_file(follow_symlinks=False):
                    found[name] = _FILE
                else:
                    found[name] = "special file"
    return found


def _under(name: str, directory: str) -> bool:
    return name.startswith(f"{directory}/")


def _parents(name: str) -> list[str]:
    """``a``, ``a/b`` for ``a/b/c``."""
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _each(action: Callable[[str], None], names: Sequence[str]) -> None:
    """``action`` on every name, on a thread per CPU for large trees. Each thread takes a run of
    consecutive names, so that threads seldom work in the same directory (whose lock they share)."""
    workers = min(os.cpu_count() or 1, 4) if len(names) >= _THREADED_FROM else 1
    if workers == 1:
        for name in names:
            action(name)
        return
    size = -(-len(names) // workers)

    def run(start: int) -> None:
        for name in names[start:start + size]:
            action(name)

    with ThreadPoolExecutor(workers) as pool:
        for done in [pool.submit(run, start) for start in range(0, len(names), size)]:
            done.result()


def _make_directories(root: Path, names: Iterable[str]) -> None:
    """Each parent directory of ``names`` under ``root``, created once."""
    for directory in sorted({posixpath.dirname(n) for n in names} - {""}):
        os.makedirs(os.path.join(root, directory), exist_ok=True)


def _digests(files: Mapping[str, bytes]) -> dict[str, str]:
    return {n: _digest(d) for n, d in files.items()}


def _manifest_json(digests: Mapping[str, str]) -> bytes:
    body = {"generator": "protopact", "files": dict(sorted(digests.items()))}
    return (json.dumps(body, indent=2) + "\n").encode()


def _previous(out: Path) -> dict[str, str]:
    """The files listed in the manifest under ``out``; none when it is missing or unreadable."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        listed = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(listed, dict):
        return {}
    safe = {}
    for name, digest in listed.items():
        if isinstance(name, str) and isinstance(digest, str) and _is_safe(name):
            safe[name] = digest
    return safe


def _is_safe(name: str) -> bool:
    """A plain relative path inside the output (a manifest is data on disk: nothing else is
    honoured)."""
    parts = name.split("/")
    return all(p not in ("", ".", "..") for p in parts) and "\\" not in name and "\0" not in name \
        and name != MANIFEST


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
