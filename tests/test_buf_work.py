"""v1 workspaces (``buf.work.yaml``): each directory a module with its own v1 ``buf.yaml``, read as
buf reads them, for directories and git baselines alike."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import git, run, write_tree

WORK = {
    "buf.work.yaml": "version: v1\ndirectories:\n  - proto\n  - vendor\n",
    "proto/buf.yaml": """
        version: v1
        build:
          excludes: [skip]
        lint:
          use: [DEFAULT, COMMENTS]
          except: [PACKAGE_VERSION_SUFFIX]
          ignore: [acme/v1/ignored.proto]
        breaking:
          use: [FILE]
    """,
    "proto/acme/v1/a.proto": 'syntax = "proto3";\npackage acme.v1;\nimport "ext/v1/ext.proto";\n'
                             "// A.\nmessage A { ext.v1.Ext e = 1; string bad_Name = 2; }\n",
    "proto/acme/v1/ignored.proto": 'syntax = "proto3";\npackage acme.v1;\nmessage lower {}\n',
    "proto/skip/broken.proto": "not a proto",
    # no buf.yaml: buf's v1 defaults
    "vendor/ext/v1/ext.proto": 'syntax = "proto3";\npackage ext.v1;\n'
                               "message Ext { int32 x = 1; int32 y = 2; }\nenum bad { X = 0; }\n",
}


def _same(buf: str, cwd: Path, *args: str) -> str:
    theirs = subprocess.run([buf, *args, "--error-format", "json"], cwd=cwd, capture_output=True,
                            text=True)
    ours = run(*args, "--error-format", "json", cwd=cwd)
    assert (ours.exit_code, ours.stdout) == (theirs.returncode, theirs.stdout), ours.stderr
    return ours.stdout


def test_lint_reads_each_module_config_as_buf_does(tmp_path: Path, buf: str) -> None:
    root = write_tree(tmp_path, WORK)
    out = _same(buf, root, "lint")
    assert '"path":"vendor/ext/v1/ext.proto"' in out  # default rules where no buf.yaml
    assert "ignored.proto" not in out and "skip" not in out


def test_breaking_against_a_git_baseline_of_a_work_yaml(tmp_path: Path, buf: str) -> None:
    root = write_tree(tmp_path, WORK)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    (root / "vendor/ext/v1/ext.proto").write_text(
        'syntax = "proto3";\npackage ext.v1;\nmessage Ext { int32 x = 1; }\nenum bad { X = 0; }\n')
    out = _same(buf, root, "breaking", "--against", ".git#branch=main")
    assert out.count("\n") == 1 and 'with name \\"y\\"' in out
    assert run("breaking", "--against", "git:main", cwd=root).stdout == \
        run("breaking", "--against", ".git#branch=main", cwd=root).stdout


@pytest.mark.parametrize(("text", "expected"), [
    ("version: v2\ndirectories: [proto]\n", "buf.work.yaml: version must be v1"),
    ("version: v1\ndirectories: []\n", "buf.work.yaml: directories must list at least one"),
    ("version: v1\ndirectories: [../out]\n", "buf.work.yaml: directories entry '../out' must be"),
])
def test_bad_work_yaml_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    write_tree(tmp_path, {"buf.work.yaml": text, "proto/a.proto": 'syntax = "proto3";\n'})
    result = run("build", cwd=tmp_path)
    assert result.exit_code == 1
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
