"""``protopact format`` against live ``buf format``: byte-identical output, and buf's CLI semantics."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

from protopact.compile.protoc import PARALLEL_FROM
from protopact.format import format_text

from .conftest import REPO, buf_binary, git, run, tar_bytes, write_tree, zip_bytes
from .test_benchmarks_corpus import _generate


FIXTURES = REPO / "tests" / "format" / "fixtures"


def _buf_formatted(tree: Path, out: Path) -> dict[str, str]:
    """Every ``.proto`` under ``tree`` as ``buf format`` writes it (one buf run per tree)."""
    subprocess.run([buf_binary(), "format", str(tree), "-o", str(out)], check=True, capture_output=True)
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in sorted(out.rglob("*.proto"))}


def _buf_formatted_files(files: list[Path], work: Path) -> dict[Path, str]:
    """``buf format``'s output for each of ``files``, copied into one module (one buf run)."""
    tree = work / "in"
    copies = {}
    for i, path in enumerate(files):
        copy = tree / str(i) / path.name
        copy.parent.mkdir(parents=True)
        shutil.copy(path, copy)
        copies[f"{i}/{path.name}"] = path
    return {copies[name]: text for name, text in _buf_formatted(tree, work / "out").items()}


@pytest.fixture(scope="session")
def buf_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, str]:
    files = sorted(FIXTURES.rglob("*.proto")) + sorted((REPO / "proto").rglob("*.proto"))
    return _buf_formatted_files(files, tmp_path_factory.mktemp("buf-format"))


def test_every_fixture_and_repo_proto_matches_buf(buf_outputs: dict[Path, str]) -> None:
    assert len(buf_outputs) > 10
    mismatched = [str(p) for p, text in buf_outputs.items()
                  if format_text(p.read_text("utf-8")) != text]
    assert mismatched == []


@pytest.fixture(scope="session")
def buf_outputs_twice(buf_outputs: dict[Path, str], tmp_path_factory: pytest.TempPathFactory) \
        -> dict[Path, str]:
    """``buf format``'s output formatted again by buf, for each file of :func:`buf_outputs`."""
    work = tmp_path_factory.mktemp("buf-format-twice")
    names = {}
    for i, (path, text) in enumerate(buf_outputs.items()):
        (work / "in" / str(i)).mkdir(parents=True)
        (work / "in" / str(i) / path.name).write_text(text, "utf-8")
        names[f"{i}/{path.name}"] = path
    return {names[name]: text for name, text in _buf_formatted(work / "in", work / "out").items()}


def test_formatting_twice_changes_what_buf_changes(buf_outputs: dict[Path, str],
                                                   buf_outputs_twice: dict[Path, str]) -> None:
    for path, text in buf_outputs.items():
        assert format_text(text) == buf_outputs_twice[path], path
    # buf's output is its own fixed point, except where the empty statements it dropped leave
    # blank lines (after `{`, before `}`) that a second pass removes
    unstable = [p.name for p, text in buf_outputs.items() if buf_outputs_twice[p] != text]
    assert unstable == ["empty_statements.proto"]


OPTS = ("syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\n"
        "message O { int32 a = 1; string b = 2; repeated int32 c = 3; O d = 4; repeated O e = 5; }\n"
        "extend google.protobuf.MessageOptions { O o = 50001; }\n"
        "extend google.protobuf.FieldOptions { O f = 50002; }\n")


