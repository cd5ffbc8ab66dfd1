"""Git repositories as inputs (``git:REF``, ``PATH.git#branch=B,subdir=DIR``: see :mod:`.refs`).

Everything is read from git objects (``rev-parse``, ``ls-tree``, ``show``, ``archive``); the working
tree and index are never touched. File digests are git blob ids, so a baseline already in the cache is
neither read nor extracted.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..config.bufyaml import Workspace
from ..config.controlling import controlling
from ..errors import ProtopactError, redacted
from .refs import Ref
from .workspace import ListedFile, _excluded, check_modules


@dataclass(frozen=True)
class GitInput:
    text: str  # as the user wrote it, credentials redacted, for messages
    repo: Path  # a directory inside the repository (or its .git directory)
    ref: str  # what to hand to rev-parse
    subdir: str
    remote: str = ""  # a URL to clone first (https://, ssh://, file://, ...)
    branch: str = ""  # the branch or tag a remote clone may stop at
    depth: int = 0  # how many commits a remote clone fetches (0: all)
    recurse_submodules: bool = False
    commit: str = ""  # the commit ``ref`` must name (tag= with commit=), when given


def from_ref(ref: Ref, cwd: Path) -> GitInput:
    """The repository and revision a ``git`` reference (see :mod:`.refs`) names."""
    if ref.in_checkout:
        return GitInput(ref.text, cwd, ref.ref, ref.subdir)
    if ref.branch:
        head = f"refs/heads/{ref.branch}"
        # ref= with branch= is read within the branch: HEAD~1 is the branch's tip's parent
        revision = re.sub(r"^HEAD(?=$|[~^@])", head, ref.ref) if ref.ref else head
    elif ref.tag:
        revision = f"refs/tags/{ref.tag}"
    else:
        revision = ref.commit or ref.ref or "HEAD"
    # with both tag= and commit=, the tag is read and must be the commit (buf reads either)
    verify = ref.commit if ref.tag else ""
    if ref.remote:
        return GitInput(ref.text, Path(), revision, ref.subdir, remote=ref.path,
                        branch=ref.branch or ref.tag, depth=ref.depth,
                        recurse_submodules=ref.recurse_submodules, commit=verify)
    return GitInput(ref.text, (cwd / ref.path).resolve(), revision, ref.subdir,
                    recurse_submodules=ref.recurse_submodules, commit=verify)


@contextmanager
def cloned(source: GitInput) -> Iterator[GitInput]:
    """``source`` itself, or for a remote a bare clone of it in a temporary directory (only the
    named branch or tag when there is one), removed afterwards."""
    if not source.remote:
        yield source
        return
    with tempfile.TemporaryDirectory(prefix="protopact-clone-") as tmp:
        repo = Path(tmp) / "repo.git"
        narrow = ["--depth", str(source.depth)] if source.depth else []
        narrow += ["--branch", source.branch] if source.branch else []
        _clone(source, source.remote, repo, "--bare", *narrow)
        yield replace(source, repo=repo)


def _clone(source: GitInput, origin: str, destination: Path, *options: str) -> None:
    try:
        done = subprocess.run(["git", "clone", "--quiet", *options, "--", origin, str(destination)],
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise ProtopactError(f"{source.text}: git is not installed") from None
    if done.returncode != 0:
        raise ProtopactError(f"{source.text}: cannot clone {redacted(origin)}: "
                             f"{_reason(done.stderr) or 'git clone failed'}")


@contextmanager
def checked_out(source: GitInput) -> Iterator[Path]:
    """A working tree of the repository at the ref, in a temporary directory removed afterwards;
    with ``recurse_submodules``, its submodules are checked out in it (nested ones too)."""
    with tempfile.TemporaryDirectory(prefix="protopact-checkout-") as tmp:
        tree = Path(tmp) / "tree"
        if source.remote:
            narrow = ["--depth", str(source.depth), "--shallow-submodules"] if source.depth else []
            narrow += ["--branch", source.branch] if source.branch else []
            origin, revision = source.remote, _within_clone(source)
        else:  # every object is at hand: the commit is found in the repository itself
            narrow, origin = [], _git(source, "rev-parse", "--absolute-git-dir").decode().strip()
            revision = _commit(source)
        recurse = ["--recurse-submodules"] if source.recurse_submodules else []
        _clone(source, origin, tree, *recurse, *narrow)
        checkout = replace(source, repo=tree, ref=revision)
        if revision != "HEAD":
            _git(checkout, "checkout", "--quiet", "--detach", _commit(checkout), "--")
            if recurse:
                _git(checkout, "submodule", "update", "--quiet", "--init", "--recursive")
        yield tree


def _within_clone(source: GitInput) -> str:
    """The ref of a remote source as its clone names it: the cloned branch or tag is HEAD."""
    for prefix in (f"refs/heads/{source.branch}", f"refs/tags/{source.branch}"):
        if source.branch and (source.ref == prefix or source.ref.startswith(prefix + "~")
                              or source.ref.startswith(prefix + "^")):
            return "HEAD" + source.ref[len(prefix):]
    return source.ref


def _run(source: GitInput, *args: str, input_: bytes | None = None,
         ) -> subprocess.CompletedProcess[bytes]:
    if source.repo.name == ".git":
        location = ["--git-dir", str(source.repo)]
    else:
        location = ["-C", str(source.repo)]
    try:
        return subprocess.run(["git", *location, *args], input=input_, capture_output=True,
                              check=False)
    except FileNotFoundError:
        raise ProtopactError(f"{source.text}: git is not installed") from None


def _git(source: GitInput, *args: str, input_: bytes | None = None) -> bytes:
    done = _run(source, *args, input_=input_)
    if done.returncode != 0:
        raise ProtopactError(f"{source.text}: git: {_reason(done.stderr) or 'failed'}")
    return done.stdout


def _reason(stderr: bytes) -> str:
    """Why git failed, on one line: what it (and the remote) said up to its first error line,
    without the hints and advice around it, credentials redacted."""
    said = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line or line.startswith(("hint:", "warning:")):
            continue
        said.append(line.removeprefix("fatal: ").removeprefix("error: ")
                    .removeprefix("remote: ").rstrip("."))
        if line.startswith(("fatal:", "error:")):
            break  # what follows is advice ("Please make sure you have the correct access rights")
    return redacted("; ".join(said))


def _commit(source: GitInput) -> str:
    """The commit id of the ref (a remote clone fetches one it lacks)."""
    commit = _run(source, "rev-parse", "--verify", "--quiet", f"{source.ref}^{{commit}}")
    if commit.returncode != 0 and source.remote:
        # a commit or ref a shallow clone of its branch does not hold: fetched by name
        depth = ["--depth", str(source.depth)] if source.depth else []
        if _run(source, "fetch", "--quiet", *depth, "--end-of-options", "origin",
                source.ref).returncode == 0:
            commit = _run(source, "rev-parse", "--verify", "--quiet", "FETCH_HEAD^{commit}")
    if commit.returncode != 0:
        if _run(source, "rev-parse", "--git-dir").returncode != 0:
            raise ProtopactError(f"{source.text}: {source.repo} is not in a git repository")
        raise ProtopactError(f"{source.text}: unknown git ref {source.ref!r}")
    found = commit.stdout.decode().strip()
    if source.commit and not found.startswith(source.commit.lower()):
        tag = source.ref.removeprefix("refs/tags/")
        raise ProtopactError(f"{source.text}: tag {tag} is commit {found}, not {source.commit}")
    return found


def resolve_tree(source: GitInput, commit: str = "") -> str:
    """The tree id of ``subdir`` at the ref (its commit, when known)."""
    oid = commit or _commit(source)
    spec = f"{oid}^{{tree}}" if source.subdir == "." else f"{oid}:{source.subdir}"
    tree = _run(source, "rev-parse", "--verify", "--quiet", spec)
    if tree.returncode != 0:
        raise ProtopactError(f"{source.text}: {source.subdir!r} does not exist at {source.ref}")
    return tree.stdout.decode().strip()


@dataclass(frozen=True)
class GitWorkspace:
    """The workspace controlling a git input's ``subdir``, read from git objects."""

    workspace: Workspace
    files: tuple[ListedFile, ...]
    tree: str  # the tree id of the workspace's directory
    directory: str  # that directory, relative to the repository's root
    inside: str  # the input's subdir, relative to that directory
    linked: bool  # whether a listed file is a symbolic link (only a whole tree resolves it)


