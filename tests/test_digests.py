"""Listing a directory reads again only the files whose stat changed, and never trusts a stat a
coarse clock could leave unchanged."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest

from protopact.compile import digests
from protopact.compile.cache import Cache
from protopact.compile.workspace import blob_id, read_source


class _Lister:
    """Digests of a directory's files through the stat cache, and which files were read."""

    def __init__(self, root: Path, cache: Cache) -> None:
        self.root, self.cache, self.read = root, cache, []

    def __call__(self) -> dict[str, str]:
        def read(path: str, shown: str, st: os.stat_result | None) -> str:
            self.read.append(shown)
            return blob_id(read_source(path, shown, st))

        self.read = []
        with digests.known_digests(self.cache, self.root, read) as digest:
            return {p.name: digest(str(p), p.name) for p in sorted(self.root.glob("*.proto"))}


@pytest.fixture
def lister(tmp_path: Path) -> _Lister:
    root = tmp_path / "tree"
    root.mkdir()
    for name in ("a", "b", "c"):
        (root / f"{name}.proto").write_text(f"// {name}\n")
    return _Lister(root, Cache(tmp_path / "cache"))


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Listings from now on start ``seconds`` later than the clock says."""
    now = time.time_ns
    monkeypatch.setattr(digests.time, "time_ns", lambda: now() + int(seconds * 1e9))


def test_settled_files_are_not_read_again(lister: _Lister, monkeypatch: pytest.MonkeyPatch) -> None:
    _later(monkeypatch, 10)
    first = lister()
    assert lister.read == ["a.proto", "b.proto", "c.proto"]
    assert first == {n: blob_id(f"// {n[0]}\n".encode()) for n in first}
    assert lister() == first and lister.read == []
    (lister.root / "b.proto").write_text("// B, longer\n")
    assert lister()["b.proto"] == blob_id(b"// B, longer\n") and lister.read == ["b.proto"]


def test_files_written_within_a_tick_of_the_listing_are_read_again(lister: _Lister) -> None:
    lister()
    assert lister() and lister.read == ["a.proto", "b.proto", "c.proto"]


def test_content_written_under_an_old_modification_time_is_read(
        lister: _Lister, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same size, modification time set back (as cp -p or an unpacked archive does): only the
    change time tells."""
    path = lister.root / "a.proto"
    os.utime(path, ns=(1, 1))
    _later(monkeypatch, 10)
    lister()
    time.sleep(0.02)  # a clock tick of the kernel's: the next write gets a later change time
    path.write_text("// z\n")
    os.utime(path, ns=(1, 1))
    assert lister()["a.proto"] == blob_id(b"// z\n") and lister.read == ["a.proto"]


def test_a_damaged_entry_is_ignored(lister: _Lister, monkeypatch: pytest.MonkeyPatch) -> None:
    _later(monkeypatch, 10)
    first = lister()
    for path in (lister.cache.directory / "stats").iterdir():
        path.write_bytes(b"{not an entry")
    assert lister() == first and len(lister.read) == 3
    for path in (lister.cache.directory / "stats").iterdir():
        path.write_bytes(path.read_bytes()[:-9])  # cut short
    assert lister() == first and len(lister.read) == 3


@pytest.mark.parametrize("damage", [
    lambda entry: [],  # not an object
    lambda entry: {path: 3 for path in entry},  # not a list
    lambda entry: {path: value[:5] for path, value in entry.items()},  # no digest
    lambda entry: {path: [*value[:5], 7] for path, value in entry.items()},  # a digest not a string
])
def test_an_entry_of_another_shape_is_ignored(lister: _Lister, monkeypatch: pytest.MonkeyPatch,
                                              damage) -> None:
    _later(monkeypatch, 10)
    first = lister()
    for path in (lister.cache.directory / "stats").iterdir():
        path.write_bytes(marshal.dumps(damage(marshal.loads(path.read_bytes()))))
    assert lister() == first and len(lister.read) == 3


@pytest.mark.parametrize("now", [b"", b"// a\n", b"// a file grown since its stat\n" * 5000])
def test_a_file_is_read_as_it_is_whatever_its_stat_said(tmp_path: Path, now: bytes) -> None:
    path = tmp_path / "a.proto"
    path.write_bytes(b"// a\n")
    st = os.stat(path)
    path.write_bytes(now)
    assert read_source(str(path), "a.proto", st) == now
