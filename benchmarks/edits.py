"""One-file edits of the benchmark corpus, for the incremental compile's figures.

``prepare`` makes ``edits/`` beside the corpus: a git repository whose ``main`` branch holds the
unedited tree (``previous/``), and names two files to edit: a *leaf* (a file no other file imports)
and a *hub* (the file the most files import, transitively). Each :class:`Edit` call puts the tree
back as committed and adds a new message to its file, named by a counter, so every run edits the
tree since the previous run (a warm cache never holds the very tree measured) and every edited file
changes its descriptor, so that everything importing it is compiled again.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = "edits"
_IMPORT = re.compile(r'^import\s+(?:public\s+|weak\s+)?"([^"]+)";', re.MULTILINE)
_COUNTER = itertools.count(1)
_GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


@dataclass(frozen=True)
class Edit:
    repo: Path
    path: str  # relative to the repository
    importers: int  # how many files import it, transitively

    def __call__(self) -> None:
        _restore(self.repo)
        n = next(_COUNTER)
        with (self.repo / self.path).open("a") as out:
            out.write(f"\n// Added by the benchmark's edit {n}.\nmessage BenchEdit{n} {{\n"
                      f"  // A note.\n  string note = 1;\n}}\n")


def prepare(workdir: Path) -> tuple[Edit, Edit]:
    """The repository (made once per corpus) and its leaf and hub edits."""
    repo = workdir / REPO
    stamp = (workdir / "manifest.json").read_text()
    if not (repo / ".git").is_dir() or _read(repo / ".git" / "bench-manifest") != stamp:
        shutil.rmtree(repo, ignore_errors=True)
        shutil.copytree(workdir / "previous", repo)
        env = {**os.environ, **_GIT_ENV}
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
            subprocess.run(["git", *args], cwd=repo, env=env, check=True)
        (repo / ".git" / "bench-manifest").write_text(stamp)
    _restore(repo)
    counts = _importers(repo / "proto")
    leaf = min(name for name, n in counts.items() if n == 0)
    hub = max(sorted(counts), key=lambda name: counts[name])
    return (Edit(repo, f"proto/{leaf}", 0), Edit(repo, f"proto/{hub}", counts[hub]))


def _restore(repo: Path) -> None:
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=True)


def _read(path: Path) -> str:
    return path.read_text() if path.is_file() else ""


def _importers(root: Path) -> dict[str, int]:
    """How many files import each file under ``root``, directly or not."""
    imported_by: dict[str, set[str]] = defaultdict(set)
    names = []
    for path in root.rglob("*.proto"):
        name = path.relative_to(root).as_posix()
        names.append(name)
        for dependency in _IMPORT.findall(path.read_text()):
            imported_by[dependency].add(name)
    counts = {}
    for name in names:
        seen: set[str] = set()
        pending = [name]
        while pending:
            for importer in imported_by[pending.pop()] - seen:
                seen.add(importer)
                pending.append(importer)
        counts[name] = len(seen)
    return counts