def read_workspace(source: GitInput, *, root: Path) -> GitWorkspace:
    """The workspace controlling ``subdir`` at the ref (its config looked for up to the
    repository's root, see :mod:`..config.controlling`) and its modules' files; ``root`` is
    where the repository's root will be extracted."""
    return _workspace_at(source, _commit(source), root)


# A commit's objects never change: ``breaking`` looks for a git baseline in the cache, then reads
# the same commit again to compile it, which costs half a dozen git runs and a listing of the tree.
@lru_cache(maxsize=4)
def _workspace_at(source: GitInput, commit: str, root: Path) -> GitWorkspace:
    resolve_tree(source, commit)  # the subdir exists
    listed: dict[str, dict[str, tuple[str, str]]] = {}

    def read(directory: str, names: tuple[str, ...]) -> tuple[str, str, None] | None:
        if directory not in listed:
            listed[directory] = _ls_dir(source, commit, directory)
        for name in names:
            if name in listed[directory]:
                text = _git(source, "cat-file", "blob", listed[directory][name][1])
                return (text.decode("utf-8", "replace"),
                        f"{source.text}:{_join(directory, name)}", None)
        return None

    workspace, directory, inside = controlling(read, source.subdir, root)
    check_modules(workspace)
    spec = f"{commit}^{{tree}}" if directory == "." else f"{commit}:{directory}"
    tree = _git(source, "rev-parse", "--verify", spec).decode().strip()
    entries = _ls_tree(source, tree)
    files: list[ListedFile] = []
    linked = False
    for module in workspace.modules:
        for path, (mode, oid) in entries.items():
            if not path.endswith(".proto") or mode == "160000":
                continue
            if module.path != "." and not path.startswith(module.path + "/"):
                continue
            if _excluded(path, module.excludes) or any(p.startswith(".") for p in path.split("/")):
                continue
            name = path if module.path == "." else path[len(module.path) + 1 :]
            files.append(ListedFile(module.path, name, oid))
            linked = linked or mode == "120000"
    return GitWorkspace(workspace, tuple(files), tree, directory, inside, linked)


