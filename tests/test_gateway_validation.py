"""The gateway enforces buf.validate rules in front of a plain gRPC server (which checks nothing):
a request that breaks them, over REST, gRPC-Web or Connect, is refused naming each field, rule and
reason, and never reaches the upstream; one that keeps them is forwarded."""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import grpc
import pytest
from google.protobuf import any_pb2, json_format, message_factory
from google.rpc import error_details_pb2, status_pb2
from starlette.testclient import TestClient

from protopact.gateway.app import GatewaySettings, create_app

from .conftest import WAIT
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
    server.stop(None).wait(WAIT)


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


def _grpc_web(client: TestClient, payload: bytes, *, text: bool) -> tuple[int, dict[str, str], Any]:
    framed = struct.pack(">BI", 0, len(payload)) + payload
    media = "application/grpc-web-text" if text else "application/grpc-web+proto"
    response = client.post(PATH, content=base64.b64encode(framed) if text else framed,
                           headers={"content-type": media})
    data = base64.b64decode(response.content) if text else response.content
    flags, length = struct.unpack(">BI", data[:5])
    assert flags == 0x80, data  # the trailer frame alone: nothing came back from upstream
    trailers = dict(line.split(":", 1) for line in data[5:5 + length].decode().split("\r\n") if line)
    status = status_pb2.Status.FromString(base64.b64decode(trailers["grpc-status-details-bin"]
                                                           + "=="))
    return int(trailers["grpc-status"]), trailers, status


def _connect(client: TestClient, payload: bytes, codec: str) -> Any:
    return client.post(PATH, content=payload, headers={
        "content-type": f"application/{codec}", "connect-protocol-version": "1"})


def _bad_request(detail: any_pb2.Any) -> list[tuple[str, str]]:
    found = error_details_pb2.BadRequest()
    assert detail.Unpack(found)
    return [(v.field, v.reason) for v in found.field_violations]


@pytest.mark.parametrize("protocol", ["grpc-web", "grpc-web-text", "connect-proto", "connect-json"])
def test_grpc_web_and_connect_requests_are_checked_in_front_of_a_plain_grpc_server(
        tmp_path: Path, upstream: tuple[int, list[bytes]], protocol: str) -> None:
    port, received = upstream
    image = validated_image(tmp_path, {"sms/v1/sms.proto": PROTO})
    request = message_factory.GetMessageClass(
        image.pool.FindMessageTypeByName("sms.v1.SendRequest"))
    bad = request(to="0047", lines=["a", ""])
    good = request(to="+4799990000", lines=["hi"])
    before = len(received)
    with _client(tmp_path, port, validate=True) as client:
        if protocol.startswith("grpc-web"):
            text = protocol == "grpc-web-text"
            code, trailers, status = _grpc_web(client, bad.SerializeToString(), text=text)
            assert code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
            assert "to: does not match regex pattern" in unquote(trailers["grpc-message"])
            [detail] = status.details
        else:
            codec = protocol.removeprefix("connect-")
            payload = bad.SerializeToString() if codec == "proto" else \
                json.dumps(json_format.MessageToDict(bad)).encode()
            response = _connect(client, payload, codec)
            body = response.json()
            assert (response.status_code, body["code"]) == (400, "invalid_argument"), body
            [wire] = body["details"]
            assert wire["type"] == "google.rpc.BadRequest"
            detail = any_pb2.Any(type_url="type.googleapis.com/google.rpc.BadRequest",
                                 value=base64.b64decode(wire["value"] + "=="))
        assert _bad_request(detail) == [("to", "string.pattern"), ("lines[1]", "string.min_len")]
        assert len(received) == before
        if protocol.startswith("connect"):
            payload = good.SerializeToString() if protocol == "connect-proto" else \
                json.dumps(json_format.MessageToDict(good)).encode()
            assert _connect(client, payload, protocol.removeprefix("connect-")).status_code == 200
        else:
            framed = struct.pack(">BI", 0, good.ByteSize()) + good.SerializeToString()
            answer = client.post(PATH, content=framed,
                                 headers={"content-type": "application/grpc-web+proto"})
            assert b"grpc-status:0" in answer.content
    assert len(received) == before + 1
    with _client(tmp_path, port, validate=False) as client:
        framed = struct.pack(">BI", 0, bad.ByteSize()) + bad.SerializeToString()
        answer = client.post(PATH, content=framed,
                             headers={"content-type": "application/grpc-web+proto"})
        assert b"grpc-status:0" in answer.content
    assert len(received) == before + 2

