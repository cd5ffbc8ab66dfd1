"""Fuzz: generate's writes over random output trees (the user's files, links out of the tree,
directories in the way, tampered manifests): nothing outside the output changes, nothing of the
user's is changed or lost unless forced, and a refused run leaves the tree as it was."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protopact.errors import ProtopactError
from protopact.render.writer import MANIFEST, write_tree

from ..test_writer_safety import snapshot

COMPONENT = st.sampled_from(["a", "b", "c.py", "d.txt", "..", "e"])
PATH = st.lists(COMPONENT, min_size=1, max_size=3).map("/".join)
SAFE_PATH = st.lists(COMPONENT.filter(lambda c: c != ".."), min_size=1, max_size=3).map("/".join)
USER_ENTRY = st.tuples(SAFE_PATH, st.sampled_from(["file", "dir", "link-file", "link-dir",
                                                   "dangling"]))
# A generated tree never holds a file where another of its files needs a directory.
TREE = st.dictionaries(SAFE_PATH, st.binary(max_size=3), max_size=4).map(
    lambda files: {n: d for n, d in files.items() if not any(o.startswith(n + "/") for o in files)})
MANIFEST_ENTRY = st.one_of(PATH, st.just("/abs/x"), st.sampled_from(["../outside/secret.txt",
                                                                     "a\\..\\..\\x", "link/x"]))


def _make(out: Path, outside: Path, entries: list[tuple[str, str]]) -> set[str]:
    """The user's entries under ``out``; returns the names of those made."""
    made = set()
    for name, kind in entries:
        path = out / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(path):
                continue
            if kind == "file":
                path.write_text(f"user {name}")
            elif kind == "dir":
                path.mkdir()
            elif kind == "link-file":
                path.symlink_to(outside / "secret.txt")
            elif kind == "link-dir":
                path.symlink_to(outside / "dir")
            else:
                path.symlink_to(outside / "nowhere")
        except (FileExistsError, NotADirectoryError):
            continue  # a file where a directory would go: this entry is not made
        made.add(name)
    return made


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(first=TREE,
       user=st.lists(USER_ENTRY, max_size=5),
       tampered=st.one_of(st.none(), st.dictionaries(MANIFEST_ENTRY, st.just("x" * 64), max_size=3)),
       second=TREE,
       force=st.booleans())
def test_writes_stay_inside_and_keep_the_users_entries(
        first: dict[str, bytes], user: list[tuple[str, str]], tampered: dict[str, str] | None,
        second: dict[str, bytes], force: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        outside = base / "outside"
        (outside / "dir").mkdir(parents=True)
        (outside / "secret.txt").write_text("secret")
        (outside / "dir" / "inner.txt").write_text("inner")
        out = base / "out"
        write_tree(out, first)
        users = _make(out, outside, user)
        if tampered is not None:
            (out / MANIFEST).write_text(json.dumps({"generator": "protopact", "files": tampered}))
        outside_before, before = snapshot(outside), snapshot(out)
        try:
            write_tree(out, second, force=force)
        except ProtopactError as refused:
            assert "not written by protopact" in str(refused) and not force
            assert snapshot(out) == before
        else:
            after = snapshot(out)
            for name, data in second.items():
                assert after.get(name) == data
            claimed = {p for name in second for p in _prefixes(name)}
            for name, entry in before.items():
                if name in users and not (_prefixes(name) & claimed) and name not in claimed:
                    assert after.get(name) == entry, name
        assert snapshot(outside) == outside_before
        assert sorted(os.listdir(base)) == ["out", "outside"]


def _prefixes(name: str) -> set[str]:
    parts = name.split("/")
    return {"/".join(parts[:i]) for i in range(1, len(parts) + 1)}