def _ls_dir(source: GitInput, commit: str, directory: str) -> dict[str, tuple[str, str]]:
    """The blobs directly in ``directory`` at ``commit``, by name (none when it does not exist)."""
    where = [] if directory == "." else ["--", directory + "/"]
    entries = {}
    for record in _git(source, "ls-tree", "-z", commit, *where).split(b"\0"):
        meta, _, path = record.partition(b"\t")
        if not record:
            continue
        mode, kind, oid = meta.decode().split(" ")
        if kind == "blob":
            entries[path.decode("utf-8", "surrogateescape").rsplit("/", 1)[-1]] = (mode, oid)
    return entries


def _ls_tree(source: GitInput, tree: str) -> dict[str, tuple[str, str]]:
    out = _git(source, "ls-tree", "-r", "-z", tree)
    entries = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, _kind, oid = meta.decode().split(" ")
        entries[path.decode("utf-8", "surrogateescape")] = (mode, oid)
    return entries


@contextmanager
def extracted(source: GitInput, tree: str) -> Iterator[Path]:
    """The tree written into a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="protopact-git-") as tmp:
        extract_into(source, tree, Path(tmp))
        yield Path(tmp)


@contextmanager
def written(source: GitInput, files: Sequence[ListedFile]) -> Iterator[Path]:
    """A temporary directory, removed afterwards, holding ``files`` (listed by
    :func:`read_workspace`, their digests blob ids) at their workspace paths: an incremental compile
    needs only the few files it does not reuse, which one ``git cat-file`` reads."""
    with tempfile.TemporaryDirectory(prefix="protopact-git-") as tmp:
        made = {""}
        # thousands of files after an edit of a widely imported one: plain os calls, each
        # directory made once (pathlib's parsing and a mkdir per file took twice the Python time)
        for path, data in blobs(source, files).items():
            directory = path.rpartition("/")[0]
            if directory not in made:
                os.makedirs(os.path.join(tmp, directory), exist_ok=True)
                made.add(directory)
            # listed paths have no component starting with a dot, so they stay in the directory
            with open(os.path.join(tmp, path), "wb") as out_file:
                out_file.write(data)
        yield Path(tmp)


def blobs(source: GitInput, files: Sequence[ListedFile]) -> dict[str, bytes]:
    """The bytes of ``files`` (listed by :func:`read_workspace`, their digests blob ids) by
    workspace path, read by one ``git cat-file``."""
    out = _git(source, "cat-file", "--batch",
               input_="".join(f"{f.digest}\n" for f in files).encode()) if files else b""
    found = {}
    at = 0
    for f in files:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].decode().split(" ")
        if header[:2] != [f.digest, "blob"] or len(header) != 3:
            raise ProtopactError(f"{source.text}: git: cannot read {f.workspace_path}")
        start, size = header_end + 1, int(header[2])
        found[f.workspace_path] = out[start : start + size]
        at = start + size + 1
    return found


def extract_into(source: GitInput, tree: str, directory: Path) -> None:
    data = _git(source, "archive", "--format=tar", tree)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(directory, filter="data")


def remote_commit(url: str, ref: str, label: str) -> str:
    """The commit ``ref`` (a branch, a tag, or HEAD) names in the repository at ``url``, asked of
    the remote without cloning it."""
    try:
        done = subprocess.run(["git", "ls-remote", url, ref], capture_output=True, check=False)
    except FileNotFoundError:
        raise ProtopactError(f"{label}: git is not installed") from None
    if done.returncode != 0:
        raise ProtopactError(f"{label}: cannot read {redacted(url)}: "
                             f"{_reason(done.stderr) or 'git ls-remote failed'}")
    pairs = (line.split("\t", 1) for line in done.stdout.decode().splitlines() if "\t" in line)
    found = {name: commit for commit, name in pairs}
    for name in (f"refs/tags/{ref}^{{}}", f"refs/tags/{ref}", f"refs/heads/{ref}", ref):
        if name in found:
            return found[name]
    raise ProtopactError(f"{label}: unknown git ref {ref!r} in {redacted(url)}")


def _join(subdir: str, path: str) -> str:
    return path if subdir == "." else f"{subdir}/{path}"
