"""``protopact breaking`` end to end: bad input on either side, --bump-from, ignores, formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from protopact.checks.versioning import next_version
from tests.conftest import git, run, write_tree

BASE = {"buf.yaml": "version: v2\n", "a/v1/a.proto": """
    syntax = "proto3";
    package a.v1;
    message M { int32 x = 1; string y = 2; }
"""}


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    write_tree(tmp_path / "previous", BASE)
    write_tree(tmp_path / "current", {**BASE, "a/v1/a.proto": """
        syntax = "proto3";
        package a.v1;
        message M { int32 x = 1; }
        message Added {}
    """})
    return tmp_path


def test_deleted_field_is_found_in_text(pair: Path) -> None:
    result = run("breaking", "current", "--against", "previous", cwd=pair)
    assert result.exit_code == 100
    assert result.stdout == ('current/a/v1/a.proto:3:1:Previously present field "2" with name "y" '
                             'on message "M" was deleted.\n')


def test_clean_run_prints_nothing_in_every_buf_format(pair: Path) -> None:
    for fmt in ("text", "json", "msvs", "junit", "github-actions", "gitlab-code-quality"):
        result = run("breaking", "previous", "--against", "previous", "--error-format", fmt, cwd=pair)
        assert (result.exit_code, result.stdout) == (0, ""), fmt


@pytest.mark.parametrize("fmt", ["text", "json", "msvs", "junit", "github-actions",
                                 "gitlab-code-quality"])
def test_every_buf_format_is_bufs_byte_for_byte(pair: Path, buf: str, fmt: str) -> None:
    """Findings with a span, with a file but no span, and with neither (a deleted file)."""
    import subprocess

    (pair / "previous" / "a/v1/gone.proto").write_text('syntax = "proto3";\npackage a.v1;\n'
                                                       "service Gone {}\n")
    (pair / "previous" / "a/v1/s.proto").write_text('syntax = "proto3";\npackage a.v1;\nservice S {}\n')
    (pair / "current" / "a/v1/s.proto").write_text('syntax = "proto3";\npackage a.v1;\n')
    args = ["breaking", "current", "--against", "previous", "--error-format", fmt]
    theirs = subprocess.run([buf, *args], cwd=pair, capture_output=True, text=True)
    ours = run(*args, cwd=pair)
    assert theirs.returncode == 100 and theirs.stdout.count("gone.proto") == 1
    assert "s.proto" in theirs.stdout  # SERVICE_NO_DELETE: a file, but no span
    assert (ours.exit_code, ours.stdout) == (theirs.returncode, theirs.stdout)


def test_bump_from(pair: Path) -> None:
    result = run("breaking", "current", "--against", "previous", "--bump-from", "1.4.2", cwd=pair)
    assert (result.exit_code, result.stdout) == (100, "2.0.0\n") and "was deleted" in result.stderr
    result = run("breaking", "previous", "--against", "previous", "--bump-from", "1.4.2", cwd=pair)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1.4.3\n", "")


@pytest.mark.parametrize(("version", "breaking", "additions", "expected"), [
    ("1.2.3", True, True, "2.0.0"), ("1.2.3", False, True, "1.3.0"), ("1.2.3", False, False, "1.2.4"),
    ("0.4.1", True, False, "0.5.0"), ("v0.4.1", False, False, "0.4.2"),
    ("1.4.2-rc.1", False, False, "1.4.2"), ("1.4.2-rc.1", False, True, "1.5.0"),
    ("1.4.0-rc.1", False, True, "1.4.0"), ("1.4.0-rc.1", True, False, "2.0.0"),
    ("2.0.0-rc.1", True, True, "2.0.0"), ("0.5.0-alpha", True, False, "0.5.0"),
    ("1.2.3+build.7", False, False, "1.2.4"), ("1.2.3-0.a-b.7+x", False, False, "1.2.3"),
])
def test_next_version(version: str, breaking: bool, additions: bool, expected: str) -> None:
    assert next_version(version, breaking=breaking, additions=additions) == expected


def test_bad_bump_version(pair: Path) -> None:
    for bad in ("1.2", "1.2.3-", "1.2.3-01", "01.2.3", "1.2.3+"):
        result = run("breaking", "current", "--against", "previous", "--bump-from", bad, cwd=pair)
        assert result.exit_code == 1 and "--bump-from" in result.stderr and not result.stdout


def test_baseline_that_does_not_compile_is_a_compile_finding(pair: Path) -> None:
    (pair / "previous" / "a" / "v1" / "a.proto").write_text("syntax = \"proto3\";\nmessage {\n")
    result = run("breaking", "current", "--against", "previous", cwd=pair)
    assert result.exit_code == 100  # a COMPILE finding, as buf reports it
    assert result.stdout == "previous/a/v1/a.proto:2:9:Expected message name.\n"


def test_input_that_does_not_compile_is_a_compile_finding(pair: Path) -> None:
    (pair / "current" / "a" / "v1" / "a.proto").write_text("syntax = \"proto3\";\nmessage {\n")
    result = run("breaking", "current", "--against", "previous", cwd=pair)
    assert result.exit_code == 100
    assert result.stdout == "current/a/v1/a.proto:2:9:Expected message name.\n"


def test_corrupt_image_baseline(pair: Path) -> None:
    (pair / "broken.binpb").write_bytes(b"\x0a\xff\xff\xff")
    result = run("breaking", "current", "--against", "broken.binpb", cwd=pair)
    assert result.exit_code == 1 and result.stderr.startswith("against: broken.binpb")


def test_invalid_buf_yaml_on_baseline(pair: Path) -> None:
    (pair / "previous" / "buf.yaml").write_text("version: v2\nbreaking:\n  usee: [FILE]\n")
    result = run("breaking", "current", "--against", "previous", cwd=pair)
    assert result.exit_code == 1 and result.stderr.startswith("against: ")
    assert "usee" in result.stderr


def test_missing_git_ref(pair: Path) -> None:
    git(pair, "init", "-q", "-b", "trunk")
    git(pair, "add", ".")
    git(pair, "commit", "-qm", "base")
    result = run("breaking", "current", "--against", ".git#branch=nope,subdir=previous", cwd=pair)
    assert result.exit_code == 1 and result.stderr.startswith("against: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_ignore_unstable_packages(tmp_path: Path) -> None:
    config = "version: v1\nbreaking:\n  use: [FILE]\n  ignore_unstable_packages: true\n"
    for side, body in (("previous", "message M {} message Gone {}"), ("current", "message M {}")):
        for package in ("x.v1beta1", "y.v1", "z.v1test"):
            write_tree(tmp_path / side, {"buf.yaml": config, f"{package}/a.proto":
                                         f'syntax = "proto3";\npackage {package};\n{body}\n'})
    result = run("breaking", "current", "--against", "previous", cwd=tmp_path)
    assert result.stdout == ('current/y.v1/a.proto:1:1:Previously present message "Gone" was '
                             "deleted from file.\n")
