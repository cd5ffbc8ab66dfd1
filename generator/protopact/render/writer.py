"""Writing generated trees: atomic, manifest-tracked, and checkable without writing.

Guarantees:
- A file is replaced whole (written beside its target, then renamed), never half-written.
- A tree is first staged completely in a temporary directory beside the output; only then are files
  moved in one by one. A run that fails while rendering or staging leaves the previous tree intact.
- ``.protopact-manifest.json`` lists every file the generator wrote, with its digest. A file listed
  there but no longer generated is removed, unless it was edited since; a file the generator did not
  write is never touched.
- Output is deterministic: the manifest is sorted and carries no timestamps.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import secrets
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import ProtopactError
from ..writes import write_bytes

MANIFEST = ".protopact-manifest.json"
# Creating and filling a file is kernel time (about 0.1 ms) with the GIL released, so threads in
# separate directories overlap it: 19,000 files took a fifth less in the generate pipeline, half
# alone. Below this many files one thread will do.
_THREADED_FROM = 1000


@dataclass(frozen=True)
class TreeChanges:
    """What writing (or checking) a tree changes, as paths relative to the output directory."""

    written: tuple[str, ...]  # new or different files
    removed: tuple[str, ...]  # files generated before and not any more
    kept: tuple[str, ...]  # files generated before, edited since: left in place

    @property
    def differs(self) -> tuple[str, ...]:
        return tuple(sorted(self.written + self.removed))


def write_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (a temporary file beside it, then a rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write_bytes(tmp, data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProtopactError(f"{path}: cannot write: {exc.strerror}") from None


def plan_tree(out: Path, files: Mapping[str, bytes]) -> TreeChanges:
    """Compare ``files`` (relative POSIX path -> content) with the tree under ``out``."""
    written, removed, kept = _compare(out, files)
    return _changes(out, written, removed, kept, _manifest_json(_digests(files)))


def _compare(out: Path, files: Mapping[str, bytes]) -> tuple[list[str], list[str], list[str]]:
    """Files that are new or differ, generated files no longer generated (removed), and those of
    them edited since (kept); the manifest aside."""
    for name in files:
        _check_relative(name)
    present = _existing(out)  # one directory walk instead of a failed open per new file
    written = sorted(n for n, data in files.items() if n not in present or _read(out / n) != data)
    removed: list[str] = []
    kept: list[str] = []
    for name, digest in sorted(_previous(out).items()):
        path = out / name
        if name in files or not path.is_file():
            continue
        (removed if _digest(path.read_bytes()) == digest else kept).append(name)
    return written, removed, kept


def _changes(out: Path, written: list[str], removed: list[str], kept: list[str],
             manifest: bytes) -> TreeChanges:
    if _read(out / MANIFEST) != manifest:
        written = [*written, MANIFEST]
    return TreeChanges(tuple(sorted(written)), tuple(removed), tuple(kept))


def write_tree(out: Path, files: Mapping[str, bytes]) -> TreeChanges:
    """Make ``out`` hold ``files``; see the module docstring for what is guaranteed."""
    stage: Path | None = None
    try:
        with ThreadPoolExecutor(1) as hashing:
            # The manifest's digests are computed beside comparing and staging, which wait on
            # the kernel: hashing 19,000 files took a quarter of a second on its own.
            digesting = hashing.submit(_digests, files)
            written, removed, kept = _compare(out, files)
            if written or removed:
                stage = _staged(out, {n: files[n] for n in written})
            digests = digesting.result()
        final_manifest = _manifest_json(digests)
        changes = _changes(out, written, removed, kept, final_manifest)
        if not changes.written and not changes.removed:
            return changes
        if stage is None:  # only the manifest changes
            stage = _staged(out, {})
        if not out.exists():  # a new tree moves in whole
            write_bytes(stage / MANIFEST, final_manifest)
            stage.rename(out)
            stage = None
            return changes
        # Until the stale files are gone, the manifest lists old and new files, so that a run
        # interrupted while moving files in never leaves a generated file unaccounted for.
        write_file(out / MANIFEST, _manifest_json({**_previous(out), **digests}))
        _make_directories(out, written)
        _each(lambda name: os.replace(stage / name, out / name), written)
        for name in changes.removed:
            (out / name).unlink()
            _remove_empty_parents(out, PurePosixPath(name).parent)
        write_file(out / MANIFEST, final_manifest)
    except OSError as exc:
        raise ProtopactError(f"{out}: cannot write the generated tree: {exc}") from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    return changes


def _staged(out: Path, files: Mapping[str, bytes]) -> Path:
    """A new directory beside ``out`` holding ``files``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # Not mkdtemp: its private mode would stay on a stage that becomes the tree.
    stage = out.parent / f".protopact-stage-{out.name}-{secrets.token_hex(6)}"
    stage.mkdir()
    try:
        _write_all(stage, files)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage


def _write_all(root: Path, files: Mapping[str, bytes]) -> None:
    _make_directories(root, files)
    base = str(root)
    _each(lambda name: write_bytes(os.path.join(base, name), files[name]), list(files))


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


def _check_relative(name: str) -> None:
    if not _is_safe(name):
        raise ValueError(f"generated path {name!r} is not a relative path inside the output")


def _is_safe(name: str) -> bool:
    """A manifest is data on disk: only plain relative paths inside the output are honoured."""
    return bool(name) and not name.startswith("/") and ".." not in name.split("/") \
        and "\\" not in name


def _existing(out: Path) -> set[str]:
    """Relative POSIX paths of the files under ``out``."""
    found: set[str] = set()
    for directory, _, names in os.walk(out):
        relative = Path(directory).relative_to(out).as_posix()
        prefix = "" if relative == "." else relative + "/"
        found.update(prefix + name for name in names)
    return found


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _remove_empty_parents(out: Path, parent: PurePosixPath) -> None:
    while parent.parts:
        directory = out / parent
        try:
            directory.rmdir()
        except OSError:
            return
        parent = parent.parent
