"""Hypothesis: on random schemas, protopact lint and buf lint give the same findings.

Each example is a small workspace of files with random package, message, field, enum, service and
RPC names in mixed cases, comments present or absent, ``go_package`` options and used or unused
imports. All of buf's rules run (v2, every category but PROTOVALIDATE's needs), and the JSON output
must be identical, except for which cycle a package import cycle names: buf searches for it in Go's
random map order, so where several cycles pass through one import it names any of them (protopact
names the shortest). Examples are few and batched (several files per buf run) to keep the test quick.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run
from tests.test_lint_buf_parity import native_buf

CONFIG = """version: v2
lint:
  use: [STANDARD, COMMENTS, UNARY_RPC, PACKAGE_NO_IMPORT_CYCLE, STABLE_PACKAGE_NO_IMPORT_UNSTABLE,
        FIELD_NOT_REQUIRED]
  except: [PROTOVALIDATE]
"""
RESERVED = {"syntax", "package", "import", "option", "message", "enum", "service", "rpc", "returns",
            "stream", "map", "oneof", "optional", "repeated", "reserved", "extensions", "extend",
            "to", "max", "weak", "public", "group", "required", "true", "false", "inf", "nan"}

words = st.sampled_from(["foo", "bar", "Baz", "HTTP", "v1", "id", "Qux2", "get", "LIST", "x"])
separators = st.sampled_from(["", "_", "__"])
name = st.builds(lambda parts, sep, lead: lead + sep.join(parts),
                 st.lists(words, min_size=1, max_size=3), separators,
                 st.sampled_from(["", "", "", "_"])).filter(
    lambda n: n not in RESERVED and not n[0].isdigit() and n.strip("_"))
comment = st.sampled_from(["", "", "// Documented.\n", "//\n", "// buf:lint:ignore COMMENT_FIELD\n",
                           "/* block */\n"])
packages = st.sampled_from(["pkg.v1", "pkg.v1beta1", "other", "Pkg.V1", "pkg.v2", "pkg.sub.v1"])


@st.composite
def proto_file(draw: st.DrawFn, index: int, imports: list[str]) -> tuple[str, str]:
    package = draw(packages)
    lines = ['syntax = "proto3";', "", draw(comment) + f"package {package};", ""]
    lines += [f'import "{i}";' for i in imports]
    if draw(st.booleans()):
        lines.append(f'option go_package = "{draw(st.sampled_from(["a/b", "a/c;c"]))}";')
    seen: set[str] = set()

    def fresh(base: str) -> str:
        candidate = base
        while candidate.lower() in seen:
            candidate += "X"
        seen.add(candidate.lower())
        return candidate

    messages = []
    for _ in range(draw(st.integers(1, 3))):
        message = fresh(draw(name))
        messages.append(message)
        lines.append(draw(comment) + f"message {message} {{")
        for number in range(1, draw(st.integers(0, 3)) + 1):
            kind = draw(st.sampled_from(["string", "int32", "repeated bool", "optional int64"]))
            lines.append("  " + draw(comment).replace("\n", "\n  ") + f"{kind} {fresh(draw(name))} = {number};")
        lines.append("}")
    if draw(st.booleans()):
        enum = fresh(draw(name))
        lines.append(draw(comment) + f"enum {enum} {{")
        for number in range(draw(st.integers(1, 3))):
            lines.append("  " + draw(comment).replace("\n", "\n  ") + f"{fresh(draw(name)).upper()} = {number};")
        lines.append("}")
    if draw(st.booleans()):
        lines.append(draw(comment) + f"service {fresh(draw(name))} {{")
        for _ in range(draw(st.integers(1, 2))):
            request, response = draw(st.sampled_from(messages)), draw(st.sampled_from(messages))
            stream = draw(st.sampled_from(["", "", "stream "]))
            lines.append("  " + draw(comment).replace("\n", "\n  ")
                         + f"rpc {fresh(draw(name))}({stream}{request}) returns ({response});")
        lines.append("}")
    directory = draw(st.sampled_from(["", "pkg/v1/", "other/"]))
    return f"{directory}f{index}.proto", "\n".join(lines) + "\n"


@st.composite
def workspace(draw: st.DrawFn) -> dict[str, str]:
    files: dict[str, str] = {}
    for index in range(draw(st.integers(1, 4))):
        imports = draw(st.lists(st.sampled_from(sorted(files)), unique=True, max_size=2)) if files else []
        if draw(st.booleans()):
            imports.append("google/protobuf/timestamp.proto")
        path, text = draw(proto_file(index, imports))
        files[path] = text
    return files


CYCLE = re.compile(r"Package import cycle: (.*)")


def cycles_as_edges(output: str) -> tuple[str, list[list[str]]]:
    """``output`` with each import cycle cut to the import it starts with, and the cycles."""
    lines, cycles = [], []
    for line in output.splitlines():
        finding = json.loads(line)
        if match := CYCLE.fullmatch(finding["message"]):
            cycle = match.group(1).split(" -> ")
            cycles.append(cycle)
            finding["message"] = f"Package import cycle: {cycle[0]} -> {cycle[1]} -> …"
        lines.append(json.dumps(finding))
    return "\n".join(lines), cycles


def assert_same_findings(actual: str, expected: str) -> None:
    """The same findings, and each cycle protopact names is a cycle no longer than buf's."""
    actual_lines, actual_cycles = cycles_as_edges(actual)
    expected_lines, expected_cycles = cycles_as_edges(expected)
    assert actual_lines == expected_lines
    for ours, theirs in zip(actual_cycles, expected_cycles):
        assert ours[0] == ours[-1] and len(set(ours)) == len(ours) - 1, ours
        assert len(ours) <= len(theirs), (ours, theirs)


