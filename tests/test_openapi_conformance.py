"""The OpenAPI document against the gateway in front of the mock, by schemathesis: every operation,
requests the document allows (positive) and requests it refuses (negative), a bounded number of
each, derandomized so that every run sends the same requests. Three APIs: the reference API, one
of REQUIRED fields and a partial update (:mod:`.test_gateway_required`), and one of the rules a
schema holds only as patterns (durations, byte lengths) or not at all (timestamps, CEL, a float's
bounds on its string form) or its string formats (a pattern each, but a URI's), which the document
lists under ``x-protovalidate``, and of an ``Any``,
whose payloads (any of the API's messages, or a well-known type) the document lists.

Positive requests are accepted (``positive_data_acceptance``), never get a 5xx, and every answer
(errors and stream lines included) is what the document says, status, content type, headers and
body. A positive request may only be refused for what the document leaves to the server in words:
a rule it lists under ``x-protovalidate``, or a REQUIRED field that the update mask names and the
body leaves out (the ``updateMask`` parameter says so; one parameter cannot constrain another).
Negative requests are refused with a 4xx, never served: what the document refuses, the gateway
refuses. The mock ends each stream after a few messages (``stream_limit``), so a stream is read to
its end and checked like any answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
)

from protopact.compile.image import Image
from protopact.config.settings import Settings
from protopact.render.openapi import render_openapi

from .mock_harness import FAST, serving_mock
from .test_gateway import load_image
from .test_gateway_required import PROTO as LIBRARY
from .validation.images import validated_image

RULES = """
    syntax = "proto3";
    package rules.v1;
    import "buf/validate/validate.proto";
    import "google/api/annotations.proto";
    import "google/protobuf/any.proto";
    import "google/protobuf/duration.proto";
    import "google/protobuf/timestamp.proto";
    import "google/protobuf/wrappers.proto";
    service Planner {
      rpc MakePlan(PlanRequest) returns (Plan) {
        option (google.api.http) = {post: "/v1/plans" body: "*"};
      }
      rpc GetSlot(GetSlotRequest) returns (Plan) {
        option (google.api.http) = {get: "/v1/slots/{slot_id}"};
      }
      rpc Attach(AttachRequest) returns (Plan) {
        option (google.api.http) = {post: "/v1/attachments" body: "attachment"};
      }
    }
    message AttachRequest {
      google.protobuf.Any attachment = 1;
    }
    message PlanRequest {
      bytes token = 1 [(buf.validate.field).bytes = {min_len: 2, max_len: 5}];
      bytes digest = 2 [(buf.validate.field).bytes.len = 4];
      repeated bytes chunks = 3 [(buf.validate.field).repeated.items.bytes.max_len = 3];
      google.protobuf.Duration every = 4 [(buf.validate.field).duration = {
        gt: {seconds: 1, nanos: 500000000}, lte: {seconds: 90}}];
      google.protobuf.Duration offset = 5 [(buf.validate.field).duration = {
        gt: {seconds: 5}, lt: {seconds: -5}}];
      google.protobuf.Duration step = 6 [(buf.validate.field).duration = {
        in: [{seconds: 1}, {nanos: 250000000}]}];
      google.protobuf.Duration pause = 7 [(buf.validate.field).duration.not_in = {}];
      google.protobuf.Timestamp not_before = 8 [(buf.validate.field).timestamp.gt = {
        seconds: 946684800}];
      Window window = 9;
      double weight = 10 [(buf.validate.field).double = {gte: 0, lt: 1}];
      float level = 11;
      google.protobuf.DoubleValue ratio = 12 [(buf.validate.field).double.finite = true];
      string label = 13 [(buf.validate.field).cel = {
        id: "label.no_spaces", message: "must not hold spaces", expression: "!this.contains(' ')"}];
      oneof target {
        option (buf.validate.oneof).required = true;
        string queue = 14;
        int64 worker = 15;
      }
      map<string, google.protobuf.Duration> timeouts = 16 [
        (buf.validate.field).map.values.duration.lte = {seconds: 60}];
    }
    message Window {
      option (buf.validate.message).cel = {
        id: "window.ordered", message: "opens before it closes",
        expression: "!has(this.opens) || !has(this.closes) || this.opens < this.closes"};
      google.protobuf.Timestamp opens = 1;
      google.protobuf.Timestamp closes = 2;
    }
    message GetSlotRequest {
      int32 slot_id = 1 [(buf.validate.field).int32 = {gt: 0, lte: 1000}];
      google.protobuf.Duration within = 2 [(buf.validate.field).duration.lt = {seconds: 3600}];
      bytes key = 3 [(buf.validate.field).bytes.max_len = 8];
      repeated double scores = 4 [(buf.validate.field).repeated.items.double.gt = 0];
      optional string host = 5 [(buf.validate.field).string.hostname = true];
      optional string contact = 6 [(buf.validate.field).string.email = true];
      optional string peer = 7 [(buf.validate.field).string.address = true];
      optional string site = 8 [(buf.validate.field).string.uri = true];
    }
    message Plan {
      string id = 1;
      google.protobuf.Duration every = 2;
      bytes token = 3;
      float level = 4;
    }
