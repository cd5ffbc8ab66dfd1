"""protopact's own breaking rules (categories HTTP, STABILITY and VALIDATION) on their fixture pairs.

Fixtures live beside buf's in ``tests/breaking/{previous,current}/<rule_id_lower>/``; buf has no such
rules, so the expected findings and spans here are protopact's own, checked by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from protopact.checks.breaking import REGISTRY
from tests.breaking.test_rules import HERE, findings
from tests.conftest import run

# fmt: off
EXPECTED: dict[str, list[tuple[str, int, int, int, int, str, str]]] = {
    'http_binding_no_delete': [
        ('a.proto', 7, 5, 10, 7, 'HTTP_BINDING_NO_DELETE', 'Previously present additional HTTP binding "POST /v1/items/{id}:get" on RPC "Get" on service "S" was deleted.'),
        ('a.proto', 12, 3, 12, 31, 'HTTP_BINDING_NO_DELETE', 'Previously present HTTP binding "GET /v1/gone/{id}" on RPC "Gone" on service "S" was deleted.'),
    ],
    'http_same_body': [
        ('a.proto', 8, 5, 12, 7, 'HTTP_SAME_BODY', 'RPC "Create" on service "S" changed its HTTP body from "*" to "thing".'),
        ('a.proto', 8, 5, 12, 7, 'HTTP_SAME_BODY', 'RPC "Create" on service "S" changed the HTTP body of its additional binding "PUT /v1/things/{id}" from "" to "*".'),
    ],
    'http_same_path': [
        ('a.proto', 7, 5, 7, 56, 'HTTP_SAME_PATH', 'RPC "GetWebhook" on service "WebhookService" changed its HTTP path from "/v1/webhooks/{id}" to "/v1/hooks/{id}".'),
        ('a.proto', 10, 5, 13, 7, 'HTTP_SAME_PATH', 'RPC "Renamed" on service "WebhookService" changed the HTTP path of its additional binding "GET /v1/a/{id}:list" from "/v1/a/{id}:list" to "/v1/a/{id}:search".'),
    ],
    'http_same_path_variables': [
        ('a.proto', 7, 5, 10, 7, 'HTTP_SAME_PATH_VARIABLES', 'RPC "Get" on service "S" renamed path variable "id" to "name" in its HTTP path, now "/v1/things/{name}".'),
        ('a.proto', 7, 5, 10, 7, 'HTTP_SAME_PATH_VARIABLES', 'RPC "Get" on service "S" renamed path variable "parent" to "shelf" in the HTTP path of its additional binding "GET /v1/{parent=shelves/*}/books", now "/v1/{shelf=shelves/*}/books".'),
    ],
    'http_same_response_body': [
        ('a.proto', 8, 5, 8, 75, 'HTTP_SAME_RESPONSE_BODY', 'RPC "Get" on service "S" changed its HTTP response_body from "" to "thing".'),
    ],
    'http_same_verb': [
        ('a.proto', 7, 5, 11, 7, 'HTTP_SAME_VERB', 'RPC "Get" on service "S" changed its HTTP verb from "GET" to "POST".'),
        ('a.proto', 7, 5, 11, 7, 'HTTP_SAME_VERB', 'RPC "Get" on service "S" changed the HTTP verb of its additional binding "GET /v1/items/{id}" from "GET" to "DELETE".'),
    ],
    # FILE with the filter: beta messages, a beta RPC, a beta service's RPC, a baseline-beta
    # (since promoted) message and the v0 file b.proto change freely; the rest is still reported.
    'stability_beta_may_change': [
        ('a.proto', 7, 1, 7, 33, 'FIELD_NO_DELETE', 'Previously present field "2" with name "y" on message "Stable" was deleted.'),
        ('a.proto', 12, 1, 15, 2, 'FIELD_NO_DELETE', 'Previously present field "2" with name "y" on message "Demoted" was deleted.'),
        ('a.proto', 16, 1, 19, 2, 'RPC_NO_DELETE', 'Previously present RPC "B" on service "S" was deleted.'),
        ('a.proto', 18, 26, 18, 30, 'RPC_SAME_RESPONSE_TYPE', 'RPC "C" on service "S" changed response type from "foo.v1.Stable" to "foo.v1.Beta".'),
        ('a.proto', 23, 9, 23, 13, 'RPC_SAME_REQUEST_TYPE', 'RPC "E" on service "Trial" changed request type from "foo.v1.Stable" to "foo.v1.Beta".'),
    ],
    'stability_delete_requires_deprecation': [
        ('a.proto', 1, 1, 1, 1, 'STABILITY_DELETE_REQUIRES_DEPRECATION', 'Previously present message "foo.v1.Plain" was deleted without being marked deprecated in the baseline.'),
        ('a.proto', 4, 1, 8, 2, 'STABILITY_DELETE_REQUIRES_DEPRECATION', 'Previously present field "foo.v1.M.a" was deleted without being marked deprecated in the baseline.'),
        ('a.proto', 4, 1, 8, 2, 'STABILITY_DELETE_REQUIRES_DEPRECATION', 'Previously present message "foo.v1.M.Inner" was deleted without being marked deprecated in the baseline.'),
        ('a.proto', 5, 3, 7, 4, 'STABILITY_DELETE_REQUIRES_DEPRECATION', 'Previously present enum value "foo.v1.M.E.E_ONE" was deleted without being marked deprecated in the baseline.'),
        ('a.proto', 9, 1, 11, 2, 'STABILITY_DELETE_REQUIRES_DEPRECATION', 'Previously present RPC "foo.v1.S.Drop" was deleted without being marked deprecated in the baseline.'),
    ],
    'validation_request_no_new_required': [
        ('a.proto', 6, 19, 6, 57, 'VALIDATION_REQUEST_NO_NEW_REQUIRED', 'Field "1" with name "name" on message "CreateRequest" became required (buf.validate).'),
        ('a.proto', 9, 21, 9, 62, 'VALIDATION_REQUEST_NO_NEW_REQUIRED', 'Field "4" with name "region" on message "CreateRequest" was added, and its buf.validate rules refuse requests that leave it unset.'),
        ('a.proto', 13, 5, 13, 49, 'VALIDATION_REQUEST_NO_NEW_REQUIRED', 'Oneof "target" on message "CreateRequest" became required (buf.validate).'),
        ('a.proto', 18, 5, 18, 49, 'VALIDATION_REQUEST_NO_NEW_REQUIRED', 'Oneof "source" on message "CreateRequest" became required (buf.validate).'),
        ('a.proto', 29, 17, 29, 55, 'VALIDATION_REQUEST_NO_NEW_REQUIRED', 'Field "1" with name "id" on message "Owner" became required (buf.validate).'),
    ],
    'validation_request_not_tightened': [
        ('a.proto', 6, 19, 6, 62, 'VALIDATION_REQUEST_NOT_TIGHTENED', 'Field "1" with name "text" on message "SendRequest" tightened its buf.validate rules: string.max_len from 160 to 140.'),
        ('a.proto', 7, 23, 7, 72, 'VALIDATION_REQUEST_NOT_TIGHTENED', 'Field "2" with name "page_size" on message "SendRequest" tightened its buf.validate rules: int32.gte from 0 to 1.'),
        ('a.proto', 8, 21, 8, 82, 'VALIDATION_REQUEST_NOT_TIGHTENED', 'Field "3" with name "sender" on message "SendRequest" tightened its buf.validate rules: string.pattern from unset to \'^[A-Za-z0-9]{1,11}$\'.'),
        ('a.proto', 10, 28, 10, 91, 'VALIDATION_REQUEST_NOT_TIGHTENED', 'Field "5" with name "tags" on message "SendRequest" tightened its buf.validate rules: repeated.unique from unset to true.'),
        ('a.proto', 11, 40, 11, 109, 'VALIDATION_REQUEST_NOT_TIGHTENED', 'Field "6" with name "timeout" on message "SendRequest" tightened its buf.validate rules: duration.gte from 10s to 10.5s.'),
        ('a.proto', 15, 3, 19, 5, 'VALIDATION_REQUEST_NOT_TIGHTENED', 'Message "foo.v1.Target" tightened its buf.validate rules: cel from unset to ["target.e164 (this.e164.startsWith(\'+\'))"].'),
    ],
    'validation_response_not_loosened': [
        ('a.proto', 8, 1, 18, 2, 'VALIDATION_RESPONSE_NOT_LOOSENED', 'Message "foo.v1.Item" loosened its buf.validate rules: cel from [\'item.range (this.low <= this.high)\'] to unset.'),
        ('a.proto', 9, 19, 9, 88, 'VALIDATION_RESPONSE_NOT_LOOSENED', 'Field "1" with name "code" on message "Item" loosened its buf.validate rules: string.max_len from 2 to 3; string.pattern from \'^[A-Z]{2}$\' to \'^[A-Z]{2,3}$\'.'),
        ('a.proto', 12, 3, 12, 20, 'VALIDATION_RESPONSE_NOT_LOOSENED', 'Field "4" with name "email" on message "Item" loosened its buf.validate rules: string.email from true to unset.'),
        ('a.proto', 13, 31, 13, 88, 'VALIDATION_RESPONSE_NOT_LOOSENED', 'Field "5" with name "aliases" on message "Item" loosened its buf.validate rules: repeated.items.string.max_len from 8 to 16.'),
        ('a.proto', 14, 3, 17, 4, 'VALIDATION_RESPONSE_NOT_LOOSENED', 'Oneof "kind" on message "Item" loosened its buf.validate rules: required from true to unset.'),
    ],
}
# fmt: on
CASES = sorted(EXPECTED)
PROTOPACT_RULES = [r for r in REGISTRY.rules() if r.row.origin == "protopact"]


@pytest.mark.parametrize("case", CASES)
def test_rule_fixture(case: str) -> None:
    assert findings(case) == EXPECTED[case]


@pytest.mark.parametrize("case", CASES)
def test_each_side_against_itself_is_clean(case: str) -> None:
    for side in ("previous", "current"):
        result = run("breaking", ".", "--against", ".", cwd=HERE / side / case)
        assert (result.exit_code, result.stdout) == (0, ""), (side, result.stdout)


@pytest.mark.parametrize("rule", PROTOPACT_RULES, ids=lambda r: r.id)
def test_rule_is_complete_and_off_by_default(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.implemented and (rule.handler or rule.filter).__doc__
    assert (HERE / "previous" / rule.id.lower()).is_dir()
    assert rule.id.lower() in EXPECTED
    for membership in rule.row.versions.values():
        assert membership is not None and not membership.default
        assert membership.categories == (rule.id.split("_")[0],)


def test_without_the_filter_the_beta_changes_are_reported(tmp_path: Path) -> None:
    case = "stability_beta_may_change"
    for side in ("previous", "current"):
        shutil.copytree(HERE / side / case, tmp_path / side)
        (tmp_path / side / "buf.yaml").write_text("version: v2\nbreaking:\n  use: [FILE]\n")
    result = run("breaking", "current", "--against", "previous", cwd=tmp_path)
    reported = {line.split(":")[0] + ":" + line.split(":")[1] for line in result.stdout.splitlines()}
    filtered = {f"current/{p}:{line}" for p, line, *_ in EXPECTED[case]}
    assert filtered < reported  # the filter removed findings and added none
    assert "current/b.proto:3" in reported and "current/a.proto:22" in reported



def test_validation_findings_count_towards_the_next_version() -> None:
    case = "validation_request_no_new_required"
    result = run("breaking", ".", "--against", f"../../previous/{case}", "--bump-from", "1.4.2",
                 cwd=HERE / "current" / case)
    assert (result.exit_code, result.stdout) == (100, "2.0.0\n"), result.stderr


def test_a_request_oneof_made_required_alone_is_a_major_change(tmp_path: Path) -> None:
    oneof = ("syntax = \"proto3\";\npackage foo.v1;\nimport \"buf/validate/validate.proto\";\n"
             "message Req {{\n  oneof target {{\n{option}    string user = 1;\n"
             "    string group = 2;\n  }}\n}}\nmessage Res {{}}\nservice S {{ rpc Do(Req) returns (Res); }}\n")
    config = ("version: v2\ndeps:\n  - buf.build/bufbuild/protovalidate\n"
              "breaking:\n  use: [FILE, VALIDATION]\n")
    for side, option in (("previous", ""), ("current", "    option (buf.validate.oneof).required = true;\n")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "buf.yaml").write_text(config)
        (tmp_path / side / "a.proto").write_text(oneof.format(option=option))
    bump = run("breaking", "current", "--against", "previous", "--bump-from", "1.4.2", cwd=tmp_path)
    assert (bump.exit_code, bump.stdout) == (100, "2.0.0\n"), bump.stderr
    log = run("changelog", "current", "--against", "previous", cwd=tmp_path)
    assert 'Oneof "target" on message "Req" became required (buf.validate).' in log.stdout
    assert "1 breaking change" in log.stdout, log.stdout
