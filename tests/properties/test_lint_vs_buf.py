"""Hypothesis: on random schemas, protopact lint and buf lint give the same findings.

Each example is a small workspace of files with random package, message, field, enum, service and
RPC names in mixed cases, comments present or absent, ``go_package`` options and used or unused
imports. All of buf's rules run (v2, every category but PROTOVALIDATE's needs), and the JSON output
must be identical. Examples are few and batched (several files per buf run) to keep the test quick.
"""

from __future__ import annotations

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
        assert (actual.exit_code, actual.stdout) == (expected.returncode, expected.stdout), files