@pytest.mark.parametrize("source", [
    # comments: a group before a closing brace set apart by blank lines, and block comments
    "syntax = \"proto3\";\nmessage A {\n  int32 a = 1;\n\n  // one\n\n  // two\n}\n",
    "syntax = \"proto3\";\nmessage A {\n  int32 a = 1; /* same line */ int32 b = 2;\n  /* x\n     y */\n}\n",
    # options whose values are adjacent strings, in and out of brackets
    "syntax = \"proto2\";\nmessage A { optional string s = 1 [default = \"a\" \"b\", deprecated = true];"
    " optional string t = 2 [default = \"a\"\n \"b\"]; }\n",
    # header sorting: duplicate imports, custom options after built-in ones
    "syntax = \"proto3\";\nimport \"b.proto\";\nimport public \"a.proto\";\nimport \"b.proto\";\n"
    "option (x) = 1;\noption java_package = \"p\";\n",
    # blank lines before the first element, whatever it is, are dropped
    "\n\noption java_package = \"x\";\n",
    "syntax = \"proto3\";\n\n\nimport \"b.proto\";\nimport \"a.proto\";\n",
    "import \"b.proto\";\n\nimport \"a.proto\";\nmessage A {}\n",
    # no syntax at all, an rpc whose stream keyword is followed by a fully-qualified type
    "message A {}\nservice S { rpc M(stream .A) returns (stream A); }\n",
    # comments a sorted header moves: detached groups stay, the group above an import moves with it
    "syntax = \"proto3\";\npackage p;\n\nimport \"c.proto\";\n\n// D1\n\nimport \"b.proto\";\n\n// D2\n\n"
    "// A2\nimport \"a.proto\";\n\n// D3\n\noption java_package = \"x\";\n// D4\n\noption go_package = \"y\";\n",
    # several comments on one line all trail it; empty statements go, their comments stay
    "syntax = \"proto3\";\n/* a */ /* b */\nmessage M {\n  int32 a = 1; /* t1 */ /* t2 */ // t3\n  ;\n"
    "  int32 b = 2;\n  ; // semi\n}\n; // file semi\nmessage Q { ; }\nservice S { rpc A(M) returns (M) { ; } }\n",
    # a line comment written inside a line becomes a block comment: its text kept as written
    # (trailing spaces aside), a `*/` in it broken so the comment ends where it should
    "syntax = \"proto3\";\nmessage M {\n  int32 //   x  \n  f = 1;\n  int32 // foo */ bar\n  g = 2;\n"
    "  int32 //\n  h = 3;\n  int32 i //x\n  = 4;\n}\n",
    # comments inside message literal values: one makes a one-field literal span lines; after `{`
    # or `[]`'s `[` it goes on a line of its own; a block comment after a scalar value or before
    # the next token on its line goes above that token, one between `}`s stays after the first;
    # one after a field name is set apart from the colon; a line comment after the colon stays
    # one before a scalar value, not before a message; a block comment spanning lines keeps them
    OPTS + "message A { option (o) = {a: /* c */ 7}; }\nmessage B { option (o) = { // c\n a: 1 }; }\n"
    "message C { option (o) = {a: 1 /* c */ b: \"s\" /* d */}; }\n"
    "message D { option (o) = {a // c\n: 1 d: {a: 2} /* e */ }; }\n"
    "message E { option (o) = {a: // c\n 1 d: // e\n {a: 2} c: [ // f\n ] b: // g\n \"x\" \"y\"}; }\n"
    "message F { option (o) = {d /* c */ {a: 1} d {d {a: 1} /* e */ } a: -3 // f\n}; }\n"
    "message G { option (o) = {a: /*x\n   * y*/ 1, b: \"x\" \"y\"; // z\n}; }\n",
    # arrays in literals: a last one-field literal ends its line, a blank line or comments above
    # an element are kept, a comment after `,` stays on its line
    OPTS + "message A { option (o) = {e [{a: 1}, {a: 2} // c\n]}; }\n"
    "message B { option (o) = {c: [1, /* c */\n 2,\n\n // d\n\n 3]}; }\n",
    # compact options: a block comment after the last value goes above the `]`
    OPTS + "message A { int32 f = 1 [deprecated = true, (f) = {a: 1} /* c */]; }\n"
    "message B { int32 f = 1 [deprecated = true, (f) = {a: 1} /* c\n d */\n]; }\n",
    # a line comment after a non-empty array's `[`, in an option and in compact options, set apart
    # from the `[` (inline writing elsewhere in the line must not change how it is spaced)
    OPTS + "message A { option (o) = {c: [ // x\n 7, 8]}; }\n"
    "message B { int32 f = 1 [(f) = {a: 1 c: [ // x\n 7, 8]}]; }\n",
    # a one-field message literal whose value is adjacent strings
    "syntax = \"proto3\";\nmessage M {\n  option (o) = {b: \"x\" \"y\"};\n}\n",
    # comments above a closing token: only the last blank line among them is kept, unless one
    # precedes the token: then none above a body's }, all but the first above a literal's }, all
    # above a ]
    "message A {\n  int32 a = 1;\n\n  // one\n\n  // two\n  // three\n}\n",
    "message A {\n  int32 a = 1;\n  // one\n\n  // two\n\n}\n",
    "syntax = \"proto3\";\noption (o) = {\n  a: 1\n  //C0\n\n  //C1\n\n  //C2\n};\n",
    "syntax = \"proto3\";\noption (o) = {\n  a: [1, 7\n\n  //C0\n\n  //C1\n\n]\n};\n",
    "message M {\n  int32 a = 1 [deprecated = true, json_name = \"x\"\n\n  //C0\n\n  //C1\n\n];\n}\n",
    "syntax = \"proto3\";\noption (o) = {\n  a: 1\n  b: 2\n  //C0\n\n  //C1\n};\n",
    "syntax = \"proto3\";\noption (o) = {\n  d {\n    a: 1\n    b: 2\n    //C0\n\n  }\n  e: 3\n  //C3\n\n};\n",
    # buf reads a literal's fields in runs and prints the comment group detached (by a blank line)
    # from a run's first field above the field with the run's number, and the blank line after a
    # run before that field: an option's literal ends runs at `,`, `;` and `{...}` values ...
    OPTS + "message A { option (o) = {\n a: 1\n b: \"x\"\n a: 2,\n // c1\n\n b: \"y\"\n}; }\n"
    "message B { option (o) = {\n a: 1\n b: \"x\"\n a: 2;\n\n // c1\n\n b: \"y\"\n a: 3\n}; }\n"
    "message C { option (o) = {\n a: 1\n d { a: 1 }\n\n b: \"y\"\n a: 2\n}; }\n"
    "message D { int32 f = 1 [(f) = {\n b: \"x\"\n d {};\n b: \"x\"\n // z\n\n}]; }\n",
    # ... a nested one at `;` (a `;` after a `{...}` value is a run of its own) and `{...}` values
    OPTS + "message A { option (o) = {d {\n b: \"x\"\n d {};\n b: \"x\"\n // z\n\n}}; }\n"
    "message B { option (o) = {d {\n b: \"x\"\n b: \"x\",\n b: \"x\"\n b: \"x\"\n // z\n\n}}; }\n"
    "message C { option (o) = {e: [{\n a: 1\n a: 2;\n\n a: 3\n // z\n\n}]}; }\n",
    # a blank line anywhere between two fields goes above the comments of the second
    OPTS + "message A { option (o) = {\n a: 1\n // c\n\n // d\n b: \"y\"\n}; }\n"
    "message B { option (o) = {\n b: \"x\"\n\n a: 1\n /* y */\n\n}; }\n",
    # a moved group is set apart from what follows by the line breaks after it and before that
    OPTS + "message A { option (o) = {\n b: \"x\"; // x\n a: 1  b: \"y\"\n /* m */\n // z\n\n\n}; }\n",
    # two blank lines after comments above a value's closing token leave one (none in a body,
    # none after comments on the line of the value above); in an empty literal a comment after
    # `{` counts as on a line of its own
    OPTS + "message A { option (o) = {\n a: 1\n // c\n\n\n}; }\nmessage B { option (o) = {c: [\n // c\n\n\n]}; }\n"
    "message C { int32 x = 1 [deprecated = true, json_name = \"x\"\n // c\n\n\n]; }\n"
    "message D { option (o) = {\n b: \"x\" /* y */  // x\n\n\n}; }\n"
    "message E { option (o) = {d: {  // z\n\n\n}}; }\nmessage F {\n int32 a = 1;\n // c\n\n\n}\n",
    # above a literal's `}`, no blank line before the first comment on a line of its own
    OPTS + "message A { option (o) = {\n a: 1; /* m */\n\n // c\n\n}; }\n",
    # a block and then a line comment after a scalar value go on the next line, together
    OPTS + "message A { option (o) = {\n b: \"x\" /* y */ // x\n a: 2\n}; }\n"
    "message B { option (o) = {\n a: 1, /* y */ /* z */ // x\n}; }\n",
    # a separator's comment after a `<...>` value or a signed or qualified value
    OPTS + "message A { option (o) = {\n d <a: 1>, // c\n a: 1\n d <a: 1 b: 2>; /* c */\n a: -3, // c\n"
    " a: .x.y, // c\n}; }\n",
    # a block comment after a literal or an array: it stays there before `}` (not after a `;`)
    # and before a field on its line after a separator or a `{...}` value
    OPTS + "message A { option (o) = {\n a: 0\n d {a: 1}; /* y */ }; }\n"
    "message B { option (o) = {\n a: 0\n c: [1, 2], /* y */ }; }\n"
    "message C { option (o) = {\n a: 0\n d {a: 1} /* y */ b: 1\n c: [1, 2]; /* y */ b: 1\n"
    " d <a: 1>, /* y */ b: 1\n c: [1] /* y */ b: 1\n}; }\n",
    # an empty literal in an array; a block comment after another on a line keeps its indentation
    OPTS + "message A { option (o) = {e: [<>], d: {c: [1, 2] /* m\n * n */ /* m\n * n */ }}; }\n",
    # comments in an empty array set apart by blank lines on both sides: the blank line after `[`
    # is kept (not where only one side has one)
    OPTS + "message A { option (o) = {c: [\n\n /* a */\n\n /* b */\n\n]}; }\n"
    "message B { option (o) = {c: [\n\n\n // a\n\n\n]}; }\n"
    "message C { option (o) = {c: [\n /* a */\n\n]}; }\n"
    "message D { option (o) = {c: [\n\n /* a */\n]}; }\n"
    "message E { int32 f = 1 [(f) = {c: [\n\n /* a */\n\n]}]; }\n",
    # a comment after a separator that ends a run (`;`, or `,` in an option's literal) stays with
    # it, above a group moved to the next field, even with that field on its line; after a `,`
    # in a nested literal (no run's end) it leads the next field, below the moved group, and it
    # does even after a `{...}` value or an array
    OPTS + "message A { option (o) = {d: {\n a: 7 a: 2 ; /*A*/ c: [ ]\n\n /*B*/\n\n /*D*/\n\n}}; }\n"
    "message B { option (o) = {d: {\n a: 7 a: 2 , /*A*/ c: [ ]\n\n /*B*/\n\n}}; }\n"
    "message C { option (o) = {a: 1 a: 2, /*A*/ c: 3 a: 4\n /*B*/\n\n}; }\n"
    "message D { option (o) = {a: 1 a: 2; /*A*/ /*A2*/ c: 3 a: 4\n /*B*/\n\n}; }\n"
    "message E { option (o) = {d: {a: 1 a: 2; /*A*/ c: 3 ;\n //G\n\n a: 4 }}; }\n",
    OPTS + "message A { option (o) = {d: {\n a: 7 a: 2 ; // A\n c: 3\n\n /*B*/\n\n}}; }\n"
    "message B { option (o) = {d: {\n a: 7 a: 2 /*A*/ c: 3\n\n /*B*/\n\n}}; }\n"
    "message C { option (o) = {d: {a: 1 c: [1] , /*A*/ a: 3 a: 4;\n //G\n\n a: 5 }}; }\n"
    "message D { option (o) = {d: {a: 1 d: {a: 1} , /*A*/ a: 3 }}; }\n"
    "message E { option (o) = {d: {a: 1 d: <a: 1> ; /*A*/ a: 3 }}; }\n",
    # a block comment starting on the last line of another (a `;` between them, say) is indented
    # as that one is
    "syntax = \"proto2\";\nmessage M {\n  int32 a = 1 [deprecated = true] /*n\n * m*/; /*t\n * m*/\n"
    "  int32 b = 2 [(f) = {d {a: 1} }] /*n\n * m*/; /*t\n * m*/\n  int32 c = 3; /*n\n * m*/ /*t\n * m*/\n}\n",
])
def test_constructs_match_buf(source: str, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.proto").write_text(source)
    expected = _buf_formatted(tmp_path / "in", tmp_path / "out")["a.proto"]
    assert format_text(source) == expected


def test_comments_buf_drops_are_kept(tmp_path: Path) -> None:
    """A ``;`` or ``,`` after a nested literal's last ``{...}`` value makes buf read more runs than
    fields, and it loses the comment group above the closing brace: protopact keeps it there."""
    source = OPTS + "message A { option (o) = {d {\n d {};\n // z\n\n /* y */\n}}; }\n" \
        "message B { option (o) = {e: [{\n d {};\n // z\n\n}]}; }\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.proto").write_text(source)
    theirs = _buf_formatted(tmp_path / "in", tmp_path / "out")["a.proto"]
    ours = format_text(source)
    assert ours.count("// z") == 2 and "// z" not in theirs
    assert "".join(line for line in ours.splitlines(keepends=True) if "// z" not in line) == theirs


