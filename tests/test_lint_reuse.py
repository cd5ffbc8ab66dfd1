"""Lint keeps findings between runs: after random edits, a lint that reuses the previous run's
findings prints exactly what a lint without the cache prints, in every format, and it runs each
rule only over the files whose findings may have changed."""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from google.protobuf.descriptor_pb2 import FileDescriptorProto
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protopact.checks import engine, reuse
from protopact.checks.formats import FORMATS
from protopact.checks.lint import REGISTRY as lint_registry
from protopact.checks.lint.package_graph import graph_digest
from protopact.compile import build, incremental
from protopact.compile.image import Image
from protopact.compile.undecoded import Undecoded

from .conftest import run, write_tree

_CONFIG = """version: v2
lint:
  use: [STANDARD, COMMENTS, UNARY_RPC, STABLE_PACKAGE_NO_IMPORT_UNSTABLE, CONTRACT_COMMENTS,
        CONTRACT_ENUM_ZERO_DEFAULT]
  ignore_only:
    FIELD_LOWER_SNAKE_CASE: [b]
  rpc_allow_google_protobuf_empty_requests: true
  disallow_comment_ignores: false
"""
_PACKAGES = ("a.v1", "a.v1beta1", "b.v1", "b", "Odd.v1")
_DIRECTORIES = ("a/v1", "a/v1beta1", "b/v1", "b", "Odd")


@dataclass(frozen=True)
class Proto:
    """One file: what the rules look at, each a few choices wide."""

    ident: int
    directory: str
    package: str
    imports: tuple[int, ...] = ()
    used: bool = True  # whether a field refers to each import's message
    field_name: str = "good_name"
    commented: bool = True
    ignored: bool = False  # a buf:lint:ignore comment on the message
    go_package: str = ""
    # "", "own" (its own request type), "shared" (an import's message) or "empty"
    # (google.protobuf.Empty, whose requests the config allows to share and responses not)
    service: str = ""
    enum_zero: str = "KIND_UNSPECIFIED"

    @property
    def path(self) -> str:
        return f"{self.directory}/f{self.ident}.proto"

    def text(self, files: dict[int, Proto]) -> str:
        lines = ['syntax = "proto3";', f"package {self.package};"]
        lines += [f'import "{files[i].path}";' for i in self.imports]
        if self.service == "empty":
            lines.append('import "google/protobuf/empty.proto";')
        if self.go_package:
            lines.append(f'option go_package = "{self.go_package}";')
        if self.commented:
            lines.append(f"// M{self.ident} says something.")
        if self.ignored:
            lines.append("// buf:lint:ignore FIELD_LOWER_SNAKE_CASE")
        lines.append(f"message M{self.ident} {{")
        lines.append(f"  string {self.field_name} = 1;")
        if self.used:
            lines += [f"  .{files[i].package}.M{i} ref{i} = {n + 2};" for n, i in enumerate(self.imports)]
        lines += ["  enum Kind {", f"    {self.enum_zero} = 0;", "  }", "}"]
        if self.service:
            request = (f".{files[self.imports[0]].package}.M{self.imports[0]}"
                       if self.service == "shared" and self.imports else f"GetRequest{self.ident}")
            listed = f"stream M{self.ident}"
            if self.service == "empty":
                request = listed = "google.protobuf.Empty"
            lines += [f"message GetRequest{self.ident} {{}}",
                      f"service S{self.ident}Service {{",
                      f"  rpc Get({request}) returns (M{self.ident});",
                      f"  rpc List(M{self.ident}) returns ({listed});", "}"]
        return "\n".join(lines) + "\n"


@dataclass
class Tree:
    files: dict[int, Proto] = field(default_factory=dict)

    def write(self, root: Path) -> None:
        shutil.rmtree(root, ignore_errors=True)
        write_tree(root, {"buf.yaml": _CONFIG, **{p.path: p.text(self.files)
                                                  for p in self.files.values()}})


