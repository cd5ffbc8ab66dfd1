"""The Connect protocol on the gateway and on the mock's HTTP port, through a real Connect client
(connect-python, ``connectrpc`` on PyPI): unary and server-streaming calls, JSON and binary, gzip,
GET for side-effect-free methods, and Connect's error JSON and headers."""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest
from connectrpc.client import ConnectClientSync
from connectrpc.code import Code
from connectrpc.compat import google_protobuf_binary_codec, google_protobuf_json_codec
from connectrpc.errors import ConnectError
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from google.protobuf import message_factory
from google.rpc import error_details_pb2, status_pb2

from protopact.compile.image import Image
from protopact.gateway.app import create_app

from .conftest import WAIT
from .gateway_harness import RecordingUpstream, compile_proto, served
from .mock_harness import FAST, TOKEN, serving_mock
from .test_gateway import load_image

AUTH = {"authorization": f"Bearer {TOKEN}"}
USERS = "protopact.example.users.v1.CurrentUserService"
EVENTS = "protopact.example.events.v1.SubscriptionEventService"
CODECS = {"json": google_protobuf_json_codec(), "proto": google_protobuf_binary_codec()}


@pytest.fixture(scope="module")
def image() -> Image:
    return load_image()


@pytest.fixture(scope="module")
def mock_url(image: Image) -> Iterator[str]:
    with serving_mock(image, token=TOKEN, **FAST) as addresses:
        yield addresses["rest"]


def info(image: Image, service: str, name: str) -> MethodInfo[Any, Any]:
    method = image.pool.FindServiceByName(service).methods_by_name[name]
    stream = StreamType.SERVER_STREAM if method.server_streaming else StreamType.UNARY
    return MethodInfo(name=name, service_name=service,
                      input=message_factory.GetMessageClass(method.input_type),
                      output=message_factory.GetMessageClass(method.output_type),
                      idempotency_level=IdempotencyLevel.UNKNOWN, stream_type=stream)


@pytest.mark.parametrize("codec", ["json", "proto"])
def test_unary_call_through_the_mocks_http_port(image: Image, mock_url: str, codec: str) -> None:
    method = info(image, USERS, "GetCurrentUser")
    with ConnectClientSync(mock_url, codec=CODECS[codec]) as client:
        reply = client.execute_unary(request=method.input(), method=method, headers=AUTH)
        assert reply.user.email  # the mock's example data
        with pytest.raises(ConnectError) as error:
            client.execute_unary(request=method.input(), method=method)
    assert error.value.code == Code.UNAUTHENTICATED and "bearer" in error.value.message


@pytest.mark.parametrize("codec", ["json", "proto"])
def test_server_stream_through_the_mocks_http_port(image: Image, mock_url: str, codec: str) -> None:
    method = info(image, EVENTS, "StreamCountryChangeEvents")
    with ConnectClientSync(mock_url, codec=CODECS[codec]) as client:
        stream = client.execute_server_stream(request=method.input(), method=method, headers=AUTH)
        events = [next(stream) for _ in range(3)]
        stream.close()
    assert len({e.metadata.ack_id for e in events}) == 3
    with ConnectClientSync(mock_url, codec=CODECS[codec]) as client:
        refused = client.execute_server_stream(request=method.input(), method=method)
        with pytest.raises(ConnectError) as error:
            next(refused)
    assert error.value.code == Code.UNAUTHENTICATED


PROTO = """
    syntax = "proto3";
    package cx.v1;
    service Cx {
      rpc Look(Req) returns (Res) { option idempotency_level = NO_SIDE_EFFECTS; }
      rpc Fail(Req) returns (Res);
      rpc Count(Req) returns (stream Res);
    }
    message Req { string text = 1; }
    message Res { string text = 1; }
"""


def _behaviour(method: Any, request: Any, context: grpc.ServicerContext) -> Any:
    res = message_factory.GetMessageClass(method.output_type)
    context.send_initial_metadata([("x-served-by", "cx")])
    if method.name == "Fail" or request.text == "fail":
        status = status_pb2.Status(code=9, message="not now", details=[])
        status.details.add().Pack(error_details_pb2.ErrorInfo(reason="BUSY", domain="cx"))
        context.set_trailing_metadata([("grpc-status-details-bin", status.SerializeToString()),
                                       ("x-trail", "t")])
        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "not now")
    context.set_trailing_metadata([("x-trail", "t")])
    if method.name == "Count":
        return iter([res(text=f"{request.text}{i}") for i in range(3)])
    return res(text=request.text.upper() * (400 if request.text == "big" else 1))


