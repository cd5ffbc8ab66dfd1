"""Fuzz: configuration files of any shape (buf.yaml, buf.work.yaml and their modules' buf.yaml,
pyproject.toml's ``[tool.protopact]``), built from the keys protopact knows and odd values, or
broken as text. Every command ends with exit 0, 1 or 100; a refused file is named on one line; no
traceback; nothing is written outside the project."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import write_tree
from .conftest import FUZZ, clean_run

KEYS = ["version", "name", "deps", "build", "roots", "excludes", "lint", "breaking", "modules",
        "path", "use", "except", "ignore", "ignore_only", "plugins", "plugin", "policies",
        "directories", "enum_zero_value_suffix", "service_suffix", "allow_comment_ignores",
        "disallow_comment_ignores", "ignore_unstable_packages", "rpc_allow_same_request_response"]
WORDS = ["v1", "v1beta1", "v2", "STANDARD", "DEFAULT", "MINIMAL", "FILE", "WIRE", "WIRE_JSON",
         "PACKAGE", "FIELD_LOWER_SNAKE_CASE", "COMMENTS", "NOPE", ".", "..", "../x", "/abs", "a",
         "a/v1", "a/v1/a.proto", "b", "*", "", "buf.build/acme/x", "buf.build/acme/x:v1",
         "https://x", "~", "-", "a\x00b", "é", "x" * 300]
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.floats(allow_nan=True),
                   st.sampled_from(WORDS), st.text(max_size=6))


def _values(keys: list[str]) -> st.SearchStrategy[Any]:
    return st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(keys) | st.text(max_size=4), inner, max_size=4), max_leaves=12)


YAML_VALUE = _values(KEYS)
# Text that is not a mapping, or not YAML: deep nesting, an alias bomb, tabs, odd scalars.
BROKEN_YAML = st.sampled_from([
    "", "- a\n", "v2", "version: [", "\t version: v2", "version: !!python/object:os.system x",
    "[" * 5000 + "]" * 5000, "version: v2\nlint: " + "{a: " * 3000 + "1" + "}" * 3000,
    ("a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nlint:\n  use: [*c, *c, *c, *c, *c, *c, *c, *c]\n"),
    "version: v2\nmodules:\n  - path: a\n  - path: a\n", "? [a]\n: b\n", "version: v1\n\x00\n",
]) | st.text(max_size=40)
PROTO = 'syntax = "proto3";\npackage a.v1;\nmessage A { string a = 1; }\n'


WORD_LISTS = st.lists(st.sampled_from(WORDS), max_size=3)
CHECKS = st.fixed_dictionaries({}, optional={
    "use": WORD_LISTS, "except": WORD_LISTS, "ignore": WORD_LISTS,
    "ignore_only": st.dictionaries(st.sampled_from(WORDS), WORD_LISTS | SCALAR, max_size=2),
    "enum_zero_value_suffix": SCALAR, "allow_comment_ignores": SCALAR,
    "ignore_unstable_packages": SCALAR})
# Close to a valid file: a known version, sections of the right shape, odd paths and rule names.
SECTIONS = {"lint": CHECKS, "breaking": CHECKS, "deps": WORD_LISTS}
PLAUSIBLE = st.fixed_dictionaries(
    {"version": st.sampled_from(["v1beta1", "v1"])}, optional={**SECTIONS, "build": (
        st.fixed_dictionaries({}, optional={"roots": WORD_LISTS, "excludes": WORD_LISTS}))}
) | st.fixed_dictionaries({"version": st.just("v2")}, optional={**SECTIONS, "modules": st.lists(
    st.fixed_dictionaries({"path": st.sampled_from(WORDS)}, optional={
        "excludes": WORD_LISTS, "lint": CHECKS, "breaking": CHECKS}), max_size=3)})

def _yaml(data: st.DataObject) -> str:
    shape = data.draw(st.integers(0, 4))
    if shape == 0:
        return data.draw(BROKEN_YAML)
    value = data.draw(PLAUSIBLE if shape > 1 else
                      st.dictionaries(st.sampled_from(KEYS), YAML_VALUE, max_size=5))
    return yaml.safe_dump(value, allow_unicode=data.draw(st.booleans()))


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty directory (with an untouched sibling) for one example."""
    parent = tmp_path_factory.mktemp("config")
    (parent / "sibling.txt").write_text("untouched")
    (parent / "project").mkdir()
    return parent / "project"