def _where(draw: st.DrawFn) -> tuple[str, str]:
    index = draw(st.integers(0, len(_PACKAGES) - 1))
    # mostly matching, sometimes a package in another package's directory
    other = draw(st.integers(0, len(_DIRECTORIES) - 1))
    return (_DIRECTORIES[other] if draw(st.integers(0, 3)) == 0 else _DIRECTORIES[index],
            _PACKAGES[index])


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    tree = Tree()
    for ident in range(draw(st.integers(2, 6))):
        directory, package = _where(draw)
        imports = draw(st.lists(st.sampled_from(range(ident)), unique=True, max_size=2)) if ident else []
        tree.files[ident] = Proto(ident, directory, package, tuple(imports),
                                  service=draw(st.sampled_from(["", "own", "shared", "empty"])),
                                  go_package=draw(st.sampled_from(["", "x", "y"])))
    return tree


_EDITS = ("name", "comment", "ignore", "move", "go_package", "import", "unused", "add", "delete",
          "service", "enum")


@st.composite
def edit(draw: st.DrawFn, tree: Tree) -> Tree:
    files = dict(tree.files)
    kind = draw(st.sampled_from(_EDITS))
    ident = draw(st.sampled_from(sorted(files)))
    p = files[ident]
    if kind == "name":
        files[ident] = replace(p, field_name=draw(st.sampled_from(["good_name", "BadName", "descriptor"])))
    elif kind == "comment":
        files[ident] = replace(p, commented=not p.commented)
    elif kind == "ignore":
        files[ident] = replace(p, ignored=not p.ignored)
    elif kind == "move":
        directory, package = _where(draw)
        files[ident] = replace(p, directory=directory, package=package)
    elif kind == "go_package":
        files[ident] = replace(p, go_package=draw(st.sampled_from(["", "x", "y"])))
    elif kind == "import":
        choices = [i for i in files if i < ident and i not in p.imports]
        if choices:
            files[ident] = replace(p, imports=(*p.imports, draw(st.sampled_from(choices))))
    elif kind == "unused":
        files[ident] = replace(p, used=not p.used)
    elif kind == "add":
        new = max(files) + 1
        directory, package = _where(draw)
        imports = draw(st.lists(st.sampled_from(sorted(files)), unique=True, max_size=2))
        files[new] = Proto(new, directory, package, tuple(imports), service="shared")
    elif kind == "delete" and len(files) > 1:
        del files[ident]
        for other, q in list(files.items()):
            if ident in q.imports:
                files[other] = replace(q, imports=tuple(i for i in q.imports if i != ident))
    elif kind == "service":
        files[ident] = replace(p, service=draw(st.sampled_from(["", "own", "shared", "empty"])))
    elif kind == "enum":
        files[ident] = replace(p, enum_zero=draw(st.sampled_from(["KIND_UNSPECIFIED", "OTHER_ZERO"])))
    return Tree(files)


def _lint(root: Path, error_format: str, *extra: str) -> tuple[int, str, str]:
    result = run("lint", "--error-format", error_format, *extra, cwd=root)
    return result.exit_code, result.stdout, result.stderr


