"""One message extended twice with the same number is refused, as buf refuses it (protoc warns)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from google.protobuf.descriptor_pb2 import FileDescriptorProto

from protopact.compile import incremental, protoc
from protopact.compile.extension_numbers import taken_twice
from protopact.compile.incremental import extensions_of

from .conftest import run, write_tree

_BASE = 'syntax = "proto2";\npackage acme;\nmessage Opts { extensions 100 to 200; }\n'


def _extending(package: str, body: str, *imports: str) -> str:
    lines = "".join(f'import "{i}";\n' for i in ("base.proto", *imports))
    return f'syntax = "proto2";\npackage {package};\n{lines}{body}\n'


CASES = {
    # neither file imports the other; the first by path keeps the number
    "apart": {
        "y.proto": _extending("acme", "extend Opts { optional int32 y_ext = 150; }"),
        "b.proto": _extending("acme", "message B {}\nextend Opts { optional int32 b_ext = 150; }"),
        "z/c.proto": _extending("acme.z", "extend acme.Opts { optional int32 c_ext = 150; }"),
        "a/d.proto": _extending("acme.a", "message D {}", "z/c.proto"),
    },
    # one imports the other, and the second extension is nested in a message
    "nested": {
        "a.proto": _extending("acme", "extend Opts { optional string a_ext = 120; }"),
        "b.proto": _extending("acme", "message Outer {\n  message Inner {\n"
                              "    extend Opts { optional int32 inner_ext = 120; }\n  }\n}",
                              "a.proto"),
    },
}


# files that neither extend nor are extended, around those that do
_PLAIN = {f"m/f{i}.proto": f'syntax = "proto3";\npackage m;\nmessage M{i} {{}}\n' for i in range(20)}


def _buf(buf: str, root: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([buf, command, "."], cwd=root, capture_output=True, text=True,
                          check=False)


@pytest.mark.parametrize("case", CASES)
def test_an_extension_number_taken_twice_is_refused_as_buf_refuses_it(
        tmp_path: Path, buf: str, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROTOPACT_CACHE_DIR", str(tmp_path / "cache"))
    root = write_tree(tmp_path / "tree", {"buf.yaml": "version: v2\n", "base.proto": _BASE, **CASES[case]})
    built = _buf(buf, root, "build")
    assert built.returncode != 0 and "used more than once" in built.stderr
    # buf formats what it does not build; the compile format caches still refuses a build
    formatted = run("format", cwd=root)
    assert (formatted.exit_code, formatted.stdout) == (0, _buf(buf, root, "format").stdout)
    result = run("build", "-o", "out.binpb", cwd=root)
    assert result.exit_code == 1
    # buf writes no space after the column
    assert result.stderr == re.sub(r"(?m)^([^:]+:\d+:\d+):", r"\1: ", built.stderr)
    assert not (root / "out.binpb").exists()
    linted = _buf(buf, root, "lint")
    lint = run("lint", cwd=root)
    assert (lint.exit_code, lint.stdout) == (linted.returncode, linted.stdout)


def test_halves_and_reused_files_are_checked_together(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, {"base.proto": _BASE, **_PLAIN, "a.proto": _extending(
        "acme", "extend Opts { optional int32 a_ext = 150; }")})
    monkeypatch.setattr(protoc, "PARALLEL_FROM", 2)
    monkeypatch.setattr(protoc.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("PROTOPACT_CACHE_DIR", str(tmp_path / "cache"))
    assert run("build", "-o", "/dev/null", cwd=root).exit_code == 0
    # the clash comes with an edit: the edited file compiles alone, a.proto is reused
    (root / "m/f7.proto").write_text(_extending("m", "extend acme.Opts { optional int32 m_ext = 150; }"))
    edited = run("build", "-o", "/dev/null", cwd=root)
    assert (edited.exit_code, edited.stderr.strip()) == (
        1, "m/f7.proto:4:43: field number `150` used more than once")
    # the same tree compiled in two halves, with no cache
    assert run("build", "--no-cache", "-o", "/dev/null", cwd=root).stderr == edited.stderr


def test_a_baseline_the_cache_holds_is_refused_too(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROTOPACT_CACHE_DIR", str(tmp_path / "cache"))
    root = write_tree(tmp_path / "tree", {"buf.yaml": "version: v2\n", "base.proto": _BASE,
                                          **CASES["nested"]})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one"],
                   cwd=root, check=True)
    assert run("build", ".git#branch=main", "-o", "/dev/null", cwd=root).exit_code == 1
    (root / "b.proto").unlink()  # the input builds; its baseline, cached by now, does not
    result = run("breaking", "--against", ".git#branch=main", cwd=root)
    # a file that does not compile, on either side, is a COMPILE finding
    assert (result.exit_code, result.stdout) == (
        100, "b.proto:7:46:field number `120` used more than once\n")


def test_a_baseline_reusing_the_input_s_files_finds_their_clashes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROTOPACT_CACHE_DIR", str(tmp_path / "cache"))
    root = write_tree(tmp_path, {"buf.yaml": "version: v2\n", "base.proto": _BASE, **_PLAIN,
                                 "z.proto": _extending(
                                     "acme", "extend Opts { optional int32 z_ext = 150; }"),
                                 "m/f7.proto": _extending(
                                     "m", "extend acme.Opts { optional int32 m_ext = 150; }")})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "one"]):
        subprocess.run([*git, *args], cwd=root, check=True)
    # the input drops the clash; its baseline compiles m/f7.proto alone and reuses z.proto,
    # whose extension comes second by path
    (root / "m/f7.proto").write_text(_PLAIN["m/f7.proto"])
    result = run("breaking", "--against", ".git#branch=main", cwd=root)
    assert (result.exit_code, result.stdout) == (
        100, "z.proto:4:38:field number `150` used more than once\n")
    full = run("build", ".git#branch=main", "--no-cache", "-o", "/dev/null", cwd=root)
    assert full.stderr.strip() == "z.proto:4:38: field number `150` used more than once"


def test_only_files_whose_text_may_declare_an_extension_are_walked() -> None:
    files = []
    for name in ("a.proto", "b.proto"):
        f = FileDescriptorProto(name=name, package="acme")
        f.extension.add(name=f"{name[0]}_ext", number=150, extendee=".acme.Opts")
        files.append(f)
    assert taken_twice(files, extensions_of(files, [], {}), {}) == [("b.proto", None, None, 150)]
    assert taken_twice(files, extensions_of(
        files, [], {"b.proto": b"extend Opts { optional int32 b_ext = 150; }"}), {}) == [
        ("b.proto", None, None, 150)]
    # a text without the keyword declares no extension: the file is not walked
    assert taken_twice(files, extensions_of(files, [], {"b.proto": b"message B {}"}), {}) == []


def test_a_cached_compile_gives_its_files_extensions_to_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, {"base.proto": _BASE, **_PLAIN, "a.proto": _extending(
        "acme", "message Outer { extend Opts { optional int32 a_ext = 150; } }")})
    monkeypatch.setenv("PROTOPACT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(incremental, "_RECENT", incremental._RECENT.__class__(maxlen=2))
    assert run("build", "-o", "/dev/null", cwd=root).exit_code == 0
    walked: list[str] = []
    real = incremental.extensions
    monkeypatch.setattr(incremental, "extensions", lambda f: walked.append(f.name) or real(f))
    incremental._RECENT.clear()  # a new process: the donor is the cache's entry
    (root / "m/f7.proto").write_text(_extending("m", "extend acme.Opts { optional int32 m_ext = 150; }"))
    edited = run("build", "-o", "/dev/null", cwd=root)
    # a.proto's nested extension comes from the entry: only the edited file is walked
    assert walked == ["m/f7.proto"]
    assert (edited.exit_code, edited.stderr.strip()) == (
        1, "m/f7.proto:4:43: field number `150` used more than once")