def _fresh(project: Path) -> Path:
    shutil.rmtree(project)
    return write_tree(project, {"a/v1/a.proto": PROTO, "b/b.proto": PROTO.replace("a.v1", "b")})


def _outside_unchanged(project: Path) -> None:
    assert sorted(os.listdir(project.parent)) == ["project", "sibling.txt"]
    assert (project.parent / "sibling.txt").read_text() == "untouched"


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_any_buf_yaml_or_workspace_is_read_or_refused_in_one_line(project: Path,
                                                                   data: st.DataObject) -> None:
    _fresh(project)
    if data.draw(st.booleans()):
        (project / data.draw(st.sampled_from(["buf.yaml", "buf.yml"]))).write_text(_yaml(data))
    else:
        work = {"version": data.draw(st.sampled_from(["v1", "v2", None])),
                "directories": data.draw(YAML_VALUE | st.lists(st.sampled_from(WORDS), max_size=3))}
        (project / "buf.work.yaml").write_text(yaml.safe_dump(work))
        for module in data.draw(st.lists(st.sampled_from(["a", "b"]), unique=True)):
            (project / module / "buf.yaml").write_text(_yaml(data))
    for args in (("lint", "."), ("build", ".", "-o", "image.binpb"),
                 ("breaking", ".", "--against", "image.binpb")):
        result = clean_run(*args, cwd=project)
        if result.exit_code == 1 and args[0] != "breaking":
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert result.stderr.split(":")[0].endswith(("buf.yaml", "buf.yml", "buf.work.yaml")) \
                or ".proto" in result.stderr, result.stderr
            break
    _outside_unchanged(project)


SETTINGS_KEYS = ["name", "version", "description", "package", "dependencies", "flavors", "out",
                 "default_bindings", "conventions", "pagination", "errors", "nope"]
TOML_WORDS = ["proto-api", "acme_api", "1.0.0", "0", "x y", "class", "protobuf", "betterproto2",
              "grpcio>=1.60", "generated", "gen/py", ".", "..", "../out", "/tmp/x", "a\x00b",
              "a\nb", '"', "\\", "é", "acme.v1.Page", "x" * 300]
TOML_VALUE = st.recursive(
    st.one_of(st.booleans(), st.integers(-2, 3), st.sampled_from(TOML_WORDS), st.text(max_size=6)),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(SETTINGS_KEYS) | st.text(max_size=4), inner, max_size=3),
    max_leaves=8)


def _toml(value: Any) -> str:
    """``value`` as a TOML value (JSON's string escapes are TOML's, bar lone surrogates, which
    make the text invalid: a case worth having too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


def _pyproject(data: st.DataObject) -> str:
    shape = data.draw(st.integers(0, 5))
    if shape == 0:  # [tool] or tool.protopact of the wrong shape
        return f"tool = {_toml(data.draw(TOML_VALUE))}\n"
    if shape == 1:
        return f"[tool]\nprotopact = {_toml(data.draw(TOML_VALUE))}\n"
    if shape == 2:  # not TOML
        return data.draw(st.sampled_from(["[tool.protopact\n", "[tool.protopact]\nout = \n",
                                          "\xff", "[tool.protopact]\nout = 'a'\nout = 'b'\n"])
                         | st.text(max_size=30))
    table = data.draw(st.dictionaries(st.sampled_from(SETTINGS_KEYS), TOML_VALUE, max_size=4))
    return "[tool.protopact]\n" + "".join(f"{json.dumps(k)} = {_toml(v)}\n"
                                          for k, v in table.items())


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_any_tool_protopact_table_generates_or_is_refused_in_one_line(
        project: Path, data: st.DataObject) -> None:
    _fresh(project)
    (project / "pyproject.toml").write_bytes(_pyproject(data).encode("utf-8", "surrogatepass"))
    for args in (("lint", "."), ("generate",)):
        result = clean_run(*args, cwd=project)
        if result.exit_code == 1 and "pyproject.toml" in result.stderr:
            assert result.stderr.startswith("pyproject.toml: "), result.stderr
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    _outside_unchanged(project)