# a fixed sequence of cases, as the fuzz tests run; PROTOPACT_FUZZ_RANDOM=1 explores further
@settings(max_examples=25, deadline=None, database=None,
          derandomize=not os.environ.get("PROTOPACT_FUZZ_RANDOM"),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("new_process", [False, True])
def test_reused_findings_equal_a_full_lint(tmp_path_factory: pytest.TempPathFactory,
                                           data: st.DataObject, new_process: bool) -> None:
    """In a new process the compiled files come from the cache, their source info read only
    where needed (see compile.sourceinfo); in the same one (lint --watch), from memory."""
    root = tmp_path_factory.mktemp("tree")
    tree = data.draw(trees())
    tree.write(root)
    _lint(root, "json")  # the run whose findings the next ones keep
    for _ in range(data.draw(st.integers(1, 3))):
        tree = data.draw(edit(tree))
        tree.write(root)
        error_format = data.draw(st.sampled_from(sorted(FORMATS)))
        if new_process:
            incremental._RECENT.clear()
        assert _lint(root, error_format) == _lint(root, error_format, "--no-cache")


class _Runs:
    """The targets each batch of rules ran over, per lint."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.batches: list[tuple[frozenset[str], frozenset[str]]] = []
        real = engine._lint

        def spied(rules, context, *, size):  # type: ignore[no-untyped-def]
            self.batches.append((frozenset(r.id for r in rules), frozenset(context.image.targets)))
            return real(rules, context, size=size)

        monkeypatch.setattr(engine, "_lint", spied)

    def over(self, rule: str) -> frozenset[str]:
        """The files ``rule`` ran over in the latest lint."""
        return frozenset().union(*(targets for rules, targets in self.batches if rule in rules))


def _hub_tree() -> Tree:
    hub = Proto(0, "a/v1", "a.v1", service="own")
    files = {0: hub, **{i: Proto(i, "b/v1", "b.v1", (0,), field_name="BadName") for i in (1, 2)},
             3: Proto(3, "a/v1", "a.v1", go_package="x")}
    return Tree(files)


def test_a_hub_edit_reruns_each_rule_only_where_it_reads_the_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = _hub_tree()
    tree.write(tmp_path)
    _lint(tmp_path, "json")
    runs = _Runs(monkeypatch)
    # the hub gains a field: its dependents compile again, to the same bytes
    tree.files[0] = replace(tree.files[0], field_name="BadName")
    tree.write(tmp_path)
    reused = _lint(tmp_path, "text")
    assert runs.over("IMPORT_USED") == {"a/v1/f0.proto", "b/v1/f1.proto", "b/v1/f2.proto"}
    assert reused == _lint(tmp_path, "text", "--no-cache")
    runs.batches.clear()
    # the hub's comment goes: the compile reuses its dependents, which resolve every name alike
    tree.files[0] = replace(tree.files[0], commented=False)
    tree.write(tmp_path)
    code, out, _ = _lint(tmp_path, "text")
    assert code == 100 and "a/v1/f0.proto" in out and "b/v1/f1.proto" in out
    assert runs.over("FIELD_LOWER_SNAKE_CASE") == {"a/v1/f0.proto"}  # dependents kept theirs
    assert runs.over("IMPORT_USED") == {"a/v1/f0.proto"}
    assert runs.over("PACKAGE_SAME_GO_PACKAGE") == {"a/v1/f0.proto", "a/v1/f3.proto"}
    # the package graph holds, and the dependents import the packages they did: only the hub
    assert runs.over("PACKAGE_NO_IMPORT_CYCLE") == {"a/v1/f0.proto"}
    assert (code, out) == _lint(tmp_path, "text", "--no-cache")[:2]


def test_a_lint_in_a_new_process_decodes_only_the_files_it_reads(tmp_path: Path) -> None:
    """The compiled files come from the cache undecoded (see compile.undecoded): after an edit of
    a file, one in another package that it does not import is read by name, package and imports
    alone, and the findings are a full lint's."""
    tree = _hub_tree()
    tree.write(tmp_path)
    _lint(tmp_path, "json")
    tree.files[2] = replace(tree.files[2], field_name="good_name")
    tree.write(tmp_path)
    incremental._RECENT.clear()  # a new process: only the cache remembers
    reused = _lint(tmp_path, "text")
    untouched = incremental.recent()[0].image.by_name["a/v1/f3.proto"]
    assert type(untouched) is Undecoded and untouched._file is None
    assert reused == _lint(tmp_path, "text", "--no-cache")


def test_a_graphed_rule_reruns_everywhere_when_the_graph_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's import closes a package cycle: the findings on another file, whose imports did
    not change, name the cycle too."""
    tree = Tree({0: Proto(0, "a/v1", "a.v1"), 1: Proto(1, "b/v1", "b.v1", (0,)),
                 2: Proto(2, "a/v1", "a.v1")})
    tree.write(tmp_path)
    assert "cycle" not in _lint(tmp_path, "text")[1]
    runs = _Runs(monkeypatch)
    tree.files[2] = replace(tree.files[2], imports=(1,))
    tree.write(tmp_path)
    code, out, _ = _lint(tmp_path, "text")
    assert runs.over("PACKAGE_NO_IMPORT_CYCLE") == {p.path for p in tree.files.values()}
    assert "b/v1/f1.proto" in {line.split(":")[0] for line in out.splitlines() if "cycle" in line}
    assert (code, out) == _lint(tmp_path, "text", "--no-cache")[:2]


def test_a_graphed_rule_reruns_over_a_file_resolving_alike_whose_import_moved_package() -> None:
    """A file reused as resolving every name alike may import a file now of another package,
    naming nothing of it: PACKAGE_NO_IMPORT_CYCLE reads its imports' packages, so it runs again
    over that file, and not over one whose imports kept theirs, while the graph holds."""
    moved_before = FileDescriptorProto(name="m.proto", package="a.v1")
    kept_before = FileDescriptorProto(name="k.proto", package="a.v1", syntax="proto3")
    files = (FileDescriptorProto(name="m.proto", package="c.v1"),
             FileDescriptorProto(name="k.proto", package="a.v1"),
             FileDescriptorProto(name="u.proto", package="b.v1", dependency=["m.proto"]),
             FileDescriptorProto(name="v.proto", package="b.v1", dependency=["k.proto"]))
    image = Image(files, frozenset(f.name for f in files))
    names = sorted(image.targets)
    digests = {n: ("new" if n in ("m.proto", "k.proto") else "same") for n in names}
    previous = {n: reuse._Kept("old" if n in ("m.proto", "k.proto") else "same", "before", {},
                               []) for n in names}
    graph = "package graph"
    rules = [r for r in lint_registry.rules() if r.id == "PACKAGE_NO_IMPORT_CYCLE"]
    stale = reuse._stale(rules, image, names, digests, dict.fromkeys(names, "after"), previous,
                         frozenset({"u.proto", "v.proto"}),
                         {"m.proto": moved_before, "k.proto": kept_before},
                         {graph: graph_digest(image.files, image.by_name)})
    assert stale.by_reach[graph] == {"m.proto", "k.proto", "u.proto"}


def test_a_counted_rule_reruns_where_a_count_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = Tree({i: Proto(i, "a/v1", "a.v1", service="empty") for i in range(3)})
    tree.files[3] = Proto(3, "a/v1", "a.v1", service="own")
    tree.write(tmp_path)
    _lint(tmp_path, "json")
    runs = _Runs(monkeypatch)
    # google.protobuf.Empty keeps its three users: the others' findings stand
    tree.files[1] = replace(tree.files[1], field_name="BadName")
    tree.write(tmp_path)
    reused = _lint(tmp_path, "text")
    assert runs.over("RPC_REQUEST_RESPONSE_UNIQUE") == {"a/v1/f1.proto"}
    assert reused == _lint(tmp_path, "text", "--no-cache")
    runs.batches.clear()
    # one user fewer: every file that still returns it is checked again
    tree.files[1] = replace(tree.files[1], service="own")
    tree.write(tmp_path)
    reused = _lint(tmp_path, "text")
    assert runs.over("RPC_REQUEST_RESPONSE_UNIQUE") == {"a/v1/f0.proto", "a/v1/f1.proto",
                                                        "a/v1/f2.proto"}
    assert reused == _lint(tmp_path, "text", "--no-cache")


def test_an_unchanged_tree_runs_only_the_rules_that_read_the_whole_image(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hub_tree().write(tmp_path)
    first = _lint(tmp_path, "json")
    runs = _Runs(monkeypatch)
    assert _lint(tmp_path, "json") == first
    assert runs.over("COMMENT_MESSAGE") == frozenset()
    assert runs.over("RPC_REQUEST_RESPONSE_UNIQUE") == frozenset()
    assert len(runs.over("STABLE_PACKAGE_NO_IMPORT_UNSTABLE")) == 4
    assert runs.over("PACKAGE_NO_IMPORT_CYCLE") == frozenset()  # its graph is unchanged


def test_another_version_or_code_of_protopact_reuses_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hub_tree().write(tmp_path)
    first = _lint(tmp_path, "json")
    runs = _Runs(monkeypatch)
    # the entry's context holds the toolchain the compile reads once a process
    try:
        monkeypatch.setattr(build, "__version__", "999.0")
        build.toolchain.cache_clear()
        assert _lint(tmp_path, "json") == first
        assert len(runs.over("COMMENT_MESSAGE")) == 4
        runs.batches.clear()
        monkeypatch.setattr(build, "code_stamp", lambda: "edited")
        build.toolchain.cache_clear()
        assert _lint(tmp_path, "json") == first
        assert len(runs.over("COMMENT_MESSAGE")) == 4
    finally:
        build.toolchain.cache_clear()


def test_a_damaged_entry_is_ignored(tmp_path: Path, isolated_cache: Path) -> None:
    tree = _hub_tree()
    tree.write(tmp_path / "tree")
    first = _lint(tmp_path / "tree", "json")
    entries = list((isolated_cache / "lint").iterdir())
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data[:-10])  # cut short: the digest differs
        assert _lint(tmp_path / "tree", "json") == first
        # forged findings and keys, cut short under a matching digest
        payload = data[len(reuse._MAGIC) + 32:]
        context = marshal.loads(payload[reuse._SIZE:])["context"]
        read = reuse._read(data, context)
        assert read.records
        forged = replace(read, records={
            name: k._replace(keys=("not keys",), findings=[
                ("COMMENT_MESSAGE", "forged", None, None, "", None, "")])
            for name, k in read.records.items()})
        payload = reuse._encoded(context, forged, reuse._NONE)[len(reuse._MAGIC) + 32:-10]
        entry.write_bytes(reuse._MAGIC + hashlib.sha256(payload).digest() + payload)
        assert _lint(tmp_path / "tree", "json") == first


def test_a_record_whose_closure_digest_alone_changed_is_written_again_as_read(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a hub edit thousands of dependents keep their findings, and only their closure
    digests change: their records are not marshalled again."""
    tree = _hub_tree()
    tree.write(tmp_path / "tree")
    _lint(tmp_path / "tree", "json")
    entry = max((isolated_cache / "lint").iterdir(), key=lambda e: e.stat().st_size)
    data = entry.read_bytes()
    context = marshal.loads(data[len(reuse._MAGIC) + 32 + reuse._SIZE:])["context"]
    read = reuse._read(data, context)
    assert len(read.records) > 1
    moved = replace(read, records={n: k._replace(closure=f"moved {n}")
                                   for n, k in read.records.items()})
    marshalled: list[object] = []
    counted = SimpleNamespace(loads=marshal.loads, version=marshal.version,
                              dumps=lambda value, *args: marshalled.append(value)
                              or marshal.dumps(value, *args))
    monkeypatch.setattr(reuse, "marshal", counted)
    written = reuse._encoded(context, moved, read)
    assert len(marshalled) == 1  # the header alone
    again = reuse._read(written, context)
    assert again.records == moved.records
    # a record whose findings changed is marshalled anew
    name = next(iter(read.records))
    changed = replace(moved, records={**moved.records, name: moved.records[name]._replace(
        findings=[("COMMENT_MESSAGE", "other", None, None, "", None, "")])})
    assert reuse._read(reuse._encoded(context, changed, read), context).records == changed.records
    assert len(marshalled) == 3


def test_one_reuse_serves_successive_lints_from_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path) -> None:
    """As ``lint --watch`` runs: the entry on disk is not read again."""
    from protopact.checks.lint import REGISTRY
    from protopact.cli import _cache, load

    tree = _hub_tree()
    tree.write(tmp_path)
    monkeypatch.chdir(tmp_path)
    kept = reuse.LintReuse(_cache(False))
    engine.run_lint(load("."), REGISTRY, label="buf.yaml", reuse=kept)
    shutil.rmtree(isolated_cache / "lint")
    tree.files[3] = replace(tree.files[3], field_name="BadName")
    (tmp_path / tree.files[3].path).write_text(tree.files[3].text(tree.files))
    runs = _Runs(monkeypatch)
    outcome = engine.run_lint(load("."), REGISTRY, label="buf.yaml", reuse=kept)
    assert runs.over("FIELD_LOWER_SNAKE_CASE") == {"a/v1/f3.proto"}
    assert outcome == engine.run_lint(load("."), REGISTRY, label="buf.yaml")


