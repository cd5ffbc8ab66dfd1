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
