"""The gateway enforces buf.validate rules: a request that breaks them is answered 400 naming each
field, rule and reason, and never reaches the upstream; one that keeps them is forwarded."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from starlette.testclient import TestClient

from protopact.gateway.app import GatewaySettings, create_app

from .validation.images import validated_image

PROTO = r'''
syntax = "proto3";
package sms.v1;
import "buf/validate/validate.proto";

message SendRequest {
  string to = 1 [(buf.validate.field).string.pattern = "^\\+[1-9][0-9]{1,14}$"];
  repeated string lines = 2 [(buf.validate.field).repeated = {max_items: 2, items: {string: {min_len: 1}}}];
  uint32 max_in_flight = 3 [(buf.validate.field).uint32.lte = 200];
}
message SendResponse {}
service SmsService { rpc Send(SendRequest) returns (SendResponse); }
'''
PATH = "/sms.v1.SmsService/Send"


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[int, list[bytes]]]:
    received: list[bytes] = []

    def send(request: bytes, context: grpc.ServicerContext) -> bytes:
        received.append(request)
        return b""

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "sms.v1.SmsService", {"Send": grpc.unary_unary_rpc_method_handler(send)})])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield port, received
    server.stop(None)


def _client(tmp: Path, port: int, *, validate: bool) -> TestClient:
    image = validated_image(tmp, {"sms/v1/sms.proto": PROTO})
    return TestClient(create_app(image, upstream=f"127.0.0.1:{port}",
                                 settings=GatewaySettings(validate=validate)))


@pytest.mark.parametrize(("body", "field", "rule"), [
    ({"to": "004799990000"}, "to", "string.pattern"),
    ({"to": "+4799990000", "lines": ["a", "b", "c"]}, "lines", "repeated.max_items"),
    ({"to": "+4799990000", "lines": ["a", ""]}, "lines[1]", "string.min_len"),
    ({"to": "+4799990000", "maxInFlight": 201}, "max_in_flight", "uint32.lte"),
])
def test_a_request_that_breaks_a_rule_is_400_naming_the_field(
        tmp_path: Path, upstream: tuple[int, list[bytes]], body: dict[str, object], field: str,
        rule: str) -> None:
    port, received = upstream
    before = len(received)
    with _client(tmp_path, port, validate=True) as client:
        response = client.post(PATH, json=body)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert payload["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    [detail] = payload["details"]
    assert detail["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    [violation] = detail["fieldViolations"]
    assert (violation["field"], violation["reason"]) == (field, rule)
    assert violation["description"] and violation["description"] in payload["message"]
    assert len(received) == before


def test_a_valid_request_is_forwarded_and_no_validate_forwards_all(
        tmp_path: Path, upstream: tuple[int, list[bytes]]) -> None:
    port, received = upstream
    with _client(tmp_path, port, validate=True) as client:
        assert client.post(PATH, json={"to": "+4799990000", "lines": ["hi"]}).status_code == 204
    with _client(tmp_path, port, validate=False) as client:
        assert client.post(PATH, json={"to": "nope"}).status_code == 204
    assert len(received) == 2