def test_kept_findings_are_not_filtered_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    """Ignores read only the config and the comments of a finding's own file: an unchanged
    file's findings are kept as they were filtered, ignored ones already dropped."""
    tree = Tree({0: Proto(0, "a/v1", "a.v1"), 1: Proto(1, "a/v1", "a.v1", (0,), field_name="BadName"),
                 # its BadName is ignored by a comment
                 2: Proto(2, "a/v1", "a.v1", (0,), field_name="BadName", ignored=True),
                 3: Proto(3, "a/v1", "a.v1")})
    tree.write(tmp_path)
    _lint(tmp_path, "json")
    filtered: list[str] = []
    real = engine._filter

    def spied(findings, *args, **kwargs):  # type: ignore[no-untyped-def]
        findings = list(findings)
        filtered.extend(f"{f.file} {f.rule}" for f in findings)
        return real(findings, *args, **kwargs)

    monkeypatch.setattr(engine, "_filter", spied)
    tree.files[3] = replace(tree.files[3], field_name="BadName")
    tree.write(tmp_path)
    reused = _lint(tmp_path, "text")
    assert "a/v1/f3.proto FIELD_LOWER_SNAKE_CASE" in filtered
    assert not [f for f in filtered if f.startswith(("a/v1/f1.proto", "a/v1/f2.proto"))]
    snake = {line.split(":")[0] for line in reused[1].splitlines() if "lower_snake_case" in line}
    assert snake == {"a/v1/f3.proto", "a/v1/f1.proto"}
    assert reused == _lint(tmp_path, "text", "--no-cache")


