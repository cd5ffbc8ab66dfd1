"""generate's writes: never through a link, never over someone else's file, whole trees only."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from pathlib import Path

import pytest

from protopact.errors import ProtopactError
from protopact.render import writer
from protopact.render.writer import MANIFEST, plan_tree, write_tree

from .conftest import run, write_tree as write_files


def snapshot(root: Path) -> dict[str, object]:
    """Every entry under ``root`` without following links: files by content, links by target."""
    found: dict[str, object] = {}
    for directory, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(directory, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = "dir"
            else:
                found[key] = path.read_bytes()
    return found


def test_links_below_the_output_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "file.py").write_bytes(b"outside")
    out = tmp_path / "out"
    write_tree(out, {"pkg/a.py": b"a", "pkg/b.py": b"b", "keep.py": b"k"})
    # Someone replaces generated files and a generated directory with links to the outside.
    (out / "pkg/b.py").unlink()
    (out / "pkg/b.py").symlink_to(outside / "file.py")
    (out / "keep.py").unlink()
    (out / "keep.py").symlink_to(outside / "file.py")
    (out / "more").symlink_to(outside / "dir")
    before = snapshot(outside)
    # pkg/b.py and keep.py are no longer generated, more/ now is: nothing goes through the links.
    with pytest.raises(ProtopactError, match="out/more: not written by protopact"):
        write_tree(out, {"pkg/a.py": b"a2", "more/new.py": b"n"})
    assert snapshot(outside) == before
    changes = write_tree(out, {"pkg/a.py": b"a2", "more/new.py": b"n"}, force=True)
    assert changes.replaced == ("more",)
    assert snapshot(outside) == before
    assert (out / "more").is_dir() and not (out / "more").is_symlink()
    assert os.readlink(out / "pkg/b.py") == str(outside / "file.py")  # carried over as a link
    assert os.readlink(out / "keep.py") == str(outside / "file.py")


def test_someone_elses_file_is_refused_by_name_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, {"docs/index.md": "mine", "notes.txt": "also mine"})
    with pytest.raises(ProtopactError) as refused:
        write_tree(out, {"docs/index.md": b"generated", "docs/api.md": b"api"})
    assert str(refused.value).startswith(f"{out}/docs/index.md: not written by protopact")
    assert (out / "docs/index.md").read_text() == "mine" and not (out / "docs/api.md").exists()
    assert plan_tree(out, {"docs/index.md": b"generated"}).differs == (MANIFEST, "docs/index.md")
    write_tree(out, {"docs/index.md": b"generated", "docs/api.md": b"api"}, force=True)
    assert (out / "docs/index.md").read_bytes() == b"generated"
    assert (out / "notes.txt").read_text() == "also mine"
    # Once written by protopact, the file is its own: replaced without --force.
    write_tree(out, {"docs/index.md": b"generated again"})
    assert (out / "docs/index.md").read_bytes() == b"generated again"


def test_an_identical_file_is_adopted_and_a_directory_in_the_way_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, {"same.py": b"x", "a.py/inside.txt": "mine"})
    with pytest.raises(ProtopactError, match=r"out/a\.py: not written"):
        write_tree(out, {"same.py": b"x", "a.py": b"a"})
    write_tree(out, {"same.py": b"x"})
    assert "same.py" in json.loads((out / MANIFEST).read_text())["files"]


def test_a_generated_file_where_a_directory_now_goes_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a": b"file", "b": b"b"})
    write_tree(out, {"a/inner.py": b"now a directory"})
    assert snapshot(out) == {"a": "dir", "a/inner.py": b"now a directory",
                             MANIFEST: (out / MANIFEST).read_bytes()}


def test_the_output_may_be_a_link_and_must_be_a_directory(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "out").symlink_to(real)
    write_tree(tmp_path / "out", {"a.py": b"a"})
    write_tree(tmp_path / "out", {"a.py": b"b"})
    assert (tmp_path / "out").is_symlink() and (real / "a.py").read_bytes() == b"b"
    (tmp_path / "file").write_text("x")
    with pytest.raises(ProtopactError, match="file: not a directory"):
        write_tree(tmp_path / "file", {"a.py": b"a"})


def test_generate_out_naming_a_file_is_one_clear_error(tmp_path: Path) -> None:
    write_files(tmp_path, {"a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A {}\n',
                           "taken": "a file"})
    result = run("generate", "--out", "taken", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        1, "taken: not a directory; the output must be a directory\n")


def test_directories_keep_their_modes_and_emptied_ones_go(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"p/a.py": b"a", "q/b.py": b"b"})
    (out / "p").chmod(0o700)
    (out / "empty").mkdir()
    write_tree(out, {"p/a.py": b"a2"})
    assert (out / "p").stat().st_mode & 0o777 == 0o700
    assert (out / "empty").is_dir() and not (out / "q").exists()


def test_stages_left_by_a_killed_run_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a.py": b"a"})
    left = tmp_path / ".protopact-stage-out-0123456789ab"
    (left / "half").mkdir(parents=True)
    aside = tmp_path / ".protopact-stage-outer-0123456789ab"  # another output's: left alone
    aside.mkdir()
    write_tree(out, {"a.py": b"b"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [aside.name, "out"]
    digest = hashlib.sha256(b"b").hexdigest()
    assert json.loads((out / MANIFEST).read_text())["files"] == {"a.py": digest}


def test_staging_a_file_never_writes_over_one_of_the_name_it_picks(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "_staged", itertools.count())
    taken = tmp_path / f".a.txt.{os.getpid()}-0.tmp"
    taken.write_text("mine")
    writer.write_file(tmp_path / "a.txt", b"new")
    assert taken.read_text() == "mine"
    assert snapshot(tmp_path) == {taken.name: b"mine", "a.txt": b"new"}