def test_import_cycle_is_the_shortest_through_each_import(tmp_path: Path) -> None:
    """Several cycles pass through one import: each import names the shortest, buf any of them."""
    imports = {"a/a.proto": ["b/b.proto"], "b/b.proto": ["c/c.proto", "d/d.proto"],
               "c/c.proto": ["d/d.proto"], "d/d.proto": ["a/x.proto"], "a/x.proto": []}
    (tmp_path / "buf.yaml").write_text("version: v2\nlint:\n  use: [PACKAGE_NO_IMPORT_CYCLE]\n")
    for path, imported in imports.items():
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_text(f'syntax = "proto3";\npackage {path[0]};\n'
                                     + "".join(f'import "{i}";\n' for i in imported))
    actual = run("lint", cwd=tmp_path)
    assert (actual.exit_code, actual.stdout.splitlines()) == (100, [
        "a/a.proto:3:1:Package import cycle: a -> b -> d -> a",
        "b/b.proto:3:1:Package import cycle: b -> c -> d -> a -> b",
        "b/b.proto:4:1:Package import cycle: b -> d -> a -> b",
        "c/c.proto:3:1:Package import cycle: c -> d -> a -> b -> c",
        "d/d.proto:3:1:Package import cycle: d -> a -> b -> d",
    ])
    for _ in range(3):  # buf's choice varies between runs; each must agree up to the cycle named
        expected = subprocess.run([native_buf(), "lint", "--error-format", "json"], cwd=tmp_path,
                                  capture_output=True, text=True, check=False)
        ours = run("lint", "--error-format", "json", cwd=tmp_path)
        assert_same_findings(ours.stdout, expected.stdout)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspace())
def test_lint_matches_buf(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "buf.yaml").write_text(CONFIG)
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        expected = subprocess.run([native_buf(), "lint", "--error-format", "json"], cwd=root,
                                  capture_output=True, text=True, check=False)
        if expected.returncode == 100 and '"type":"COMPILE"' in expected.stdout:
            return  # not a valid schema for buf; the compilers' messages differ by design
        actual = run("lint", "--error-format", "json", cwd=root)
        assert actual.exit_code == expected.returncode, files
        assert_same_findings(actual.stdout, expected.stdout)
