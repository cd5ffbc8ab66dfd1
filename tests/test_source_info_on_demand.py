"""Within lint, files read from the cache hold their source info only once a reader asks for it;
asked for, each is the very file a whole decode gives. Their digests come with them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from google.protobuf import descriptor_pool
from google.protobuf.descriptor_pb2 import FileDescriptorProto

from protopact.compile import incremental, sourceinfo
from protopact.compile import cache as cache_module
from protopact.compile.cache import Cache
from protopact.compile.inputs import load_input
from protopact.compile.undecoded import decoded, undecoded
from protopact.schema.source import SourceIndex

from .conftest import write_tree

_FILES = {
    "buf.yaml": "version: v2\n",
    "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\n// An A.\nmessage A {\n  string name = 1;\n}\n',
    "b/v1/b.proto": 'syntax = "proto3";\npackage b.v1;\nimport "a/v1/a.proto";\n'
                    "// A B.\nmessage B {\n\ta.v1.A a = 1; // é\n}\n",
    "c/v1/c.proto": 'syntax = "proto3";\npackage c.v1;\n// A C.\nmessage C {}\n',
}


def test_a_file_decoded_without_its_source_info_reads_it_in_whole() -> None:
    whole = FileDescriptorProto(name="a.proto", package="a", syntax="proto3")
    whole.message_type.add(name="A")
    whole.source_code_info.location.add(path=[4, 0], span=[3, 0, 12], leading_comments=" An A.\n")
    data = whole.SerializeToString()
    (at,) = sourceinfo.spans([data])
    bare = sourceinfo.decoded_without(data, at)
    assert not bare.HasField("source_code_info") and bare.message_type[0].name == "A"
    assert sourceinfo.with_source_info(bare, data) is bare
    assert bare == whole and bare.SerializeToString() == data
    # a file without source info has none to read in
    plain = FileDescriptorProto(name="b.proto")
    assert sourceinfo.spans([plain.SerializeToString()]) == [None]
    assert sourceinfo.with_source_info(plain, plain.SerializeToString()) == plain


def test_an_undecoded_file_reads_as_the_file_decoded_once() -> None:
    whole = FileDescriptorProto(name="a.proto", package="a", syntax="proto3")
    whole.message_type.add(name="A")
    whole.source_code_info.location.add(path=[4, 0], span=[3, 0, 12])
    data = whole.SerializeToString()
    (f,) = undecoded(["a.proto"], ["a"], [data], sourceinfo.spans([data]))
    assert (f.name, f.package) == ("a.proto", "a") and f._file is None  # type: ignore[attr-defined]
    assert f.message_type[0].name == "A"
    assert f.syntax == "proto3" and decoded(f) is f._file  # type: ignore[attr-defined]
    assert sourceinfo.with_source_info(f, data) == whole and decoded(f) == whole
    pool = descriptor_pool.DescriptorPool()
    pool.Add(decoded(f))  # protobuf's own code takes the message
    assert pool.FindMessageTypeByName("a.A").name == "A"


def test_the_cache_gives_lint_files_whose_source_info_is_read_in_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incremental, "_RECENT", incremental._RECENT.__class__(maxlen=2))
    root = write_tree(tmp_path / "tree", _FILES)
    cache = Cache(tmp_path / "cache")
    whole = load_input(str(root), cwd=root, cache=cache).image
    incremental._RECENT.clear()  # a new process: only the cache remembers
    with sourceinfo.on_demand():
        lazy = load_input(str(root), cwd=root, cache=cache).image
    assert [f.name for f in lazy.files] == [f.name for f in whole.files]
    assert not any(f.HasField("source_code_info") for f in lazy.files)
    assert lazy.to_binary(as_read=True) == whole.to_binary(as_read=True)
    # imports marked, as buf writes them, after bytes as read (views of the entry, see .cache)
    assert lazy.with_targets(["c/v1/c.proto"]).to_binary(as_read=True) \
        == whole.with_targets(["c/v1/c.proto"]).to_binary(as_read=True)
    for f in lazy.files:
        index, expected = SourceIndex(f, lazy.encoded[f.name]), SourceIndex(whole.by_name[f.name])
        for text in ("An A.", "A B.", "é", "nowhere"):
            assert index.may_mention(text) == expected.may_mention(text)
        for path in ([4, 0], [4, 0, 2, 0], [4, 0, 2, 0, 6]):
            assert (index.span(path), index.leading_comment(path)) == (
                expected.span(path), expected.leading_comment(path))
        assert f == whole.by_name[f.name]
    # another command after it, in the same process, reuses those files whole
    incremental._RECENT.clear()
    with sourceinfo.on_demand():
        load_input(str(root), cwd=root, cache=cache)
    (root / "a/v1/a.proto").write_text(_FILES["a/v1/a.proto"] + "message Z {}\n")
    after = load_input(str(root), cwd=root, cache=Cache(None)).image
    incremental._RECENT.clear()
    full = load_input(str(root), cwd=root, cache=Cache(None)).image
    for name in ("b/v1/b.proto", "c/v1/c.proto"):
        assert after.by_name[name].HasField("source_code_info")
        assert after.by_name[name] == full.by_name[name]


def test_the_bytes_an_entry_gave_have_their_digests_known(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incremental, "_RECENT", incremental._RECENT.__class__(maxlen=2))
    root = write_tree(tmp_path / "tree", _FILES)
    cache = Cache(tmp_path / "cache")
    load_input(str(root), cwd=root, cache=cache)
    incremental._RECENT.clear()
    with sourceinfo.on_demand():
        image = load_input(str(root), cwd=root, cache=cache).image
    expected = {n: hashlib.sha256(data).hexdigest() for n, data in image.encoded.items()}

    def unexpected(data: bytes) -> None:
        raise AssertionError("hashed again")

    monkeypatch.setattr(cache_module.hashlib, "sha256", unexpected)
    assert {n: cache_module.digest_of(data) for n, data in image.encoded.items()} == expected
    with pytest.raises(AssertionError, match="hashed again"):  # equal bytes, another object
        cache_module.digest_of(bytes(bytearray(image.encoded["a/v1/a.proto"])))
