"""Errors: rich details decoded as ProtoJSON, Retry-After from RetryInfo, upstream messages with no
JSON form (502, or an error line on a stream), gRPC-Web trailers with details and custom metadata,
bodies that nest too deeply."""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf import any_pb2, duration_pb2, message_factory
from google.rpc import error_details_pb2, status_pb2
from starlette.testclient import TestClient

from .gateway_harness import RecordingUpstream, compile_proto, gateway

PROTO = """
    syntax = "proto3";
    package errs.v1;
    import "google/api/annotations.proto";
    import "google/protobuf/any.proto";
    import "google/protobuf/field_mask.proto";
    import "google/protobuf/struct.proto";
    import "google/protobuf/timestamp.proto";
    service Errs {
      rpc Fail(Req) returns (Res) { option (google.api.http) = {get: "/v1/fail/{mode}"}; }
      rpc Echo(Req) returns (Res) { option (google.api.http) = {post: "/v1/echo" body: "*"}; }
      rpc Watch(Req) returns (stream Res) { option (google.api.http) = {get: "/v1/watch/{mode}"}; }
    }
    message Req { string mode = 1; google.protobuf.Struct data = 2; }
    message Res {
      string text = 1;
      google.protobuf.FieldMask mask = 2;
      google.protobuf.Timestamp at = 3;
      google.protobuf.Any any = 4;
    }
    // The contract's own error detail.
    message Oops { string why = 1; }
"""
AUTH = {"authorization": "Bearer t0ken"}


def _any(message: Any, type_name: str | None = None) -> any_pb2.Any:
    name = type_name or message.DESCRIPTOR.full_name
    return any_pb2.Any(type_url=f"type.googleapis.com/{name}", value=message.SerializeToString())


def behaviour(method: Any, request: Any, context: grpc.ServicerContext) -> Any:
    pool = method.containing_service.file.pool
    res = message_factory.GetMessageClass(method.output_type)
    oops = message_factory.GetMessageClass(pool.FindMessageTypeByName("errs.v1.Oops"))
    mode = request.mode
    if method.name == "Fail":
        details = [
            _any(error_details_pb2.BadRequest(field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field="mode", description="bad")])),
            _any(error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=2, nanos=1))),
            _any(error_details_pb2.ErrorInfo(reason="R", domain="d", metadata={"k": "v"})),
            _any(oops(why="because")),
            any_pb2.Any(type_url="type.googleapis.com/nowhere.Unknown", value=b"\x08\x01"),
        ]
        code = grpc.StatusCode.UNAVAILABLE if mode == "busy" else grpc.StatusCode.INVALID_ARGUMENT
        status = status_pb2.Status(code=code.value[0], message="failed", details=details)
        context.set_trailing_metadata([("grpc-status-details-bin", status.SerializeToString()),
                                       ("x-custom", "kept")])
        context.abort(code, "failed")
    if mode == "mask":
        return res(mask={"paths": ["not_Camel_"]})
    if mode == "time":
        return res(at={"seconds": 2**40})
    if mode == "any":
        return res(any={"type_url": "type.googleapis.com/nowhere.Unknown"})
    if method.name == "Watch":
        bad = res(mask={"paths": ["not_Camel_"]})
        return iter([res(text="ok"), bad] if mode == "late" else [bad])
    return res(text="ok")


@pytest.fixture(scope="module")
def errs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, RecordingUpstream]]:
    image = compile_proto(tmp_path_factory.mktemp("errs"), {"errs/v1/errs.proto": PROTO})
    with gateway(image, behaviour) as pair:
        yield pair


def test_details_are_protojson_and_retry_info_sets_retry_after(errs: Any) -> None:
    client, _ = errs
    response = client.get("/v1/fail/x", headers=AUTH)
    assert response.status_code == 400 and response.headers["retry-after"] == "3"  # 2.000000001 s
    details = {d["@type"].rpartition("/")[2]: d for d in response.json()["details"]}
    assert details["google.rpc.BadRequest"]["fieldViolations"] == [
        {"field": "mode", "description": "bad"}]
    assert details["google.rpc.RetryInfo"]["retryDelay"] == "2.000000001s"
    assert details["google.rpc.ErrorInfo"]["metadata"] == {"k": "v"}
    assert details["errs.v1.Oops"]["why"] == "because"
    assert details["nowhere.Unknown"]["value"] == "CAE="  # a type nobody knows stays bytes
    busy = client.get("/v1/fail/busy", headers=AUTH)
    assert busy.status_code == 503 and busy.headers["retry-after"] == "3"


@pytest.mark.parametrize("mode", ["mask", "time", "any"])
def test_a_response_with_no_json_form_is_a_502_status(errs: Any, mode: str) -> None:
    client, _ = errs
    response = client.post("/v1/echo", json={"mode": mode}, headers=AUTH)
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == 13 and "Res has no JSON form" in response.json()["message"]


def test_a_stream_ends_with_an_error_line_when_a_message_has_no_json_form(errs: Any) -> None:
    client, _ = errs
    late = client.get("/v1/watch/late", headers={**AUTH, "accept": "application/x-ndjson"})
    lines = [json.loads(line) for line in late.text.splitlines()]
    assert lines[0] == {"text": "ok"} and lines[1]["error"]["code"] == 13
    sse = client.get("/v1/watch/late", headers={**AUTH, "accept": "text/event-stream"})
    assert "event: error\ndata: " in sse.text
    early = client.get("/v1/watch/early", headers=AUTH)
    assert early.status_code == 502 and early.json()["code"] == 13


def test_grpc_web_carries_details_and_custom_trailers(errs: Any) -> None:
    client, _ = errs
    payload = b"\x0a\x01x"  # Req{mode: "x"}
    response = client.post("/errs.v1.Errs/Fail", content=struct.pack(">BI", 0, 3) + payload,
                           headers={**AUTH, "content-type": "application/grpc-web+proto"})
    flags, length = struct.unpack(">BI", response.content[:5])
    assert flags == 0x80
    fields = dict(line.split(":", 1) for line in
                  response.content[5:5 + length].decode().strip().split("\r\n"))
    assert fields["grpc-status"] == "3" and fields["x-custom"] == "kept"
    status = status_pb2.Status.FromString(base64.b64decode(fields["grpc-status-details-bin"]))
    assert status.message == "failed" and len(status.details) == 5


def test_a_body_nested_too_deeply_is_400(errs: Any) -> None:
    client, _ = errs
    for depth in (150, 100_000):
        body = '{"data": {"a": ' + "[" * depth + "]" * depth + "}}"
        response = client.post("/v1/echo", content=body, headers=AUTH)
        assert response.status_code == 400, depth
        assert response.json()["code"] == 3
