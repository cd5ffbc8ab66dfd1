"""Fuzz: ``.proto`` sources a careless hand or a hostile one wrote. Tokens dropped, doubled or
inserted, option values nested past protobuf's limit, bytes that are not UTF-8, file names protoc
could read as flags, names too long for the file system, and special files among the sources (a
FIFO, links to ``/dev/zero``, to nowhere, in a loop). build, lint and format end with exit 0, 1 or
100; a refusal is ``path:line:col: message`` lines or one line naming the file; nothing hangs."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import write_tree
from .conftest import FUZZ, RICH, clean_run

_TOKEN = re.compile(r'"[^"\n]*"|//[^\n]*|[A-Za-z_][\w.]*|\d+|\S')
TOKENS = ["{", "}", ";", "=", "[", "]", "(", ")", "<", ">", ",", ".", "message", "enum", "option",
          "optional", "repeated", "map", "oneof", "rpc", "returns", "stream", "extend", "reserved",
          "extensions", "to", "max", "import", "public", "weak", "package", "syntax", "edition",
          '"proto3"', '"2023"', '"acme/v1/common.proto"', '"nope.proto"', '"--help.proto"',
          "string", "int32", "Item", "acme.v1.Money", ".google.protobuf.Timestamp", "0", "1",
          "-1", "536870912", "19000", "1e999", "0x", '"\\xff"', "/*", "*/", "//", "\\", "x" * 300,
          "(google.api.http)", "(label)", "json_name", "default", "\x00", "\ufeff", "\U0001F600"]
# An option value nested as deep as protoc's parser allows but its option interpreter does not.
DEEP = st.integers(90, 140).map(lambda n: "{ children " * n + "{ text: \"x\" }" + " }" * n)
ODD_NAMES = ["--help.proto", "-I.proto", "@args.proto", "--descriptor_set_out=x.proto",
             "a b.proto", "é.proto", "x.proto.proto", ".proto", "x" * 250 + ".proto",
             "d" * 300 + "/a.proto", "UPPER.PROTO", "a\tb.proto"]
SPECIAL = ["fifo", "dev-zero", "dangling", "loop", "directory"]


def _mutate(data: st.DataObject, text: str) -> str:
    tokens = _TOKEN.findall(text)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(tokens)))
        action = data.draw(st.sampled_from(["drop", "double", "insert", "insert"]))
        if action == "insert" or not tokens:
            tokens.insert(at, data.draw(st.sampled_from(TOKENS) | st.text(max_size=3)))
        elif action == "drop":
            del tokens[min(at, len(tokens) - 1)]
        else:
            tokens.insert(at, tokens[min(at, len(tokens) - 1)])
    return " ".join(tokens)


@pytest.fixture
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sources") / "tree"


def _special(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dangling":
        path.symlink_to(path.parent / "nowhere.proto")
    elif kind == "loop":
        path.symlink_to(path)
    else:
        path.mkdir()


def _ends_as_a_cli_must(result_stderr: str) -> None:
    lines = result_stderr.strip().splitlines()
    located = [line for line in lines if re.match(r"[^:]+:\d+:\d+: ", line)]
    assert located or len(lines) == 1, result_stderr


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_mangled_sources_and_odd_files_compile_or_are_refused_clearly(tree: Path,
                                                                      data: st.DataObject) -> None:
    shutil.rmtree(tree, ignore_errors=True)
    files: dict[str, str | bytes] = dict(RICH)
    name = data.draw(st.sampled_from(sorted(RICH)))
    form = data.draw(st.integers(0, 5))
    if form <= 2:
        files[name] = _mutate(data, str(files[name]))
    elif form == 3:
        files["acme/v1/custom.proto"] = str(files["acme/v1/custom.proto"]).replace(
            '{ text: "x" children { text: "y" } }', data.draw(DEEP))
    elif form == 4:
        files[name] = data.draw(st.binary(max_size=40) | st.sampled_from(
            [b"\xff\xfe", b'syntax = "proto3";\n// caf\xe9\n', b"\x00" * 8, b"\xef\xbb\xbf"]))
    write_tree(tree, files)
    if form == 5:
        odd = data.draw(st.sampled_from(ODD_NAMES))
        try:
            write_tree(tree, {f"acme/v1/{odd}": 'syntax = "proto3";\npackage acme.v1;\n'})
        except OSError:
            pass  # a name the file system refuses cannot be among the sources
        _special(tree / "acme/v1/z.proto", data.draw(st.sampled_from(SPECIAL)))
    for args in (("build", ".", "-o", "/dev/null"), ("lint", "."), ("format", ".", "--diff")):
        result = clean_run(*args, cwd=tree)
        if result.exit_code == 1:
            _ends_as_a_cli_must(result.stderr)