def test_a_group_buf_moves_into_an_extension_key_goes_above_the_field(tmp_path: Path) -> None:
    """buf writes a moved comment group inside the brackets of an ``[extension]`` key that starts
    on the line of the field before it; protopact writes it above the field."""
    source = OPTS + "extend O { int32 ext = 100; }\n" \
        "message A { option (o) = {\n a: 1\n a: 1,  [ext]: 2\n a: 1\n // z\n\n}; }\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.proto").write_text(source)
    theirs = _buf_formatted(tmp_path / "in", tmp_path / "out")["a.proto"]
    assert "    [\n      // z\n      ext\n    ]: 2\n" in theirs
    assert "    a: 1\n    // z\n    [ext]: 2\n" in format_text(source)


MESSY = {"buf.yaml": "version: v2\n",
         "a/v1/a.proto": "syntax=\"proto3\";\npackage a.v1;\nmessage  A {}\n",
         "a/v1/b.proto": "syntax = \"proto3\";\n\npackage a.v1;\n\nmessage B {}\n"}


def test_default_prints_formatted_files(tmp_path: Path) -> None:
    write_tree(tmp_path, MESSY)
    result = run("format", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == ("syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n"
                             "syntax = \"proto3\";\n\npackage a.v1;\n\nmessage B {}\n")
    assert (tmp_path / "a/v1/a.proto").read_text() == MESSY["a/v1/a.proto"]


def test_diff_and_exit_code(tmp_path: Path) -> None:
    write_tree(tmp_path, MESSY)
    result = run("format", "-d", "--exit-code", ".", cwd=tmp_path)
    assert result.exit_code == 100
    lines = result.stdout.splitlines()
    assert lines[0] == "diff -u a/v1/a.proto.orig a/v1/a.proto"
    assert "-message  A {}" in lines and "+message A {}" in lines
    assert "b.proto" not in result.stdout


def test_files_known_formatted_are_not_formatted_again(tmp_path: Path, monkeypatch) -> None:
    """A content formatting left as it was is remembered: the next run takes it as it is (not even
    tokenized); a file not yet found formatted (a rewritten one too), or changed since, is
    formatted again."""
    import protopact.format.run as format_run

    write_tree(tmp_path, MESSY)
    assert run("format", "-d", "--exit-code", ".", cwd=tmp_path).exit_code == 100
    formatted = []
    monkeypatch.setattr(format_run, "format_text",
                        lambda text: formatted.append(text) or format_text(text))
    result = run("format", "-d", "--exit-code", ".", cwd=tmp_path)
    assert result.exit_code == 100 and formatted == [MESSY["a/v1/a.proto"]]
    assert run("format", "-w", ".", cwd=tmp_path).exit_code == 0
    (tmp_path / "a/v1/b.proto").write_text(MESSY["a/v1/b.proto"] + "message  C {}\n")
    formatted.clear()
    result = run("format", "-d", "--exit-code", ".", cwd=tmp_path)
    assert result.exit_code == 100 and "+message C {}" in result.stdout.splitlines()
    assert sorted(formatted) == sorted([MESSY["a/v1/b.proto"] + "message  C {}\n",
                                        "syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n"])
    assert run("format", "--exit-code", "--no-cache", ".", cwd=tmp_path).exit_code == 100


def test_the_text_the_listing_read_is_formatted_without_reading_it_again(
        tmp_path: Path, monkeypatch) -> None:
    """A file read when the tree was listed (its digest was not cached) is formatted from the bytes
    protoc compiled, not read from disk again."""
    write_tree(tmp_path, MESSY)
    read: list[str] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(path.name) or read_bytes(path))
    result = run("format", "-d", ".", cwd=tmp_path)
    assert result.exit_code == 0 and "+message A {}" in result.stdout.splitlines()
    assert [name for name in read if name in ("a.proto", "b.proto")] == []


