"""``protopact lint --fix``: unused imports removed, deleted fields reserved, every other byte kept."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run, write_tree

CONFIG = "version: v2\nlint:\n  use: [IMPORT_USED]\n"
MAIN = """\
syntax = "proto3";
// The package.
package a.v1;

import "a/v1/unused.proto";  // trailing note
import "google/protobuf/timestamp.proto";
import "a/v1/used.proto";

// Keep   this    formatting.
message Thing {
  Used used = 1;
	string  kept = 3; // tab-indented
  map<string, int32> counts = 4;
}

enum Color {
  COLOR_DEFAULT = 0;
}

message Inline { string a = 1; }
"""


def tree(root: Path, main: str = MAIN) -> Path:
    return write_tree(root, {
        "buf.yaml": CONFIG,
        "a/v1/main.proto": main,
        "a/v1/used.proto": 'syntax = "proto3";\npackage a.v1;\nmessage Used {}\n',
        "a/v1/unused.proto": 'syntax = "proto3";\npackage a.v1;\nmessage Unused {}\n',
    })


def test_fix_removes_unused_imports_only(tmp_path: Path) -> None:
    root = tree(tmp_path)
    assert run("lint", cwd=root).exit_code == 100
    result = run("lint", "--fix", cwd=root)
    assert (result.exit_code, result.stdout) == (0, "")
    expected = MAIN.replace('import "a/v1/unused.proto";  // trailing note\n', "").replace(
        'import "google/protobuf/timestamp.proto";\n', "")
    assert (root / "a/v1/main.proto").read_text() == expected
    assert (root / "a/v1/used.proto").read_text() == 'syntax = "proto3";\npackage a.v1;\nmessage Used {}\n'


def test_fix_against_reserves_deleted_fields_and_values(tmp_path: Path) -> None:
    baseline = tree(tmp_path / "before", MAIN.replace(
        "  map<string, int32> counts = 4;\n", "  map<string, int32> counts = 4;\n  int64 gone = 7;\n"
    ).replace("  COLOR_DEFAULT = 0;\n", "  COLOR_DEFAULT = 0;\n  COLOR_RED = 1;\n").replace(
        "message Inline { string a = 1; }", "message Inline { string a = 1; bool b = 2; }"))
    root = tree(tmp_path / "after")
    result = run("lint", "--fix", "--against", str(baseline), cwd=root)
    assert result.exit_code == 0, result.stdout + result.stderr
    text = (root / "a/v1/main.proto").read_text()
    assert text == (
        MAIN.replace('import "a/v1/unused.proto";  // trailing note\n', "")
        .replace('import "google/protobuf/timestamp.proto";\n', "")
        .replace("  map<string, int32> counts = 4;\n}",
                 '  map<string, int32> counts = 4;\n  reserved 7;\n  reserved "gone";\n}')
        .replace("  COLOR_DEFAULT = 0;\n}", '  COLOR_DEFAULT = 0;\n  reserved 1;\n  reserved "COLOR_RED";\n}')
        .replace("message Inline { string a = 1; }",
                 'message Inline { string a = 1; reserved 2; reserved "b"; }')
    )
    # Idempotent: a second run finds nothing more to reserve.
    assert run("lint", "--fix", "--against", str(baseline), cwd=root).exit_code == 0
    assert (root / "a/v1/main.proto").read_text() == text


def test_fix_needs_a_directory(tmp_path: Path) -> None:
    root = tree(tmp_path)
    run("build", "-o", "image.binpb", cwd=root)
    result = run("lint", "image.binpb", "--fix", cwd=root)
    assert result.exit_code == 1
    assert "INPUT must be a directory" in result.stderr


def test_against_without_fix_is_an_error(tmp_path: Path) -> None:
    result = run("lint", "--against", ".", cwd=tree(tmp_path))
    assert result.exit_code == 1


def test_fix_finds_imports_after_tabs_and_wide_characters(tmp_path: Path) -> None:
    """Spans count columns as buf does (characters, tab stops of 4); edits still land on bytes."""
    main = ('syntax = "proto3";\npackage a.v1;\n/* é€ */\timport "a/v1/used.proto";\n'
            '\t\timport "a/v1/unused.proto"; // ü gone too\nmessage M { Used u = 1; }\n')
    root = tree(tmp_path, main)
    assert run("lint", "--fix", cwd=root).exit_code == 0
    assert (root / "a/v1/main.proto").read_text() == main.replace(
        '\t\timport "a/v1/unused.proto"; // ü gone too\n', "")



FORMATTED_ONLY_UNUSED = """\
syntax = "proto3";

package a.v1;

import "a/v1/unused.proto";

// Keep this comment.
message Thing {
  string kept = 3;
}
"""


def test_fix_keeps_formatted_files_formatted(tmp_path: Path) -> None:
    """A file ``format`` leaves alone is still one ``format`` leaves alone after ``--fix``, whether the
    fix removes one import of several, every import, or reserves numbers in a one-line body."""
    from protopact.format import format_text

    main = format_text(MAIN)
    baseline = tree(tmp_path / "before", format_text(MAIN.replace(
        "  map<string, int32> counts = 4;\n", "  map<string, int32> counts = 4;\n  int64 gone = 7;\n"
    ).replace("message Inline { string a = 1; }", "message Inline { string a = 1; bool b = 2; }")))
    for name, text in (("several", main), ("only", FORMATTED_ONLY_UNUSED)):
        assert format_text(text) == text
        root = tree(tmp_path / name, text)
        result = run("lint", "--fix", "--against", str(baseline), cwd=root)
        assert result.exit_code == 0, result.stdout + result.stderr
        fixed = (root / "a/v1/main.proto").read_text()
        assert fixed != text
        assert format_text(fixed) == fixed, fixed