@pytest.fixture(scope="module")
def cx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Image, str]]:
    image = compile_proto(tmp_path_factory.mktemp("cx"), {"cx/v1/cx.proto": PROTO})
    upstream = RecordingUpstream(image, _behaviour)
    upstream.server.start()
    try:
        with served(create_app(image, upstream=f"127.0.0.1:{upstream.port}")) as url:
            yield image, url
    finally:
        upstream.server.stop(None).wait(WAIT)


@pytest.mark.parametrize("codec", ["json", "proto"])
def test_errors_carry_code_details_and_metadata(cx: tuple[Image, str], codec: str) -> None:
    image, url = cx
    method = info(image, "cx.v1.Cx", "Fail")
    with ConnectClientSync(url, codec=CODECS[codec]) as client, pytest.raises(ConnectError) as error:
        client.execute_unary(request=method.input(text="x"), method=method)
    assert error.value.code == Code.FAILED_PRECONDITION and error.value.message == "not now"
    [detail] = error.value.details
    assert detail.type_name == "google.rpc.ErrorInfo"
    assert error_details_pb2.ErrorInfo.FromString(detail.message_bytes).reason == "BUSY"
    raw = httpx.post(f"{url}/cx.v1.Cx/Fail", json={}, headers={"connect-protocol-version": "1"})
    assert raw.status_code == 400 and raw.headers["content-type"] == "application/json"
    assert raw.headers["x-served-by"] == "cx" and raw.headers["trailer-x-trail"] == "t"
    body = raw.json()
    assert body["code"] == "failed_precondition"
    assert body["details"][0]["debug"] == {"reason": "BUSY", "domain": "cx"}


def test_stream_errors_and_trailers_come_in_the_end_message(cx: tuple[Image, str]) -> None:
    image, url = cx
    method = info(image, "cx.v1.Cx", "Count")
    with ConnectClientSync(url, codec=CODECS["json"]) as client:
        assert [r.text for r in client.execute_server_stream(
            request=method.input(text="n"), method=method)] == ["n0", "n1", "n2"]
        with pytest.raises(ConnectError) as error:
            list(client.execute_server_stream(request=method.input(text="fail"), method=method))
    assert error.value.code == Code.FAILED_PRECONDITION
    envelope = struct.pack(">BI", 0, 2) + b"{}"
    raw = httpx.post(f"{url}/cx.v1.Cx/Count", content=envelope,
                     headers={"content-type": "application/connect+json"})
    frames, data = [], raw.content
    while data:
        flags, length = struct.unpack(">BI", data[:5])
        frames.append((flags, data[5:5 + length]))
        data = data[5 + length:]
    assert [f for f, _ in frames] == [0, 0, 0, 2]
    assert json.loads(frames[-1][1]) == {"metadata": {"x-trail": ["t"]}}


def test_gzip_both_ways_and_get_for_side_effect_free_methods(cx: tuple[Image, str]) -> None:
    image, url = cx
    method = info(image, "cx.v1.Cx", "Look")
    with ConnectClientSync(url, codec=CODECS["json"]) as client:  # gzip requests by default
        assert client.execute_unary(request=method.input(text="big"), method=method).text == (
            "BIG" * 400)
        reply = client.execute_unary(request=method.input(text="get"), method=method, use_get=True)
    assert reply.text == "GET"
    message = base64.urlsafe_b64encode(b'{"text": "q"}').decode().rstrip("=")
    raw = httpx.get(f"{url}/cx.v1.Cx/Look", params={
        "connect": "v1", "encoding": "json", "base64": "1", "message": message})
    assert raw.status_code == 200 and raw.json() == {"text": "Q"}
    refused = httpx.get(f"{url}/cx.v1.Cx/Fail", params={"connect": "v1", "encoding": "json",
                                                        "message": "{}"})
    assert refused.json()["code"] == "unimplemented"


def test_bad_connect_input_gets_connect_errors(cx: tuple[Image, str]) -> None:
    _, url = cx
    headers = {"connect-protocol-version": "1", "content-type": "application/json"}
    for body, code in ((b'{"text": 1, "text": 2}', "invalid_argument"),
                       (b'{"nope": 1}', "invalid_argument"), (b"[[[" * 10_000, "invalid_argument")):
        raw = httpx.post(f"{url}/cx.v1.Cx/Look", content=body, headers=headers)
        assert (raw.status_code, raw.json()["code"]) == (400, code)
    unary_as_stream = httpx.post(f"{url}/cx.v1.Cx/Look", content=struct.pack(">BI", 0, 0),
                                 headers={"content-type": "application/connect+proto"})
    assert b'"unimplemented"' in unary_as_stream.content
