"""Breaking checks in a v2 workspace of several modules compare each module with its own baseline."""

from __future__ import annotations

from pathlib import Path

from .conftest import git, run, write_tree

WORKSPACE = {
    "buf.yaml": "version: v2\nmodules:\n  - path: one\n  - path: two\n",
    "one/a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A { string x = 1; }\n',
    "two/b/v1/b.proto": 'syntax = "proto3";\npackage b.v1;\nmessage B { string y = 1; }\n',
    "two/b/v1/c.proto": 'syntax = "proto3";\npackage b.v1;\nmessage C { string z = 1; }\n',
}


def test_modules_compare_with_their_own_baseline(tmp_path: Path) -> None:
    write_tree(tmp_path, WORKSPACE)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    unchanged = run("breaking", "--against", ".git#branch=main", cwd=tmp_path)
    assert (unchanged.exit_code, unchanged.stdout) == (0, "")
    (tmp_path / "two/b/v1/c.proto").unlink()
    deleted = run("breaking", "--against", ".git#branch=main", cwd=tmp_path)
    assert deleted.exit_code == 100
    assert deleted.stdout == '<input>:1:1:Previously present file "b/v1/c.proto" was deleted.\n'


def test_one_module_against_a_whole_workspace_image_agrees_with_buf(tmp_path: Path, buf: str) -> None:
    """Files the input still builds as imports are not deleted; other modules' files are, as in buf."""
    import json
    import subprocess

    def verdicts(tool: list[str]) -> tuple[int, list[str]]:
        done = subprocess.run([*tool, "breaking", "one", "--against", "base.binpb",
                               "--error-format", "json"], cwd=tmp_path, capture_output=True, text=True)
        return done.returncode, sorted(
            json.dumps({k: v for k, v in json.loads(line).items()}, sort_keys=True)
            for line in done.stdout.splitlines())

    import sys
    protopact = [sys.executable, "-m", "protopact"]
    write_tree(tmp_path, {**WORKSPACE, "one/a/v1/a.proto": (
        'syntax = "proto3";\npackage a.v1;\nimport "b/v1/b.proto";\nmessage A { b.v1.B x = 1; }\n')})
    assert run("build", "-o", "base.binpb", cwd=tmp_path).exit_code == 0
    before = verdicts(protopact)
    assert before == verdicts([buf])
    assert not any("b/v1/b.proto" in line for line in before[1])  # still built, as an import
    (tmp_path / "one/a/v1/a.proto").write_text(
        'syntax = "proto3";\npackage a.v1;\nimport "b/v1/b.proto";\nmessage A { b.v1.B y = 2; }\n')
    after = verdicts(protopact)
    assert after[0] == 100 and after == verdicts([buf])