def test_imports_findings_are_kept_only_over_the_imports_the_previous_lint_saw(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build between two lints moves the message a dependent uses to its other import: the
    next edit's compile reuses the dependent from the build, not from the lint."""
    def write(first: str, second: str) -> None:
        write_tree(tmp_path, {
            "buf.yaml": "version: v2\nlint:\n  use: [IMPORT_USED]\n",
            "a/v1/one.proto": f'syntax = "proto3";\npackage a.v1;\n{first}\n',
            "a/v1/two.proto": f'syntax = "proto3";\npackage a.v1;\n{second}\n',
            "a/v1/user.proto": 'syntax = "proto3";\npackage a.v1;\nimport "a/v1/one.proto";\n'
                               'import "a/v1/two.proto";\nmessage User { Used used = 1; }\n'})

    write("message Used {}", "message Other {}")
    assert "two.proto" in _lint(tmp_path, "text")[1]
    write("message Other {}", "message Used {}")
    assert run("build", "-o", str(tmp_path / "image.binpb"), cwd=tmp_path).exit_code == 0
    write("message Other {}\nmessage Added {}", "message Used {}")
    runs = _Runs(monkeypatch)
    code, out, _ = _lint(tmp_path, "text")
    assert "one.proto\" is unused" in out
    assert "a/v1/user.proto" in runs.over("IMPORT_USED")
    assert (code, out) == _lint(tmp_path, "text", "--no-cache")[:2]


def test_kept_findings_are_shown_as_the_lint_run_from_elsewhere_shows_them(tmp_path: Path) -> None:
    """Linted from the tree's parent, its files are shown by another path than from within: the
    findings kept from a lint run within are shown the new way."""
    tree = _hub_tree()
    tree.write(tmp_path / "tree")
    first = _lint(tmp_path / "tree", "json")
    assert '"path":"b/v1/f1.proto"' in first[1]
    tree.files[3] = replace(tree.files[3], field_name="BadName")
    tree.write(tmp_path / "tree")
    reused = _lint(tmp_path, "json", "tree")
    assert '"path":"tree/b/v1/f1.proto"' in reused[1]
    assert reused == _lint(tmp_path, "json", "tree", "--no-cache")