def _without_stamps(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if not line.startswith(("--- ", "+++ "))]


@pytest.mark.parametrize("form", ["git", "git-branch", "tar.gz", "zip"])
def test_git_and_archive_inputs_format_as_buf_does(form: str, tmp_path: Path) -> None:
    """Sources read from a git commit or an archive: printed, diffed, written to a directory and
    checked as buf does; rewriting them in place is refused in one line (buf fails to write)."""
    source = write_tree(tmp_path / "repo", MESSY)
    if form.startswith("git"):
        git(source, "init", "-q", "-b", "main")
        git(source, "add", "-A")
        git(source, "commit", "-qm", "messy")
        (source / "a/v1/a.proto").write_text("not what was committed\n")
        input_ = "repo/.git" if form == "git" else "repo/.git#branch=main"
    else:
        members = {name: text.encode() for name, text in MESSY.items()}
        data = tar_bytes(members, mode="w:gz") if form == "tar.gz" else zip_bytes(members)
        input_ = f"repo.{form}"
        (tmp_path / input_).write_bytes(data)

    def buf(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([buf_binary(), "format", input_, *args], cwd=tmp_path, text=True,
                              capture_output=True)

    printed = run("format", input_, cwd=tmp_path)
    assert printed.exit_code == 0 and printed.stdout == buf().stdout
    assert "message A {}" in printed.stdout
    diffed, buf_diffed = run("format", input_, "-d", "--exit-code", cwd=tmp_path), buf("-d", "--exit-code")
    assert (diffed.exit_code, buf_diffed.returncode) == (100, 100)
    assert _without_stamps(diffed.stdout) == _without_stamps(buf_diffed.stdout)
    assert run("format", input_, "-o", "ours", cwd=tmp_path).exit_code == 0
    assert buf("-o", "theirs").returncode == 0
    written = sorted(p.relative_to(tmp_path / "ours").as_posix() for p in (tmp_path / "ours").rglob("*"))
    assert written == ["a", "a/v1", "a/v1/a.proto", "a/v1/b.proto"]
    assert all((tmp_path / "ours" / n).read_bytes() == (tmp_path / "theirs" / n).read_bytes()
               for n in written if n.endswith(".proto"))
    refused = run("format", input_, "-w", cwd=tmp_path)
    assert refused.exit_code == 1 and buf("-w").returncode == 1
    assert refused.stderr.strip() == (f"{input_}: --write rewrites files where they are, so INPUT "
                                      "must be a directory or a .proto file")


def test_an_image_has_no_sources_to_format(tmp_path: Path) -> None:
    write_tree(tmp_path, MESSY)
    assert run("build", "-o", "image.binpb", cwd=tmp_path).exit_code == 0
    result = run("format", "image.binpb", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("image.binpb: an image holds no .proto sources; give a "
                                     "directory, a .proto file, an archive or a git repository")


def test_write_then_nothing_left_to_change(tmp_path: Path) -> None:
    write_tree(tmp_path, MESSY)
    assert run("format", "-w", ".", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "a/v1/a.proto").read_text() == "syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n"
    assert run("format", "--exit-code", "-d", ".", cwd=tmp_path).exit_code == 0



def test_a_rewritten_file_keeps_its_mode(tmp_path: Path) -> None:
    write_tree(tmp_path, MESSY)
    source = tmp_path / "a/v1/a.proto"
    source.chmod(0o640)
    assert run("format", "-w", ".", cwd=tmp_path).exit_code == 0
    assert source.read_text() == "syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n"
    assert source.stat().st_mode & 0o777 == 0o640

def test_output_directory_and_paths(tmp_path: Path) -> None:
    write_tree(tmp_path / "src", MESSY)
    out = tmp_path / "out"
    out.mkdir()
    assert run("format", "src", "-o", "out", "--exclude-path", "src/a/v1/b.proto", cwd=tmp_path).exit_code == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.proto")) == ["a/v1/a.proto"]
    single = run("format", "src/a/v1/a.proto", cwd=tmp_path)
    assert single.exit_code == 0 and single.stdout.endswith("message A {}\n")


def test_output_directory_holds_import_paths_as_buf_writes_them(tmp_path: Path) -> None:
    """Two modules, INPUT given as an absolute path elsewhere: ``-o`` writes each file at its import
    path under the output directory (buf's layout), and the sources stay as they were."""
    tree = write_tree(tmp_path / "ws", {
        "buf.yaml": "version: v2\nmodules:\n  - path: proto\n  - path: vendor\n",
        "proto/a/a.proto": 'syntax="proto3";\npackage a;\nimport "b/b.proto";\nmessage A{b.B b=1;}\n',
        "vendor/b/b.proto": 'syntax="proto3";\npackage b;\nmessage B{}\n',
    })
    before = {p: p.read_bytes() for p in tree.rglob("*.proto")}
    (tmp_path / "elsewhere").mkdir()
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    assert run("format", str(tree), "-o", str(ours), cwd=tmp_path / "elsewhere").exit_code == 0
    subprocess.run([buf_binary(), "format", str(tree), "-o", str(theirs)], check=True,
                   capture_output=True)
    assert {p: p.read_bytes() for p in tree.rglob("*.proto")} == before
    layout = sorted(p.relative_to(ours).as_posix() for p in ours.rglob("*.proto"))
    assert layout == ["a/a.proto", "b/b.proto"]
    assert all((ours / name).read_text() == (theirs / name).read_text() for name in layout)


def test_many_files_are_formatted_in_halves_and_written_as_buf_writes_them(tmp_path: Path) -> None:
    """Enough files that two processes share the work: every output equals buf's, at its path."""
    files = {"buf.yaml": "version: v2\n"}
    for i in range(PARALLEL_FROM + 1):
        files[f"p{i % 7}/v1/f{i}.proto"] = (
            f'syntax="proto3";package p{i % 7}.v1;\n// {i}\n\nmessage  M{i} {{int32 a=1;'
            f'{"" if i % 2 else ";"} }}\n')
    tree = write_tree(tmp_path / "ws", files)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    assert run("format", str(tree), "-o", str(ours)).exit_code == 0
    expected = _buf_formatted(tree, theirs)
    assert len(expected) == PARALLEL_FROM + 1
    assert {n: (ours / n).read_text() for n in expected} == expected


@pytest.mark.parametrize("last", [-1, -2])
@pytest.mark.parametrize("flag", ["-w", "-o"])
def test_a_file_the_formatter_cannot_read_leaves_every_file_as_it_was(
        last: int, flag: str, tmp_path: Path, monkeypatch) -> None:
    """Each half of many files stages its own; when the last file of either half fails, the other
    half's staged files are discarded too: no file is rewritten or written, none is left behind."""
    import protopact.format.run as format_run
    from protopact.format import FormatError

    files = {"buf.yaml": "version: v2\n"}
    for i in range(PARALLEL_FROM + 1):
        files[f"p{i % 7}/v1/f{i}.proto"] = f'syntax="proto3";package p{i % 7}.v1;\nmessage  M{i} {{}}\n'
    tree = write_tree(tmp_path / "ws", files)
    failing = files[sorted(n for n in files if n.endswith(".proto"))[last]]

    def format_text(text: str) -> str:
        if text == failing:
            raise FormatError("unreadable", 2, 3)
        return format_text_as_is(text)

    format_text_as_is = format_run.format_text
    monkeypatch.setattr(format_run, "format_text", format_text)
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    result = run("format", str(tree), *([flag] if flag == "-w" else [flag, str(tmp_path / "out")]))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(":2:3: unreadable")
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before
    # nor a directory: the output did not exist, and does not after the failure
    assert not (tmp_path / "out").exists() and not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("last", [-1, -2])
def test_a_write_that_fails_into_a_new_output_tree_leaves_nothing(
        last: int, tmp_path: Path, monkeypatch) -> None:
    """A new output tree is built under a hidden name; when writing a file of it fails (a full
    disk), in either half, the file begun and the whole hidden tree go: nothing is left beside."""
    import errno

    import protopact.format.outlet as outlet

    files = {"buf.yaml": "version: v2\n"}
    for i in range(PARALLEL_FROM + 1):
        files[f"p{i % 7}/v1/f{i}.proto"] = f'syntax="proto3";package p{i % 7}.v1;\nmessage M{i} {{}}\n'
    tree = write_tree(tmp_path / "ws", files)
    name = sorted(n for n in files if n.endswith(".proto"))[last]
    failing = f"message M{name.rpartition('/f')[2].removesuffix('.proto')} {{".encode()

    def write_fd(fd: int, data: bytes) -> None:
        os.write(fd, data[:1])  # a file begun
        if failing in data:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        write_fd_as_is(fd, data[1:])

    write_fd_as_is = outlet.write_fd
    monkeypatch.setattr(outlet, "write_fd", write_fd)
    result = run("format", str(tree), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "cannot write: No space left on device" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws"]


def test_a_file_protoc_rejects_is_reported_and_never_rewritten(tmp_path: Path) -> None:
    broken = "syntax = \"proto3\";\nmessage  B { int32 x = 1 }\n"
    write_tree(tmp_path, {"buf.yaml": "version: v2\n", "b.proto": broken, "c.proto": "message  C {}\n"})
    result = run("format", "-w", ".", cwd=tmp_path)
    assert result.exit_code == 1
    assert "b.proto:2:" in result.stderr
    assert (tmp_path / "b.proto").read_text() == broken
    assert (tmp_path / "c.proto").read_text() == "message  C {}\n"


def test_a_first_format_begins_protoc_before_reading_the_files_and_reports_that_run(
        tmp_path: Path, monkeypatch) -> None:
    """A tree never listed has every file read for its digests: protoc is begun before, on the
    compile format then asks for, and that one run's verdict is reported; a later format the
    cache serves leaves no protoc behind."""
    import protopact.compile.inputs as inputs
    import protopact.compile.protoc as protoc

    events: list[str] = []
    start, read = protoc._start, inputs.read_source
    monkeypatch.setattr(protoc, "_start", lambda *a, **k: events.append("protoc") or start(*a, **k))
    monkeypatch.setattr(inputs, "read_source", lambda *a: events.append("read") or read(*a))
    broken = "syntax = \"proto3\";\nmessage  B { int32 x = 1 }\n"
    write_tree(tmp_path, {"buf.yaml": "version: v2\n", "b.proto": broken, "c.proto": "message  C {}\n"})
    result = run("format", "-w", ".", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (1, 'b.proto:2:26: Expected ";".\n')
    assert events == ["protoc", "read", "read"]
    assert (tmp_path / "b.proto").read_text() == broken
    (tmp_path / "b.proto").write_text("syntax = \"proto3\";\nmessage  B { int32 x = 1; }\n")
    assert run("format", ".", cwd=tmp_path).exit_code == 0
    assert run("format", ".", cwd=tmp_path).stdout == \
        "syntax = \"proto3\";\n\nmessage B {\n  int32 x = 1;\n}\nmessage C {}\n"
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every protoc begun was waited for


def _many_messy_files() -> dict[str, str]:
    """Enough files that a child begins formatting while protoc compiles them."""
    files = {"buf.yaml": "version: v2\n"}
    for i in range(PARALLEL_FROM + 1):
        files[f"p{i % 7}/v1/f{i}.proto"] = f'syntax="proto3";package p{i % 7}.v1;\nmessage  M{i} {{}}\n'
    return files


@pytest.mark.parametrize("flag", ["-w", "-o"])
def test_files_formatted_beside_a_compile_that_fails_are_never_written(flag: str, tmp_path: Path,
                                                                      monkeypatch) -> None:
    """Formatting begins beside protoc; when protoc rejects a file, what was staged meanwhile is
    discarded: no file is rewritten or written, none is left behind."""
    import protopact.compile.build as build

    run_protoc = build.run_protoc
    # a slow protoc: the child formats files meanwhile
    monkeypatch.setattr(build, "run_protoc", lambda *a, **k: time.sleep(1) or run_protoc(*a, **k))
    files = _many_messy_files()
    files["p0/v1/f0.proto"] += "message  Broken { Unknown x = 1; }\n"  # formattable
    tree = write_tree(tmp_path / "ws", files)
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    result = run("format", str(tree), *([flag] if flag == "-w" else [flag, str(tmp_path / "out")]))
    assert result.exit_code == 1
    assert "p0/v1/f0.proto:3:" in result.stderr
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before
    assert not (tmp_path / "out").exists() and not list(tmp_path.rglob("*.tmp"))


def test_files_formatted_beside_the_compile_are_dropped_when_the_targets_narrow(
        tmp_path: Path) -> None:
    """A .proto file INPUT with its package's files is listed as its whole module, then narrowed
    to the package once compiled: what was formatted for the module meanwhile is dropped, and
    only the package's files are written."""
    files = _many_messy_files()
    tree = write_tree(tmp_path / "ws", files)
    result = run("format", "p3/v1/f3.proto#include_package_files=true", "-o",
                 str(tmp_path / "out"), cwd=tree)
    assert result.exit_code == 0, result.stderr
    written = sorted(p.relative_to(tmp_path / "out").as_posix()
                     for p in (tmp_path / "out").rglob("*.proto"))
    expected = sorted(n for n in files if n.startswith("p3/"))
    assert written == expected
    # the directories made for the whole module's files are gone with them
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p3"]
    assert all((tmp_path / "out" / n).read_text() == format_text(files[n]) for n in expected)
    assert not list(tmp_path.rglob("*.tmp"))


def test_formats_compile_without_source_info_serves_no_other_command(tmp_path: Path,
                                                                     monkeypatch) -> None:
    """format asks protoc for its verdict only (no source info); that image is cached apart, so a
    later build of the same tree still has every span and comment, and a cached image with source
    info serves a later format without running protoc."""
    import protopact.compile.build as build

    write_tree(tmp_path, {"buf.yaml": "version: v2\n",
                          "a.proto": "syntax = \"proto3\";\n// A\nmessage  A {}\n"})
    asked: list[bool] = []
    run_protoc = build.run_protoc
    monkeypatch.setattr(build, "run_protoc",
                        lambda *a, **k: asked.append(k["source_info"]) or run_protoc(*a, **k))
    assert run("format", ".", cwd=tmp_path).exit_code == 0
    assert run("build", ".", "-o", "image.binpb", cwd=tmp_path).exit_code == 0
    assert asked == [False, True]
    image = descriptor_pb2.FileDescriptorSet.FromString((tmp_path / "image.binpb").read_bytes())
    (a,) = [f for f in image.file if f.name == "a.proto"]
    assert [loc.leading_comments for loc in a.source_code_info.location if loc.leading_comments] \
        == [" A\n"]
    (tmp_path / "a.proto").write_text("syntax = \"proto3\";\nmessage  B {}\n")
    assert run("build", ".", cwd=tmp_path).exit_code == 0
    assert run("format", ".", cwd=tmp_path).stdout == "syntax = \"proto3\";\n\nmessage B {}\n"
    assert asked == [False, True, True]


def test_formats_verdict_keeps_options_and_serves_no_compile_that_is_not_one(
        tmp_path: Path, isolated_cache: Path, monkeypatch) -> None:
    """format's compile has protoc keep the options it strips (source retention), all the same to
    a verdict; the image it caches serves format again, and neither the cache nor this process
    offers it to another kind of compile: a later compile without source info (``breaking``'s)
    gives the bytes a fresh one gives, the option stripped."""
    import protopact.compile.build as build
    from protopact.compile import incremental
    from protopact.compile.cache import Cache
    from protopact.compile.inputs import load_input
    from protopact.compile.locate import located_later

    tree = write_tree(tmp_path / "ws", {
        "buf.yaml": "version: v2\n",
        "a.proto": "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\n"
                   "extend google.protobuf.MessageOptions {\n"
                   "  string note = 50001 [retention = RETENTION_SOURCE];\n}\n"
                   "message A {\n  option (note) = \"in the source only\";\n}\n"})
    asked: list[bool] = []
    run_protoc = build.run_protoc
    monkeypatch.setattr(build, "run_protoc",
                        lambda *a, **k: asked.append(k["retain_options"]) or run_protoc(*a, **k))
    assert run("format", ".", cwd=tree).exit_code == 0
    assert run("format", ".", cwd=tree).exit_code == 0
    assert asked == [True]
    with located_later(anywhere=True):
        after = load_input(".", cwd=tree, cache=Cache(isolated_cache)).image
    assert asked == [True, False]
    with located_later(anywhere=True), build.verdict_only():
        verdict = load_input(".", cwd=tree, cache=Cache(isolated_cache)).image
    assert asked == [True, False]
    incremental._RECENT.clear()
    with located_later(anywhere=True):
        fresh = load_input(".", cwd=tree, cache=Cache(tmp_path / "fresh")).image
    assert after.to_binary() == fresh.to_binary()
    assert verdict.to_binary() != fresh.to_binary()  # the option kept
    assert not fresh.by_name["a.proto"].message_type[0].options.ListFields()


def test_a_sample_of_the_benchmark_corpus_matches_buf(tmp_path: Path) -> None:
    _generate(tmp_path / "corpus")
    everything = sorted((tmp_path / "corpus" / "current").rglob("*.proto"))
    assert everything, "the benchmark corpus holds .proto files"
    sample = everything[:: max(1, len(everything) // 60)]
    expected = _buf_formatted_files(sample, tmp_path)
    mismatched = [str(p) for p, text in expected.items() if format_text(p.read_text("utf-8")) != text]
    assert mismatched == []
