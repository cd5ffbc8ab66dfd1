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


def _json_verdicts(tool: list[str], cwd: Path, *args: str) -> tuple[int, list[str]]:
    import json
    import subprocess

    done = subprocess.run([*tool, "breaking", *args, "--error-format", "json"], cwd=cwd,
                          capture_output=True, text=True)
    return done.returncode, sorted(json.dumps(json.loads(line), sort_keys=True)
                                   for line in done.stdout.splitlines())


def _protopact() -> list[str]:
    import sys

    return [sys.executable, "-m", "protopact"]


def test_imports_are_compared_unless_excluded_as_in_buf(tmp_path: Path, buf: str) -> None:
    """buf compares each module together with what it imports: a dropped import is a deleted file,
    and a change in an imported module is found with the importing module's rules."""
    config = ("version: v2\nmodules:\n  - path: main\n    breaking:\n      use: [FILE]\n"
              "  - path: dep\n    breaking:\n      use: [FILE]\n      except: [FIELD_NO_DELETE]\n")
    main = ('syntax = "proto3";\npackage main.v1;\nimport "dep/v1/d.proto";\n'
            'import "google/protobuf/timestamp.proto";\n'
            "message A { dep.v1.D d = 1; google.protobuf.Timestamp t = 2; }\n")
    write_tree(tmp_path / "prev", {
        "buf.yaml": config, "main/a.proto": main,
        "dep/dep/v1/d.proto": 'syntax = "proto3";\npackage dep.v1;\nmessage D { string x = 1; int32 y = 2; }\n'})
    write_tree(tmp_path / "cur", {
        "buf.yaml": config,
        "main/a.proto": main.replace('import "google/protobuf/timestamp.proto";\n', "").replace(
            " google.protobuf.Timestamp t = 2;", " reserved 2;"),
        "dep/dep/v1/d.proto": 'syntax = "proto3";\npackage dep.v1;\nmessage D { string x = 1; reserved 2; }\n'})
    ours = _json_verdicts(_protopact(), tmp_path, "cur", "--against", "prev")
    assert ours == _json_verdicts([buf], tmp_path, "cur", "--against", "prev")
    assert ours[0] == 100
    assert any('"google/protobuf/timestamp.proto\\" was deleted' in line for line in ours[1])
    assert any('\\"y\\" on message \\"D\\"' in line for line in ours[1])
    excluded = _json_verdicts(_protopact(), tmp_path, "cur", "--against", "prev", "--exclude-imports")
    assert excluded == _json_verdicts([buf], tmp_path, "cur", "--against", "prev", "--exclude-imports")
    assert not any("timestamp" in line for line in excluded[1])


def test_changed_import_between_images_agrees_with_buf(tmp_path: Path, buf: str) -> None:
    for side, fields in (("prev", "string x = 1; int32 y = 2;"), ("cur", "string x = 1;")):
        write_tree(tmp_path / side, {
            "buf.yaml": "version: v2\nmodules:\n  - path: main\n  - path: dep\n",
            "main/a.proto": 'syntax = "proto3";\npackage main.v1;\nimport "d/v1/d.proto";\n'
                            "message A { d.v1.D d = 1; }\n",
            "dep/d/v1/d.proto": f'syntax = "proto3";\npackage d.v1;\nmessage D {{ {fields} }}\n'})
        # an image whose only target is a.proto: d.proto is an import
        assert run("build", side, "--path", f"{side}/main/a.proto", "-o", f"{side}.binpb",
                   cwd=tmp_path).exit_code == 0
    ours = _json_verdicts(_protopact(), tmp_path, "cur.binpb", "--against", "prev.binpb")
    assert ours[0] == 100 and len(ours[1]) == 1
    assert ours == _json_verdicts([buf], tmp_path, "cur.binpb", "--against", "prev.binpb")


def test_toolchain_copies_of_well_known_types_are_not_compared(tmp_path: Path) -> None:
    """A baseline image built by another tool holds its own copy of the well-known types: a field
    it has and protopact's copy lacks is no breaking change of the user's."""
    from google.protobuf import descriptor_pb2

    write_tree(tmp_path, {
        "buf.yaml": "version: v2\n",
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nimport "google/protobuf/timestamp.proto";\n'
                        "message A { google.protobuf.Timestamp at = 1; }\n"})
    assert run("build", "-o", "base.binpb", cwd=tmp_path).exit_code == 0
    image = descriptor_pb2.FileDescriptorSet.FromString((tmp_path / "base.binpb").read_bytes())
    for f in image.file:
        if f.name == "google/protobuf/timestamp.proto":
            f.message_type[0].field.add(name="zone", number=9, type=9, label=1, json_name="zone")
    (tmp_path / "other-tool.binpb").write_bytes(image.SerializeToString())
    result = run("breaking", "--against", "other-tool.binpb", cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "")


def test_limit_to_input_files_keeps_what_kept_files_imported(tmp_path: Path, buf: str) -> None:
    write_tree(tmp_path / "prev", {
        "buf.yaml": "version: v2\n",
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nimport "a/v1/b.proto";\nmessage A { B b = 1; }\n',
        "a/v1/b.proto": 'syntax = "proto3";\npackage a.v1;\nmessage B {}\n',
        "a/v1/c.proto": 'syntax = "proto3";\npackage a.v1;\nmessage C {}\n'})
    write_tree(tmp_path / "cur", {
        "buf.yaml": "version: v2\n",
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A { reserved 1; }\n'})
    assert run("build", "prev", "-o", "prev.binpb", cwd=tmp_path).exit_code == 0
    args = ("--against", "../prev.binpb", "--limit-to-input-files")  # buf wants to run inside
    ours = _json_verdicts(_protopact(), tmp_path / "cur", *args)
    assert ours == _json_verdicts([buf], tmp_path / "cur", *args)
    assert any("b.proto" in line for line in ours[1]) and not any("c.proto" in line for line in ours[1])
