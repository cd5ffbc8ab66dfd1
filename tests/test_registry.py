"""Every lint rule is complete: a unique ID, a purpose, categories, a handler and a fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from protopact.checks.lint import REGISTRY
from tests.conftest import run, write_tree

LINT_FIXTURES = Path(__file__).parent / "lint"
RULES = REGISTRY.rules()


def test_ids_are_unique_and_upper_snake() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(i == i.upper() and " " not in i for i in ids)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_complete(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.row.purpose.strip()
    assert any(m is not None for m in rule.row.versions.values())
    assert rule.implemented
    assert rule.handler.__doc__  # the rule's reference text
    assert (LINT_FIXTURES / rule.id.lower()).is_dir(), f"no fixture tests/lint/{rule.id.lower()}/"


def test_contract_rules_are_protopact_rules_off_by_default() -> None:
    contract = [r for r in RULES if r.id.startswith("CONTRACT_")]
    assert {r.id for r in contract} == {
        "CONTRACT_ENUM_ZERO_DEFAULT", "CONTRACT_LIST_PAGINATION", "CONTRACT_UPDATE_WRAPPERS",
        "CONTRACT_EVENT_METADATA_ACK", "CONTRACT_VALUE_TYPES", "CONTRACT_COMMENTS"}
    for rule in contract:
        assert rule.row.origin == "protopact"
        for membership in rule.row.versions.values():
            assert membership is not None
            assert membership.categories == ("CONTRACT",) and not membership.default


def test_buf_plugins_and_policies_are_named_as_not_run(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "buf.yaml": "version: v2\nlint:\n  use: [PACKAGE_DEFINED]\nplugins:\n  - plugin: buf-plugin-x\n",
        "a.proto": 'syntax = "proto3";\npackage a;\n',
    })
    result = run("lint", cwd=root)
    assert result.exit_code == 0
    assert result.stderr == ("WARN: buf.yaml: plugin buf-plugin-x is configured but protopact does not "
                             "run buf plugins or policies.\n")
