"""PROTOVALIDATE against the real buf 1.75: the fixture covers every family of rule the lint checks
(rules that do not fit the field's type, lower bounds above upper ones, equal bounds, lengths in
characters against bytes, substrings beyond the bounds, invalid Duration and Timestamp bounds,
``required`` where it cannot hold (extensions too), contradicting ``ignore``, examples the rules
refuse, message ``oneof`` entries, patterns that are not RE2, CEL ids, expressions that do not
compile or evaluate). buf prints a Duration or Timestamp example as a Go pointer, whose address
changes between runs: the fixture has none. Its ``buf.yaml`` lists the protovalidate dependency, which buf would
fetch from the registry: buf lints protopact's image of it instead, offline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from protopact.checks.lint.validate_text import pattern_problem
from tests.conftest import run

FIXTURE = Path(__file__).parent / "lint" / "protovalidate"
CONFIG = json.dumps({"version": "v2", "lint": {"use": ["PROTOVALIDATE"]}})


def test_findings_equal_buf_on_the_image(buf: str, tmp_path: Path) -> None:
    image = tmp_path / "image.binpb"
    assert run("build", "-o", str(image), cwd=FIXTURE).exit_code == 0
    expected = subprocess.run([buf, "lint", str(image), "--config", CONFIG, "--error-format",
                               "json"], cwd=FIXTURE, capture_output=True, text=True, check=False)
    actual = run("lint", "--error-format", "json", cwd=FIXTURE)
    assert expected.returncode == 100 and expected.stdout.count("\n") > 40, expected.stderr
    assert (actual.exit_code, actual.stdout) == (expected.returncode, expected.stdout)


def test_patterns_refused_as_go_refuses_them() -> None:
    assert pattern_problem("^\\+[1-9][0-9]{1,14}$") is None
    assert pattern_problem("[\\1]") is None  # an escape inside a class, not a backreference
    assert pattern_problem("(abc") == "error parsing regexp: missing closing ): `(abc`"
    assert pattern_problem("a)") == "error parsing regexp: unexpected ): `a)`"
    assert pattern_problem("x[abc") == "error parsing regexp: missing closing ]: `[abc`"
    assert pattern_problem("(a)\\1") == "error parsing regexp: invalid escape sequence: `\\1`"
    assert pattern_problem("a\\") == "error parsing regexp: trailing backslash at end of expression: ``"


def test_a_tree_without_validate_proto_has_nothing_to_check(tmp_path: Path) -> None:
    (tmp_path / "buf.yaml").write_text("version: v2\nlint:\n  use: [PROTOVALIDATE]\n")
    (tmp_path / "a.proto").write_text('syntax = "proto3";\npackage a;\nmessage M { string s = 1; }\n')
    result = run("lint", cwd=tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
