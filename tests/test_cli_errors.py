"""How the command line ends on an error: one line, exit code 1, never a traceback, no credentials."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from protopact.compile import inputs as inputs_module
from protopact.errors import redacted

from .conftest import run, write_tree


def _failing(exc: BaseException):  # type: ignore[no-untyped-def]
    def load(*_: object, **__: object) -> None:
        raise exc
    return load


def test_a_bug_is_one_line_saying_so_and_debug_shows_the_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs_module, "load_input", _failing(KeyError("surprise")))
    monkeypatch.delenv("PROTOPACT_DEBUG")
    result = run("build", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [(
        "protopact: internal error: KeyError: 'surprise'. This is a bug in protopact; please report "
        "it with the command that caused it (PROTOPACT_DEBUG=1 shows the traceback)")]
    monkeypatch.setenv("PROTOPACT_DEBUG", "1")
    with pytest.raises(KeyError):
        run("build", cwd=tmp_path)


def test_an_operating_system_error_is_its_reason(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    full = OSError(errno.ENOSPC, "No space left on device", "out/x.py")
    monkeypatch.setattr(inputs_module, "load_input", _failing(full))
    monkeypatch.delenv("PROTOPACT_DEBUG")
    result = run("build", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (1, "out/x.py: No space left on device\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("https://user:secret@example.com/r.git#branch=main", "https://***@example.com/r.git#branch=main"),
    ("cannot clone ssh://git:tok@h:22/r and https://tok@h/x", "cannot clone ssh://***@h:22/r and https://***@h/x"),
    ("https://a:p@ss@h/r.git", "https://***@h/r.git"),
    ("git@github.com:o/r.git and https://h/r.git?x=@", "git@github.com:o/r.git and https://h/r.git?x=@"),
])
def test_credentials_in_urls_are_redacted(text: str, expected: str) -> None:
    assert redacted(text) == expected


def test_every_error_line_is_redacted(tmp_path: Path) -> None:
    result = run("build", "https://user:hunter2@127.0.0.1:9/r.git#branch=main", cwd=tmp_path)
    assert result.exit_code == 1
    assert "hunter2" not in result.stderr and "https://***@127.0.0.1:9/r.git" in result.stderr


def test_file_names_that_look_like_protoc_flags_are_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {name: f'syntax = "proto3";\npackage p{i};\nmessage M {{}}\n'
                          for i, name in enumerate(["--help.proto", "-I/x.proto", "@args.proto"])})
    result = run("build", "-o", "out.json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "out.json").read_text()
    assert all(f'"name": "{n}"' in text for n in ["--help.proto", "-I/x.proto", "@args.proto"])


def _nested_option(depth: int) -> str:
    value = "{ n: " * depth + "{ v: 1 }" + " }" * depth
    return ('syntax = "proto2";\npackage d;\nimport "google/protobuf/descriptor.proto";\n'
            "message N { optional N n = 1; optional int32 v = 2; }\n"
            "extend google.protobuf.MessageOptions { optional N deep = 50001; }\n"
            f"message M {{ option (deep) = {value}; }}\n")


def test_a_protoc_crash_is_an_error_naming_the_file(tmp_path: Path) -> None:
    files = {f"ok{i}.proto": f'syntax = "proto3";\npackage ok{i};\nmessage M {{}}\n' for i in range(5)}
    write_tree(tmp_path / "t", {**files, "deep.proto": _nested_option(120)})
    result = run("build", "t", cwd=tmp_path)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("t/deep.proto: protoc crashed (SIGABRT: Check failed:")
    write_tree(tmp_path / "t", {"deep.proto": _nested_option(60)})
    assert run("build", "t", cwd=tmp_path).exit_code == 0


def test_protoc_errors_come_first_and_its_log_lines_as_warnings(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.proto": "package a;\nmessage A { optional strin x = 1; }\n"})
    result = run("build", cwd=tmp_path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == 'a.proto:2:22: "strin" is not defined.'
    assert lines[1].startswith("WARN: No edition or syntax specified for the proto file: a.proto.")
    assert not any("absl" in line or "W0000" in line for line in lines)