"""
AUTH = {"authorization": "Bearer any-token"}
EXAMPLES = 8  # per operation and mode: a few seconds for the whole API on a busy machine
APIS = {"library": {"lib/v1/lib.proto": LIBRARY}, "rules": {"rules/v1/rules.proto": RULES}}


@pytest.fixture(scope="module", params=["reference", "library", "rules"])
def image(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Image:
    if request.param == "reference":
        return load_image()
    return validated_image(tmp_path_factory.mktemp(request.param), APIS[request.param])


@pytest.fixture(scope="module")
def document(image: Image) -> dict[str, Any]:
    rendered = render_openapi(image, Settings(name="protopact-example-api", version="1.0.0"))
    return yaml.safe_load(rendered["openapi.yaml"])


@pytest.fixture(scope="module")
def mock_url(image: Image) -> Iterator[str]:
    with serving_mock(image, stream_limit=3, **FAST) as addresses:
        yield addresses["rest"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["positive", "negative"])
def test_the_gateway_in_front_of_the_mock_keeps_the_document(
        document: dict[str, Any], mock_url: str, mode: GenerationMode) -> None:
    operations = [result.ok() for result in
                  schemathesis.openapi.from_dict(_undotted(document)).get_all_operations()]
    assert len(operations) == sum(len(item) for item in document["paths"].values())
    checks = {
        GenerationMode.POSITIVE: [not_a_server_error, _accepted_but_for(_LeftToServer.of(document)),
                                  response_schema_conformance, content_type_conformance,
                                  response_headers_conformance],
        GenerationMode.NEGATIVE: [not_a_server_error, negative_data_rejection,
                                  response_schema_conformance, content_type_conformance],
    }[mode]
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            case.call_and_validate(base_url=mock_url, headers=AUTH, checks=checks, timeout=20)

        check()


@dataclass(frozen=True)
class _LeftToServer:
    """What the document leaves to the server: the types whose rules it lists under
    ``x-protovalidate`` (their rule ids start ``type.``), its CEL rules' ids and the range of a
    float in a string (``format.float``, by the format that says it); the query parameters that
    take only a value a response gave (``x-server-issued``)."""

    kinds: frozenset[str]
    ids: frozenset[str]
    issued: frozenset[str]

    @classmethod
    def of(cls, document: Any) -> _LeftToServer:
        kinds: set[str] = set()
        ids: set[str] = set()
        issued: set[str] = set()
        nodes = [document]
        while nodes:
            node = nodes.pop()
            if isinstance(node, dict):
                for kind, rules in node.get("x-protovalidate", {}).items():
                    if kind == "cel":
                        ids.update(rule.get("id") or rule["expression"] for rule in rules)
                    else:
                        kinds.add("message" if kind == "oneof" else kind)
                if node.get("x-server-issued"):
                    issued.add(node["name"])
                if node.get("type") == "string" and node.get("format") in ("float", "double"):
                    kinds.add(f"format.{node['format']}")
                nodes.extend(node.values())
            elif isinstance(node, list):
                nodes.extend(node)
        return cls(frozenset(kinds), frozenset(ids), frozenset(issued))

    def rule(self, reason: str) -> bool:
        return reason in self.ids or reason in self.kinds or reason.split(".")[0] in self.kinds


def _accepted_but_for(server: _LeftToServer) -> Callable[..., Any]:
    """``positive_data_acceptance``, but for a refusal that names only what the document leaves to
    the server (see the module's description)."""
    def positive_data_acceptance_but_for_the_servers_rules(ctx: Any, response: Any,
                                                           case: Any) -> Any:
        if response.status_code == 400 and _only_the_servers(response.json(), case, server):
            return None
        return positive_data_acceptance(ctx, response, case)

    return positive_data_acceptance_but_for_the_servers_rules


def _snake(path: str) -> str:
    return re.sub("[A-Z]", lambda c: "_" + c.group().lower(), path)


def _only_the_servers(status: Any, case: Any, server: _LeftToServer) -> bool:
    query = case.query or {}
    if any(status.get("message", "").startswith(_snake(name) + ":")
           for name in server.issued if name in query):
        return True
    violations = [v for detail in status.get("details", [])
                  if detail.get("@type", "").endswith("google.rpc.BadRequest")
                  for v in detail.get("fieldViolations", [])]
    mask = query.get("updateMask")
    masked = [_snake(path) for path in (mask.split(",") if isinstance(mask, str) and mask else [])]
    return bool(violations) and all(
        server.rule(v.get("reason", "")) or v.get("reason") == "field_behavior.required" and any(
            path == "*" or f".{path}." in f".{v['field']}." for path in masked)
        for v in violations)


def _undotted(document: dict[str, Any]) -> dict[str, Any]:
    """The document with ``{a.b}`` path parameters renamed ``{a__b}``: schemathesis fills paths with
    ``str.format``, which reads a dot as attribute access. The URLs it builds are unchanged."""
    text = json.dumps(document)
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and "." in parameter["name"]:
                    dotted = parameter["name"]
                    text = text.replace(f'"name": "{dotted}", "in": "path"',
                                        f'"name": "{dotted.replace(".", "__")}", "in": "path"')
                    text = text.replace("{" + dotted + "}", "{" + dotted.replace(".", "__") + "}")
    return json.loads(text)


def test_the_document_says_what_it_leaves_to_the_server(tmp_path: Any) -> None:
    """Of the rules API: URL parameters carry their field's rules, a required oneof is required,
    byte lengths and durations are patterns, and what no keyword holds is under
    ``x-protovalidate`` as ProtoJSON, at the field or the message that has it."""
    import jsonschema
    from openapi_spec_validator import validate

    image = validated_image(tmp_path, APIS["rules"])
    document = yaml.safe_load(render_openapi(image, Settings(name="r", version="1"))[
        "openapi.yaml"])
    validate(document)
    [slot, within, key, scores, *_] = document["paths"]["/v1/slots/{slot_id}"]["get"][
        "parameters"]

    def holds(parameter: Any, value: Any) -> bool:
        return jsonschema.Draft202012Validator(parameter["schema"]).is_valid(value)

    assert [holds(slot, n) for n in (0, 1, "1000", "1001")] == [False, True, True, False]
    assert holds(within, "3599.999999999s") and not holds(within, "3600s")
    assert holds(key, "AAAAAAAAAAA=") and not holds(key, "AAAAAAAAAAAA")  # 8 bytes, 9
    assert scores["schema"]["items"]["x-protovalidate"] == {"double": {"gt": 0.0}}
    body = document["paths"]["/v1/plans"]["post"]["requestBody"]["content"]["application/json"][
        "schema"]
    schema = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    fields = schema["properties"]
    assert fields["notBefore"]["x-protovalidate"] == {"timestamp": {"gt": "2000-01-01T00:00:00Z"}}
    assert fields["label"]["x-protovalidate"] == {"cel": [
        {"id": "label.no_spaces", "message": "must not hold spaces",
         "expression": "!this.contains(' ')"}]}
    assert fields["ratio"]["x-protovalidate"] == {"double": {"finite": True}}
    assert "x-protovalidate" not in fields["every"]  # a pattern holds it
    offset = fields["offset"]["anyOf"][1]["anyOf"]  # null, or outside -5s..5s
    assert [bool(re.fullmatch(o["pattern"], "6s")) for o in offset] == [True, False]
    assert [bool(re.fullmatch(o["pattern"], "-5.5s")) for o in offset] == [False, True]
    window = document["components"]["schemas"]["rules.v1.Window"]
    assert window["x-protovalidate"]["cel"][0]["id"] == "window.ordered"
    required_oneof = [rule for rule in schema["allOf"] if "anyOf" in rule]
    assert [r["required"] for r in required_oneof[0]["anyOf"]] == [["queue"], ["worker"]]
