"""A breaking check compiles without source info and locates only the files its findings lie in:
the located files, and so the findings, are exactly those of a compile with source info."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protopact.checks.breaking import REGISTRY
from protopact.checks.engine import run_breaking
from protopact.compile import incremental, locate
from protopact.compile.cache import Cache
from protopact.compile.inputs import Input, from_sources, load_input
from protopact.compile.locate import located_later

from .conftest import git, run
from .test_incremental import trees


def _loaded(root: Path, cache: Cache, text: str = ".") -> Input:
    incremental._RECENT.clear()
    return load_input(text, cwd=root, cache=cache)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_located_files_are_those_of_a_compile_with_source_info(
        tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    tree = data.draw(trees())
    root = tmp_path_factory.mktemp("tree")
    tree.write(root)
    full = _loaded(root, Cache(None)).image
    with located_later():
        bare = _loaded(root, Cache(None))
    names = data.draw(st.sets(st.sampled_from(sorted(full.by_name))))
    placed = bare.located(names).image
    for f in placed.files:
        if f.name in names:
            assert placed.file_bytes(f) == full.file_bytes(full.by_name[f.name])
        else:
            assert not f.HasField("source_code_info")
            assert f == bare.image.by_name[f.name]


BASELINE = {
    "buf.yaml": "version: v2\nbreaking:\n  use: [FILE]\n",
    "a.proto": 'syntax = "proto3";\npackage a;\nmessage A {\n  string name = 1;\n  int32 n = 2;\n}\n',
    "b.proto": 'syntax = "proto3";\npackage b;\nimport "a.proto";\n'
               "message B {\n\ta.A a = 1; // é\n\tstring gone = 2;\n}\nenum E { E_DEFAULT = 0; }\n",
}
# a field's type changed in a tabbed, non-ASCII file (buf's columns), one deleted, a file unchanged
CURRENT = {
    **BASELINE,
    "b.proto": 'syntax = "proto3";\npackage b;\nimport "a.proto";\n'
               "message B {\n\t/* é */ int64 a = 1;\n}\nenum E { E_DEFAULT = 0; }\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("flags", [(), ("--exclude-imports",), ("--limit-to-input-files",)])
def test_findings_are_placed_as_a_compile_with_source_info_places_them(
        tmp_path: Path, flags: tuple[str, ...]) -> None:
    _write(tmp_path, BASELINE)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(tmp_path, *args)
    _write(tmp_path, CURRENT)
    current = _loaded(tmp_path, Cache(None))
    previous = load_input(".git#branch=main", cwd=tmp_path, cache=Cache(None))
    expected = run_breaking(current, previous, REGISTRY, label="buf.yaml",
                            exclude_imports="--exclude-imports" in flags,
                            limit_to_input_files="--limit-to-input-files" in flags)
    assert expected.findings and all(f.start_line > 1 for f in expected.findings)
    incremental._RECENT.clear()
    checked = run("breaking", "--against", ".git#branch=main", "--error-format", "json", *flags,
                  cwd=tmp_path)
    assert checked.exit_code == 100
    lines = checked.stdout.splitlines()
    assert len(lines) == len(expected.findings)
    for line, finding in zip(lines, expected.findings, strict=True):
        assert f'"path":"{finding.path}","start_line":{finding.start_line},' \
               f'"start_column":{finding.start_column},"end_line":{finding.end_line},' \
               f'"end_column":{finding.end_column}' in line


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The files of each protoc run that locates files, as they come."""
    runs: list[list[str]] = []
    run_protoc = locate.run_protoc

    def counted(include, names, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(list(names))
        return run_protoc(include, names, **kwargs)

    monkeypatch.setattr(locate, "run_protoc", counted)
    return runs


def test_a_file_located_before_comes_from_the_cache_as_a_compile_with_source_info_gives_it(
        tmp_path: Path, compiles: list[list[str]]) -> None:
    """Keyed by its text and descriptor: a comment edited (the same descriptor) is located again."""
    root, cache = tmp_path / "tree", Cache(tmp_path / "cache")
    root.mkdir()
    names = {"a.proto", "b.proto"}
    for files in (CURRENT, {**CURRENT, "b.proto": CURRENT["b.proto"].replace("é */", "é, ü */")}):
        _write(root, files)
        full = _loaded(root, Cache(None)).image
        for cold in (True, False):
            compiles.clear()
            with located_later():
                placed = _loaded(root, cache).located(names).image
            assert compiles == ([sorted(names)] if cold else [])
            for name in names:
                assert placed.file_bytes(placed.by_name[name]) == \
                    full.file_bytes(full.by_name[name])
        names = {"b.proto"}


def test_a_compile_without_source_info_serves_no_compile_that_needs_it(tmp_path: Path) -> None:
    _write(tmp_path, BASELINE)
    cache = Cache(tmp_path / "cache")
    with located_later():
        bare = _loaded(tmp_path, cache).image
    assert not any(f.HasField("source_code_info") for f in bare.files)
    full = _loaded(tmp_path, cache).image
    assert all(f.HasField("source_code_info") for f in full.files if f.name in full.targets)
    # the other way round, a compile with source info serves (a CI job's saved cache)
    saved = Cache(tmp_path / "saved")
    full = _loaded(tmp_path, saved).image
    with located_later():
        assert _loaded(tmp_path, saved).image.files == full.files


def test_an_input_gone_before_its_findings_are_placed_compiles_with_source_info(
        tmp_path: Path) -> None:
    """An archive's tree is removed once read: it compiles with source info, the baseline
    without, reusing the archive's files."""
    _write(tmp_path, BASELINE)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(tmp_path, *args)
    _write(tmp_path, CURRENT)
    expected = run("breaking", "--against", ".git#branch=main", cwd=tmp_path)
    with tarfile.open(tmp_path / "current.tar", "w") as tar:
        for name in CURRENT:
            tar.add(tmp_path / name, arcname=name)
    incremental._RECENT.clear()
    checked = run("breaking", "current.tar", "--against", ".git#branch=main", cwd=tmp_path)
    assert checked.exit_code == 100
    assert checked.stdout == expected.stdout


def test_a_filter_that_reads_where_a_finding_lies_sees_it_located(tmp_path: Path) -> None:
    """The stability filter finds a finding's element by the path it is located at: in a beta
    (v0) package, a field of a message marked stable is still checked."""
    stable = "  option (protopact.v1.message_stability) = STABILITY_STABLE;\n"
    header = 'syntax = "proto3";\npackage foo.v0;\nimport "protopact/v1/stability.proto";\n'
    _write(tmp_path, {"buf.yaml": "version: v2\nbreaking:\n  use: [FILE, STABILITY_BETA_MAY_CHANGE]\n",
                      "a.proto": f"{header}message Kept {{\n{stable}  string x = 1;\n}}\n"})
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(tmp_path, *args)
    _write(tmp_path, {"a.proto": f"{header}message Kept {{\n{stable}  int64 x = 1;\n}}\n"})
    current = _loaded(tmp_path, Cache(None))
    previous = load_input(".git#branch=main", cwd=tmp_path, cache=Cache(None))
    expected = run_breaking(current, previous, REGISTRY, label="buf.yaml")
    assert [(f.path, f.start_line, f.type) for f in expected.findings] == \
        [("a.proto", 6, "FIELD_SAME_TYPE")]
    incremental._RECENT.clear()
    checked = run("breaking", "--against", ".git#branch=main", cwd=tmp_path)
    assert checked.exit_code == 100
    assert checked.stdout.startswith("a.proto:6:3:")


def test_only_two_sides_compiled_from_sources_leave_source_info_out(tmp_path: Path) -> None:
    """An image keeps its source info: against one, the input compiles with it too, so that
    their unchanged files are the same bytes and need no comparing."""
    _write(tmp_path, BASELINE)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(tmp_path, *args)
    assert run("build", "-o", "base.binpb", cwd=tmp_path).exit_code == 0
    (tmp_path / "old.tar").write_bytes(b"")
    for text, compiled in ((".", True), (".git#branch=main", True), ("b.proto", True),
                           ("old.tar", True), ("base.binpb", False), ("missing", False)):
        assert from_sources(text, tmp_path) is compiled, text
    _write(tmp_path, CURRENT)
    incremental._RECENT.clear()
    checked = run("breaking", "--against", "base.binpb", "--error-format", "json", cwd=tmp_path)
    assert checked.exit_code == 100
    assert all(f.HasField("source_code_info") for f in incremental.recent()[0].image.files
               if f.name.endswith(("a.proto", "b.proto")))


def test_a_file_whose_import_changed_its_option_numbers_is_located_again(
        tmp_path: Path, compiles: list[list[str]]) -> None:
    """A custom option's location names the extension's number, which the import defines: the
    same text under another descriptor is not served the source info stored for the first."""
    root, cache = tmp_path / "tree", Cache(tmp_path / "cache")
    root.mkdir()
    dependent = ('syntax = "proto3";\npackage b;\nimport "opts.proto";\n'
                 'message B {\n  string x = 1 [(o.tag) = "t"];\n}\n')
    for number in (50001, 50002):
        _write(root, {"buf.yaml": "version: v2\n", "b.proto": dependent,
                      "opts.proto": 'syntax = "proto3";\npackage o;\n'
                                    'import "google/protobuf/descriptor.proto";\n'
                                    f'extend google.protobuf.FieldOptions {{\n  string tag = {number};\n}}\n'})
        full = _loaded(root, Cache(None)).image
        compiles.clear()
        with located_later():
            placed = _loaded(root, cache).located({"b.proto"}).image
        assert compiles == [["b.proto"]]
        assert placed.file_bytes(placed.by_name["b.proto"]) == \
            full.file_bytes(full.by_name["b.proto"])
