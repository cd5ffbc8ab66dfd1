"""A file that does not compile is a ``COMPILE`` finding in lint and breaking, as in buf (exit 100, in
every ``--error-format``); ``build`` still fails with exit 1. The words are protoc's."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import run, write_tree

GOOD = 'syntax = "proto3";\npackage foo;\nmessage B {}\n'
BROKEN = {  # each: a.proto that protoc and buf reject at the same place
    "unknown_type": 'syntax = "proto3";\npackage foo;\nmessage A {\n  strin x = 1;\n}\n',
    "number_reused": 'syntax = "proto3";\npackage foo;\nmessage A {\n  int32 x = 1;\n  int32 y = 1;\n}\n',
    "syntax": 'syntax = "proto3"\npackage foo;\n',
    "missing_import": 'syntax = "proto3";\npackage foo;\nimport "nope.proto";\nmessage A {}\n',
}


def _rows(stdout: str) -> list[tuple[str, int, int, str]]:
    rows = [json.loads(line) for line in stdout.splitlines()]
    return sorted((r["path"], r["start_line"], r["start_column"], r["type"]) for r in rows)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_lint_reports_compile_errors_where_buf_does(tmp_path: Path, buf: str, case: str) -> None:
    write_tree(tmp_path, {"buf.yaml": "version: v2\n", "a.proto": BROKEN[case], "b.proto": GOOD})
    ours = run("lint", "--error-format", "json", cwd=tmp_path)
    theirs = subprocess.run([buf, "lint", "--error-format", "json"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert (ours.exit_code, theirs.returncode) == (100, 100)
    assert _rows(ours.stdout) == _rows(theirs.stdout) != []


@pytest.mark.parametrize(("fmt", "expected"), [
    ("text", "a.proto:4:3:"),
    ("github-actions", "::error file=a.proto,line=4,col=3,"),
    ("msvs", "a.proto(4,3) : error COMPILE : "),
    ("junit", 'type="COMPILE"'),
    ("gitlab-code-quality", '"check_name":"COMPILE"'),
    ("sarif", '"ruleId": "COMPILE"'),
    ("markdown", "COMPILE"),
])
def test_every_format_carries_the_compile_finding(tmp_path: Path, fmt: str, expected: str) -> None:
    write_tree(tmp_path, {"a.proto": BROKEN["unknown_type"]})
    result = run("lint", "--error-format", fmt, cwd=tmp_path)
    assert result.exit_code == 100
    assert expected in result.stdout and "strin" in result.stdout


@pytest.mark.parametrize("broken_side", ["cur", "prev"])
def test_breaking_reports_a_side_that_does_not_compile_as_buf_does(
        tmp_path: Path, buf: str, broken_side: str) -> None:
    for side in ("cur", "prev"):
        text = BROKEN["unknown_type"] if side == broken_side else GOOD
        write_tree(tmp_path / side, {"buf.yaml": "version: v2\n", "a.proto": text})
    args = ["breaking", "cur", "--against", "prev", "--error-format", "json"]
    ours = run(*args, cwd=tmp_path)
    theirs = subprocess.run([buf, *args], cwd=tmp_path, capture_output=True, text=True)
    assert (ours.exit_code, theirs.returncode) == (100, 100)
    assert _rows(ours.stdout) == _rows(theirs.stdout) == [(f"{broken_side}/a.proto", 4, 3, "COMPILE")]


def test_build_still_fails_with_protocs_message(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.proto": BROKEN["unknown_type"]})
    result = run("build", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith('a.proto:4:3: "strin" is not defined.')
