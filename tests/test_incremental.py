"""Incremental compiles give exactly the image a full compile gives, compiling only what changed."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protopact.compile import build, incremental, refs
from protopact.compile import git as git_input
from protopact.compile.cache import Cache
from protopact.compile.image import Image, set_names
from protopact.compile.inputs import load_input
from protopact.errors import ProtopactError

from .conftest import git, run


@dataclass(frozen=True)
class Proto:
    """A generated file: ``ident`` names its package and messages, and survives a rename."""

    ident: int
    path: str
    imports: tuple[int, ...] = ()
    fields: int = 1
    tabbed: bool = False  # tabs and non-ASCII text make buf's columns differ from protoc's
    comment: str = ""
    appended: int = 0  # messages after the first: its importers need not compile again
    appended_as: str = "Appended"

    def text(self, paths: dict[int, str]) -> str:
        indent = "\t" if self.tabbed else "  "
        lines = ['syntax = "proto3";', f"package p{self.ident};"]
        lines += [f'import "{paths[i]}";' for i in self.imports]
        if self.comment:
            lines.append(f"// {self.comment}")
        lines.append(f"message M{self.ident} {{")
        number = 1
        for i in self.imports:
            lines.append(f"{indent}p{i}.M{i} ref{i} = {number}; // é")
            number += 1
        for n in range(self.fields):
            lines.append(f"{indent}string text_field{n} = {number};")
            number += 1
        lines += [f"{indent}enum Kind{self.ident} {{ KIND{self.ident}_UNSPECIFIED = 0; }}", "}"]
        lines += [f"message {self.appended_as}{self.ident}x{n} {{}}" for n in range(self.appended)]
        return "\n".join(lines) + "\n"


@dataclass
class Tree:
    files: dict[int, Proto] = field(default_factory=dict)

    def write(self, root: Path) -> None:
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        (root / "buf.yaml").write_text("version: v2\n")
        paths = {i: p.path for i, p in self.files.items()}
        for proto in self.files.values():
            (root / proto.path).parent.mkdir(parents=True, exist_ok=True)
            (root / proto.path).write_text(proto.text(paths), encoding="utf-8")


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    tree = Tree()
    for ident in range(draw(st.integers(2, 7))):
        imports = draw(st.lists(st.sampled_from(range(ident)), unique=True, max_size=3)) if ident else []
        tree.files[ident] = Proto(ident, f"d{ident % 2}/f{ident}.proto", tuple(imports),
                                  tabbed=draw(st.booleans()))
    return tree


def _importers(tree: Tree, ident: int) -> list[int]:
    return [i for i, p in tree.files.items() if ident in p.imports]


@st.composite
def edited(draw: st.DrawFn, tree: Tree) -> tuple[Tree, set[int]]:
    """``tree`` after a few edits, and the files whose text changed or that are new."""
    files = dict(tree.files)
    touched: set[int] = set()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["edit", "add", "delete", "rename", "import", "comment",
                                     "append", "unappend", "rename appended"]))
        ident = draw(st.sampled_from(sorted(files)))
        proto = files[ident]
        if kind == "edit":
            files[ident] = replace(proto, fields=proto.fields + 1, tabbed=not proto.tabbed)
        elif kind == "comment":
            files[ident] = replace(proto, comment=proto.comment + "x")
        elif kind == "append":
            files[ident] = replace(proto, appended=proto.appended + 1)
        elif kind == "unappend":
            files[ident] = replace(proto, appended=max(proto.appended - 1, 0))
        elif kind == "rename appended":
            files[ident] = replace(proto, appended_as=proto.appended_as + "X")
        elif kind == "add":
            ident = max(files) + 1
            imports = draw(st.lists(st.sampled_from(sorted(files)), unique=True, max_size=2))
            files[ident] = Proto(ident, f"new/f{ident}.proto", tuple(imports))
        elif kind == "delete" and len(files) > 1:
            del files[ident]
            for other in _importers(Tree(files), ident):
                files[other] = replace(files[other],
                                       imports=tuple(i for i in files[other].imports if i != ident))
                touched.add(other)
            continue
        elif kind == "rename":
            files[ident] = replace(proto, path=f"moved/{proto.path}")
            touched.update(_importers(Tree(files), ident))  # their import lines change
        elif kind == "import":
            choices = [i for i in files if i < ident and i not in proto.imports]
            if not choices:
                continue
            files[ident] = replace(proto, imports=(*proto.imports, draw(st.sampled_from(choices))))
        touched.add(ident)
    return Tree(files), {i for i in touched if i in files}


def _dependents(tree: Tree, changed: set[int]) -> set[int]:
    """``changed`` and every file that imports one of them, directly or not."""
    found = set(changed)
    while True:
        more = {i for i, p in tree.files.items() if found & set(p.imports)} - found
        if not more:
            return found
        found |= more


class _Spy:
    """The files protoc is asked to compile, per run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.runs: list[list[str]] = []
        self.given: list[set[str]] = []  # the files each run was given as descriptors
        real = build.run_protoc

        def spied(include, files, **kwargs):  # type: ignore[no-untyped-def]
            self.runs.append(list(files))
            self.given.append(set(set_names(kwargs.get("descriptor_set", b""))))
            return real(include, files, **kwargs)

        monkeypatch.setattr(build, "run_protoc", spied)


