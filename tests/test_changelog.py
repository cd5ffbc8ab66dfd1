"""``changelog`` as a release note and ``--bump-from`` on removals, under every rule category that
``buf.yaml`` can select, in both config versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run, write_tree

PREVIOUS = {
    "a/v1/a.proto": """
        syntax = "proto3";
        package a.v1;
        // A thing.
        message Kept { int32 x = 1; }
        message Dropped { int32 y = 1; }
        service S {
          rpc Get(Kept) returns (Kept);
          rpc Gone(Kept) returns (Kept);
        }
        service Old { rpc Ping(Kept) returns (Kept); }
    """,
    "a/v1/gone.proto": 'syntax = "proto3";\npackage a.v1;\nmessage InGone {}\nenum Was { WAS_DEFAULT = 0; }\n',
}
CURRENT = {
    "a/v1/a.proto": """
        syntax = "proto3";
        package a.v1;
        // A kept thing.
        message Kept {
          // The x.
          int32 x = 1;
        }
        service S {
          rpc Get(Kept) returns (Kept);
        }
    """,
}
CATEGORIES = [("v1", "FILE"), ("v1", "PACKAGE"), ("v1", "WIRE_JSON"), ("v1", "WIRE"),
              ("v2", "FILE"), ("v2", "PACKAGE"), ("v2", "WIRE_JSON"), ("v2", "WIRE")]

REMOVED = """\
## Removed

- file `previous/a/v1/gone.proto`: message `a.v1.InGone`, enum `a.v1.Was`
- message `a.v1.Dropped` in `previous/a/v1/a.proto`
- service `a.v1.Old` in `previous/a/v1/a.proto`

### service `a.v1.S` (`previous/a/v1/a.proto`)

- RPC `Gone`
"""


def pair(root: Path, version: str, category: str) -> Path:
    config = f"version: {version}\nbreaking:\n  use:\n    - {category}\n"
    write_tree(root / "previous", {"buf.yaml": config, **PREVIOUS})
    write_tree(root / "current", {"buf.yaml": config, **CURRENT})
    return root


@pytest.mark.parametrize(("version", "category"), CATEGORIES)
def test_removals_are_major_and_listed_under_every_category(tmp_path: Path, version: str,
                                                            category: str) -> None:
    pair(tmp_path, version, category)
    bumped = run("breaking", "current", "--against", "previous", "--bump-from", "1.4.2",
                 cwd=tmp_path)
    assert bumped.stdout == "2.0.0\n"
    # The rules decide the exit code and the findings (on stderr), the removals the version.
    checked = run("breaking", "current", "--against", "previous", cwd=tmp_path)
    assert bumped.exit_code == checked.exit_code and bumped.stderr.endswith(checked.stdout)
    note = run("changelog", "current", "--against", "previous", "--bump-from", "1.4.2",
               cwd=tmp_path).stdout
    assert REMOVED in note
    assert "Next version: **2.0.0** (from 1.4.2)." in note
    assert "\n## Comments changed\n\n- `current/a/v1/a.proto`: message `a.v1.Kept`, field `a.v1.Kept.x`\n" in note
    assert "## Added" not in note and "## Deprecated" not in note


def test_wire_lets_a_deleted_rpc_pass_the_check_but_not_the_version(tmp_path: Path) -> None:
    pair(tmp_path, "v2", "WIRE")
    checked = run("breaking", "current", "--against", "previous", cwd=tmp_path)
    assert (checked.exit_code, checked.stdout) == (0, "")
    note = run("changelog", "current", "--against", "previous", cwd=tmp_path).stdout
    assert note.startswith("# Changelog\n\nSummary: 4 removals, comments changed in 1 file.\n\n"
                           "## Removed\n")


def test_breaking_changes_come_first_grouped_by_their_element(tmp_path: Path) -> None:
    pair(tmp_path, "v2", "FILE")
    note = run("changelog", "current", "--against", "previous", cwd=tmp_path).stdout
    assert note.index("## Breaking changes") < note.index("## Removed")
    breaking = note.split("## Breaking changes\n\n")[1].split("\n## ")[0]
    # A deleted file has no place in the input; the deleted RPC is reported on its service.
    assert breaking.splitlines()[0].startswith('- `<input>` Previously present file "a/v1/gone.proto"')
    assert breaking.endswith("\n\n### service `a.v1.S` (`current/a/v1/a.proto`)\n\n"
                             "- `current/a/v1/a.proto:8:1` Previously present RPC \"Gone\" on service "
                             "\"S\" was deleted. (`RPC_NO_DELETE`)\n")


def test_bump_output_writes_the_version_and_leaves_the_findings_on_stdout(tmp_path: Path) -> None:
    pair(tmp_path, "v2", "FILE")
    out = tmp_path / "VERSION"
    result = run("breaking", "current", "--against", "previous", "--bump-from", "v0.9.0-rc.2",
                 "--bump-output", str(out), cwd=tmp_path)
    assert out.read_text() == "0.9.0\n"
    assert result.exit_code == 100 and "was deleted" in result.stdout


def test_bump_output_needs_bump_from(tmp_path: Path) -> None:
    pair(tmp_path, "v2", "FILE")
    result = run("breaking", "current", "--against", "previous", "--bump-output", "V", cwd=tmp_path)
    assert result.exit_code == 1 and "--bump-from" in result.stderr and not (tmp_path / "V").exists()


def test_an_unchanged_tree_has_no_changes(tmp_path: Path) -> None:
    pair(tmp_path, "v2", "FILE")
    note = run("changelog", "previous", "--against", "previous", "--bump-from", "1.0.0",
               cwd=tmp_path).stdout
    assert note == "# Changelog\n\nNext version: **1.0.1** (from 1.0.0).\n\nNo changes.\n"


def test_comment_only_changes_fold_into_one_line_per_file(tmp_path: Path) -> None:
    files = {"buf.yaml": "version: v2\n",
             "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A { int32 x = 1; int32 y = 2; }\n',
             "a/v1/b.proto": 'syntax = "proto3";\npackage a.v1;\nmessage B {}\n'}
    write_tree(tmp_path / "previous", files)
    write_tree(tmp_path / "current", {
        **files,
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\n// A.\nmessage A {\n  // X.\n  int32 x = 1;\n'
                        '  // Y.\n  int32 y = 2;\n}\n',
        "a/v1/b.proto": 'syntax = "proto3";\npackage a.v1;\n// B.\nmessage B {}\n'})
    result = run("changelog", "current", "--against", "previous", "--bump-from", "2.1.0", cwd=tmp_path)
    assert result.stdout == (
        "# Changelog\n\nNext version: **2.1.1** (from 2.1.0).\n\n"
        "Summary: comments changed in 2 files.\n\n## Comments changed\n\n"
        "- `current/a/v1/a.proto`: message `a.v1.A`, field `a.v1.A.x`, field `a.v1.A.y`\n"
        "- `current/a/v1/b.proto`: message `a.v1.B`\n")
