"""The dependents' texts kept together: a word is found in the text that holds it, and only there."""

from __future__ import annotations

from pathlib import Path

from protopact.compile.cache import Cache
from protopact.compile.dependent_texts import Texts, texts_of
from protopact.compile.workspace import ListedFile


def test_a_word_is_found_in_the_texts_that_hold_it_not_across_two() -> None:
    held = b"header" b"foo" b"fooBar" b"baz" b"Bar"
    texts = Texts({"read.proto": b"has Bar"}, held,
                  {"a": (6, 9), "b": (9, 15), "c": (15, 18), "d": (18, 21), "twin": (9, 15)})
    assert {n: texts.spells(n, (b"Bar",)) for n in ("read.proto", "a", "b", "c", "d", "twin")} \
        == {"read.proto": True, "a": False, "b": True, "c": False, "d": True, "twin": True}
    assert texts.spells("missing", (b"Bar",)) is None
    assert not any(texts.spells(n, (b"ofo", b"rba", b"zB")) for n in ("a", "b", "c", "d"))
    assert dict(texts) == {"read.proto": b"has Bar", "a": b"foo", "b": b"fooBar", "c": b"baz",
                           "d": b"Bar", "twin": b"fooBar"}


def test_texts_read_once_are_served_by_the_cache_the_next_time(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    files = [ListedFile(".", f"f{i}.proto", f"digest{i}") for i in range(3)]
    asked: list[list[str]] = []

    def read(missing):  # type: ignore[no-untyped-def]
        asked.append([f.name for f in missing])
        return {f.workspace_path: f"text of {f.name}".encode() for f in missing}

    def texts(listed: list[ListedFile]) -> dict[str, bytes]:
        with texts_of(cache, "place", listed, read) as found:
            if listed == files:
                assert found.spells("f1.proto", (b"f1",))
                assert not found.spells("f0.proto", (b"f1",))
            return dict(found)

    assert texts(files[:2]) == {"f0.proto": b"text of f0.proto", "f1.proto": b"text of f1.proto"}
    assert texts(files) == {f.name: f"text of {f.name}".encode() for f in files}
    assert asked == [["f0.proto", "f1.proto"], ["f2.proto"]]
    # another text under a known name is another digest: read, not taken from the cache
    assert texts([ListedFile(".", "f0.proto", "other")]) == {"f0.proto": b"text of f0.proto"}
    assert asked[-1] == ["f0.proto"]
    for entry in (tmp_path / "texts").iterdir():
        entry.write_bytes(b"damaged")
    assert texts(files[:1]) == {"f0.proto": b"text of f0.proto"}
    assert asked[-1] == ["f0.proto"]