def _compiled(root: Path, cache: Cache) -> bytes:
    return _described(load_input(str(root), cwd=root, cache=cache).image)


def _described(image: Image) -> bytes:
    """``image`` as written and as read, with the keys and extension clashes its compile
    found (a later compile reuses them)."""
    latest = incremental.recent()[0]
    found = repr((sorted(latest.keys.items()), latest.clashes)).encode()
    return image.to_binary() + b"|" + image.to_binary(as_read=True) + b"|" + found


def _full(root: Path) -> bytes:
    incremental._RECENT.clear()
    return _compiled(root, Cache(None))


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> _Spy:
    monkeypatch.setattr(incremental, "_RECENT", incremental._RECENT.__class__(maxlen=2))
    return _Spy(monkeypatch)


def _differing(tree: Tree, other: Tree) -> set[int]:
    """The files of ``tree`` that ``other`` lacks or holds with another path or text (an edit
    script may undo itself: what changed is what reads differently)."""
    paths = {i: p.path for i, p in tree.files.items()}
    other_paths = {i: p.path for i, p in other.files.items()}
    return {i for i, p in tree.files.items() if i not in other.files
            or (p.path, p.text(paths)) != (other.files[i].path, other.files[i].text(other_paths))}


def _assert_compiled(runs: list[list[str]], tree: Tree, changed: set[int]) -> set[str]:
    """protoc compiled the changed files and, at most, their dependents (a dependent whose
    imports only gained definitions it does not name is reused), or everything (a full compile
    when too little is reused); returns what it compiled."""
    compiled = {name for run in runs for name in run}
    at_most = {tree.files[i].path for i in _dependents(tree, changed)}
    everything = {p.path for p in tree.files.values()}
    assert {tree.files[i].path for i in changed} <= compiled <= at_most or compiled == everything
    return compiled


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_incremental_equals_full(tmp_path_factory: pytest.TempPathFactory, spy: _Spy,
                                 data: st.DataObject) -> None:
    before = data.draw(trees())
    after, _ = data.draw(edited(before))
    root = tmp_path_factory.mktemp("tree")
    before.write(root)
    incremental._RECENT.clear()
    _compiled(root, Cache(None))
    after.write(root)
    spy.runs.clear()
    result = _compiled(root, Cache(None))
    _assert_compiled(spy.runs, after, _differing(after, before))
    assert result == _full(root)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_successive_edits_compiled_through_the_cache_equal_full_compiles(
        tmp_path_factory: pytest.TempPathFactory, spy: _Spy, data: st.DataObject) -> None:
    # each compile a new process: the cache alone offers the previous compile and the texts
    # of the dependents it looked at
    tree = data.draw(trees())
    root, cache = tmp_path_factory.mktemp("tree"), Cache(tmp_path_factory.mktemp("cache"))
    for step in range(3):
        if step:
            tree, _ = data.draw(edited(tree))
        tree.write(root)
        incremental._RECENT.clear()
        result = _compiled(root, cache)
        assert result == _full(root)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_git_baseline_compiled_after_the_working_tree_equals_its_full_compile(
        tmp_path_factory: pytest.TempPathFactory, spy: _Spy, monkeypatch: pytest.MonkeyPatch,
        data: st.DataObject) -> None:
    # breaking's order: the working tree first, then the baseline, read from git objects, reusing
    # the working tree's files and reading out of git only those it compiles or looks at
    before = data.draw(trees())
    after, _ = data.draw(edited(before))
    root = tmp_path_factory.mktemp("repo")
    before.write(root / "api")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(root, *args)
    after.write(root / "api")
    read = _spy_read(monkeypatch)
    baseline = ".git#branch=main,subdir=api"
    incremental._RECENT.clear()
    _compiled(root / "api", Cache(None))
    spy.runs.clear()
    result = _baseline(baseline, root)
    compiled = _assert_compiled(spy.runs, before, _differing(before, after))
    if compiled and compiled != {p.path for p in before.files.values()}:
        # what was not reused, and the dependents read to tell, nothing more
        assert compiled <= set(read) <= {before.files[i].path for i in _dependents(
            before, _differing(before, after))}
    incremental._RECENT.clear()
    assert result == _baseline(baseline, root)


