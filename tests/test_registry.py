"""Every lint rule is complete: a unique ID, a purpose, categories, a handler and a fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from protopact.checks.engine import LintContext
from protopact.checks.lint import REGISTRY
from protopact.compile.cache import Cache
from protopact.compile.inputs import load_input
from protopact.config.bufyaml import CheckConfig
from protopact.schema import walk
from protopact.schema.source import Sources
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


def test_rules_that_walk_every_message_or_enum_say_so(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk rules share is made before they run only when they need it (see
    ``checks.engine._lint``): each rule's ``walks`` mark says whether it visits the messages or
    enums of the files it checks."""
    root = write_tree(tmp_path, {
        "buf.yaml": "version: v2\n",
        "a/v1/a.proto": """
            syntax = "proto3";
            package a.v1;
            message Thing { enum Kind { KIND_UNSPECIFIED = 0; } oneof o { string id = 1; } }
            enum Colour { COLOUR_UNSPECIFIED = 0; }
            service ThingService { rpc GetThing(Thing) returns (Thing); }
            """,
    })
    image = load_input(".", cwd=root, cache=Cache(None)).image
    context = LintContext(image, Sources(image.files), CheckConfig(version="v2", use=()))
    walked: set[str] = set()
    for name in ("messages", "enums"):
        real = getattr(walk, name)
        monkeypatch.setattr(walk, name, lambda f, real=real: walked.add(f.name) or real(f))
    for rule in RULES:
        if rule.handler is None:
            continue
        walked.clear()
        list(rule.handler(context))
        assert rule.walks == ("a/v1/a.proto" in walked), rule.id
