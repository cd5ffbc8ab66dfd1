"""Cache writes done by a forked child while the command goes on, finished when it ends."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from protopact.compile import aside as aside_module
from protopact.compile.aside import aside, writes_aside
from protopact.compile.cache import Cache

from .conftest import run, write_tree


def _writer(path: Path):  # type: ignore[no-untyped-def]
    return lambda: path.write_text(str(os.getpid()))


def test_within_the_block_a_write_is_a_child_s_and_done_when_the_block_ends(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a single-threaded process, as the command's is (a test run may have left threads behind)
    monkeypatch.setattr(aside_module.threading, "active_count", lambda: 1)
    with writes_aside():
        aside(_writer(tmp_path / "first"))
        aside(_writer(tmp_path / "second"))
    for name in ("first", "second"):
        assert int((tmp_path / name).read_text()) != os.getpid()


def test_outside_the_block_or_beside_a_thread_a_write_is_done_in_place(tmp_path: Path) -> None:
    aside(_writer(tmp_path / "outside"))
    assert int((tmp_path / "outside").read_text()) == os.getpid()
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with writes_aside():
            aside(_writer(tmp_path / "threaded"))
            assert int((tmp_path / "threaded").read_text()) == os.getpid()
    finally:
        release.set()
        other.join()


def test_breaking_leaves_both_sides_compiles_in_the_cache(tmp_path: Path,
                                                          isolated_cache: Path) -> None:
    write_tree(tmp_path / "old", {"buf.yaml": "version: v2\n",
                                  "a.proto": 'syntax = "proto3";\npackage a;\nmessage A {}\n'})
    write_tree(tmp_path / "new", {"buf.yaml": "version: v2\n",
                                  "a.proto": 'syntax = "proto3";\npackage a;\nmessage B {}\n'})
    checked = run("breaking", "new", "--against", "old", cwd=tmp_path)
    assert checked.exit_code == 100, checked.stdout
    assert len(list(isolated_cache.glob("??/*.image"))) == 2
    cache = Cache(isolated_cache)
    for side in ("old", "new"):
        # breaking compiles without source info: such compiles are kept apart from the others
        assert cache.latest(f"directory:{tmp_path / side} without source info") is not None


def test_lint_leaves_its_compile_and_findings_to_children(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aside_module.threading, "active_count", lambda: 1)
    writers = tmp_path / "writers"
    writers.mkdir()
    for method in ("_store", "write_entry"):
        real = getattr(Cache, method)

        def recorded(self, *args, _real=real, _method=method):  # type: ignore[no-untyped-def]
            (writers / f"{_method}-{args[0]}-{os.getpid()}").touch()
            return _real(self, *args)

        monkeypatch.setattr(Cache, method, recorded)
    root = write_tree(tmp_path / "tree", {"buf.yaml": "version: v2\n",
                                          "a.proto": 'syntax = "proto3";\npackage a;\nmessage a {}\n'})
    first = run("lint", cwd=root)
    assert first.exit_code == 100
    written = {name.rsplit("-", 1)[0]: int(name.rsplit("-", 1)[1])
               for name in (p.name for p in writers.iterdir())}
    # the image and the lint findings were written by children, and done when lint ended
    children = {k.split("-")[0] if k.startswith("_store") else k: pid for k, pid in written.items()
                if k.startswith("_store") or k == "write_entry-lint"}
    assert children.keys() == {"_store", "write_entry-lint"}
    assert os.getpid() not in children.values()
    assert len(list(isolated_cache.glob("??/*.image"))) == 1
    assert len(list((isolated_cache / "lint").iterdir())) == 1
    assert run("lint", cwd=root) == first