def _spy_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files read out of git for incremental compiles: written to disk, or read only (the
    dependents that may compile as before)."""
    read: list[str] = []
    real_written, real_blobs = git_input.written, git_input.blobs

    def written(source, files):  # type: ignore[no-untyped-def]
        read.extend(f.name for f in files)
        return real_written(source, files)

    def blobs(source, files):  # type: ignore[no-untyped-def]
        read.extend(f.name for f in files)
        return real_blobs(source, files)

    monkeypatch.setattr(git_input, "written", written)
    monkeypatch.setattr(git_input, "blobs", blobs)
    return read


def _baseline(text: str, cwd: Path) -> bytes:
    return _described(load_input(text, cwd=cwd, cache=Cache(None)).image)


def test_persistent_cache_recompiles_the_edited_file_and_its_dependents(
        tmp_path: Path, spy: _Spy) -> None:
    tree = Tree({i: Proto(i, f"f{i}.proto", (i - 1,) if i else ()) for i in range(3)})
    tree.files.update({i: Proto(i, f"leaf{i}.proto") for i in range(3, 8)})
    root, cache = tmp_path / "tree", Cache(tmp_path / "cache")
    tree.write(root)
    _compiled(root, cache)
    tree.files[1] = replace(tree.files[1], fields=2)
    tree.write(root)
    incremental._RECENT.clear()  # a new process: only the cache remembers
    spy.runs.clear()
    result = _compiled(root, cache)
    assert spy.runs == [["f1.proto"], ["f2.proto"]]  # the edit first, then what it changes
    assert result == _full(root)


@pytest.mark.parametrize("edit", [{"comment": "edited"}, {"appended": 2}, {"appended": 0},
                                  {"appended_as": "Renamed"}])
def test_dependents_of_a_file_that_only_gained_or_lost_definitions_are_reused(
        tmp_path: Path, spy: _Spy, edit: dict[str, object]) -> None:
    tree = Tree({i: Proto(i, f"f{i}.proto", (i - 1,) if i else (), appended=1) for i in range(4)})
    root = tmp_path / "tree"
    tree.write(root)
    _compiled(root, Cache(None))
    tree.files[1] = replace(tree.files[1], **edit)  # type: ignore[arg-type]
    tree.write(root)
    spy.runs.clear()
    result = _compiled(root, Cache(None))
    assert spy.runs == [["f1.proto"]]
    assert result == _full(root)


CAPTURED = {
    "a.proto": 'syntax = "proto3";\npackage acme;\nmessage Old {}\n',
    "c.proto": 'syntax = "proto3";\npackage other;\nmessage Thing {}\n',
    # "other.Thing" is looked up from acme.sub outwards: acme.sub.other, acme.other, other
    "b.proto": 'syntax = "proto3";\npackage acme.sub;\nimport "a.proto";\nimport "c.proto";\n'
               "message B { other.Thing t = 1; }\n",
    "d.proto": 'syntax = "proto3";\npackage acme.sub;\nimport "a.proto";\n'
               "message D { Old o = 1; }\n",
}


@pytest.mark.parametrize("added", [True, False])
def test_a_definition_that_a_dependent_resolves_to_compiles_the_dependent_when_it_comes_or_goes(
        tmp_path: Path, spy: _Spy, added: bool) -> None:
    shadow = "message other { message Thing {} }\n"  # acme.other.Thing, found first from acme.sub
    for name, text in CAPTURED.items():
        (tmp_path / name).write_text(text if added or name != "a.proto" else text + shadow)
    (tmp_path / "buf.yaml").write_text("version: v2\n")
    _compiled(tmp_path, Cache(None))
    (tmp_path / "a.proto").write_text(CAPTURED["a.proto"] + (shadow if added else ""))
    spy.runs.clear()
    result = _compiled(tmp_path, Cache(None))
    assert spy.runs == [["a.proto"], ["b.proto"]]  # d.proto does not name it: reused
    assert result == _full(tmp_path)
    image = load_input(str(tmp_path), cwd=tmp_path, cache=Cache(None)).image
    assert image.by_name["b.proto"].message_type[0].field[0].type_name == \
        (".acme.other.Thing" if added else ".other.Thing")


def test_the_dependents_looked_at_are_kept_in_the_cache_and_searched_there(
        tmp_path: Path, spy: _Spy, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = tmp_path / "tree", Cache(tmp_path / "cache")
    root.mkdir()
    for name, text in CAPTURED.items():
        (root / name).write_text(text)
    (root / "buf.yaml").write_text("version: v2\n")
    _compiled(root, cache)
    read: list[list[str]] = []
    real = build._Job._read

    def spied(job, at, files):  # type: ignore[no-untyped-def]
        read.append(sorted(f.name for f in files))
        return real(job, at, files)

    monkeypatch.setattr(build._Job, "_read", spied)
    shadow = "message other { message Thing {} }\n"  # what b.proto resolves changes
    for added in ("message New {}\n", shadow):
        (root / "a.proto").write_text(CAPTURED["a.proto"] + added)
        incremental._RECENT.clear()  # a new process: only the cache remembers
        spy.runs.clear()
        result = _compiled(root, cache)
        runs = list(spy.runs)
        assert result == _full(root)
    assert read == [["b.proto", "d.proto"]]  # the second edit read no dependent
    assert runs == [["a.proto"], ["b.proto"]]  # and found the one that names what came


# a new file that redefines f0's message, or whose package is its name, without importing f0:
# protoc alone would not see it
@pytest.mark.parametrize("twin", ["package p0;\nmessage M0 {}", "package p0.M0;\nmessage X {}"])
def test_a_name_defined_twice_is_reported_as_a_full_compile_reports_it(
        tmp_path: Path, spy: _Spy, twin: str) -> None:
    tree = Tree({i: Proto(i, f"f{i}.proto") for i in range(4)})
    root = tmp_path / "tree"
    tree.write(root)
    _compiled(root, Cache(None))
    (root / "twin.proto").write_text(f'syntax = "proto3";\n{twin}\n')
    with pytest.raises(ProtopactError) as incremental_error:
        _compiled(root, Cache(None))
    with pytest.raises(ProtopactError) as full_error:
        _full(root)
    assert "already defined" in str(incremental_error.value)
    assert str(incremental_error.value) == str(full_error.value)


def test_an_error_in_a_changed_file_is_protocs_own(tmp_path: Path, spy: _Spy) -> None:
    tree = Tree({i: Proto(i, f"f{i}.proto", (i - 1,) if i else ()) for i in range(4)})
    root = tmp_path / "tree"
    tree.write(root)
    _compiled(root, Cache(None))
    (root / "f3.proto").write_text('syntax = "proto3";\npackage p3;\nmessage M3 { Nope x = 1; }\n')
    with pytest.raises(ProtopactError) as error:
        _compiled(root, Cache(None))
    assert str(error.value).startswith(f"{root / 'f3.proto'}:3:14:")  # a whole path, as given


def test_the_working_tree_reuses_its_git_baseline(tmp_path: Path, spy: _Spy) -> None:
    tree = Tree({i: Proto(i, f"f{i}.proto", (i - 1,) if i else ()) for i in range(3)})
    tree.files.update({i: Proto(i, f"leaf{i}.proto") for i in range(3, 8)})
    api = tmp_path / "api"
    tree.write(api)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(tmp_path, *args)
    tree.files[1] = replace(tree.files[1], comment="edited")
    tree.write(api)
    load_input(".git#branch=main,subdir=api", cwd=tmp_path, cache=Cache(None))
    spy.runs.clear()
    result = _compiled(api, Cache(None))
    assert spy.runs == [["f1.proto"]]
    assert result == _full(api)


def test_protoc_is_given_only_the_descriptors_the_changed_files_import(
        tmp_path: Path, spy: _Spy) -> None:
    tree = Tree({i: Proto(i, f"f{i}.proto", (i - 1,) if i else ()) for i in range(4)})
    tree.files.update({i: Proto(i, f"leaf{i}.proto") for i in range(4, 9)})
    root = tmp_path / "tree"
    tree.write(root)
    _compiled(root, Cache(None))
    tree.files[2] = replace(tree.files[2], comment="edited")
    tree.write(root)
    spy.runs.clear()
    spy.given.clear()
    result = _compiled(root, Cache(None))
    assert spy.runs == [["f2.proto"]]  # f3.proto, which imports it, is reused
    ours = {p.path for p in tree.files.values()}  # not the dependencies' descriptors
    assert spy.given[0] & ours == {"f0.proto", "f1.proto"}
    assert result == _full(root)
    # an edit that imports a file its last compile did not: a second run is given every file
    tree.files[5] = replace(tree.files[5], imports=(4,))
    tree.write(root)
    spy.runs.clear()
    spy.given.clear()
    result = _compiled(root, Cache(None))
    assert spy.runs == [["leaf5.proto"]] * 2
    assert spy.given[0] & ours == set() and "leaf4.proto" in spy.given[1]
    assert result == _full(root)


def test_a_cached_git_baseline_offers_breaking_s_input_its_files(
        tmp_path: Path, spy: _Spy, isolated_cache: Path) -> None:
    """A CI job whose saved cache holds main's compile: the working tree compiles only what the
    pull request changed, however it was compiled before."""
    tree = Tree({i: Proto(i, f"f{i}.proto", (i - 1,) if i else ()) for i in range(3)})
    tree.files.update({i: Proto(i, f"leaf{i}.proto") for i in range(3, 8)})
    api, baseline = tmp_path / "api", ".git#branch=main,subdir=api"
    tree.write(api)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(tmp_path, *args)
    assert run("build", baseline, "-o", str(tmp_path / "main.binpb"), cwd=tmp_path).exit_code == 0
    tree.files[1] = replace(tree.files[1], fields=2)
    tree.write(api)
    incremental._RECENT.clear()  # a new process: only the cache remembers
    spy.runs.clear()
    checked = run("breaking", "api", "--against", baseline, cwd=tmp_path)
    assert spy.runs == [["f1.proto"], ["f2.proto"]]
    assert checked.exit_code == 0, checked.stdout
    assert _compiled(api, Cache(None)) == _full(api)


def test_a_commit_s_workspace_is_read_from_git_once(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """breaking looks for its git baseline in the cache, then compiles it: one listing serves
    both; a new commit on the branch is listed anew."""
    tree = Tree({i: Proto(i, f"f{i}.proto", (i - 1,) if i else ()) for i in range(3)})
    tree.write(tmp_path / "api")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(tmp_path, *args)
    listings: list[str] = []
    real = git_input._ls_tree

    def spied(source, tree_id):  # type: ignore[no-untyped-def]
        listings.append(tree_id)
        return real(source, tree_id)

    monkeypatch.setattr(git_input, "_ls_tree", spied)
    source = git_input.from_ref(refs.parse(".git#branch=main,subdir=api", tmp_path), tmp_path)
    first = git_input.read_workspace(source, root=tmp_path)
    assert git_input.read_workspace(source, root=tmp_path) is first
    assert len(listings) == 1
    tree.files[3] = Proto(3, "f3.proto")
    tree.write(tmp_path / "api")
    for args in (["add", "-A"], ["commit", "-q", "-m", "more"]):
        git(tmp_path, *args)
    again = git_input.read_workspace(source, root=tmp_path)
    assert len(listings) == 2
    assert {f.name for f in again.files} == {f.name for f in first.files} | {"f3.proto"}
