"""Fuzz: the gateway and the mock under careless or hostile input. HTTP requests with random
methods, paths, headers and bodies get a 4xx (or a success) with the JSON error body, never a 5xx or
text/plain, and the gateway keeps serving; random bytes sent as gRPC requests to the mock are
refused as UNAUTHENTICATED without a token and INVALID_ARGUMENT with one, never UNKNOWN, and log no
traceback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import grpc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from protopact.compile.image import Image
from protopact.schema.http import http_routes

from ..conftest import WAIT
from ..gateway_harness import gateway
from ..mock_harness import serving_mock
from ..test_gateway import load_image
from .conftest import FUZZ

TOKEN = "fuzz-token"
SERVER_FUZZ = settings(FUZZ, max_examples=200)


@pytest.fixture(scope="module")
def image() -> Image:
    return load_image()


@pytest.fixture(scope="module")
def client(image: Image) -> Iterator[TestClient]:
    with gateway(image, max_body_bytes=4096) as (test_client, _):
        yield test_client


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=12)
_deep = st.integers(50, 5000).map(lambda n: ("[" * n + "]" * n).encode())
_body = st.one_of(st.binary(max_size=64), _json.map(lambda v: json.dumps(v).encode()), _deep,
                  st.sampled_from([b'{"url": "x", "url": "y"}', b'{"retryLimit": 1e400}',
                                   b'{"id": "\\ud800"}', b"\xef\xbb\xbf{}"]))
_header_value = st.binary(max_size=12).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")
                                            .replace(b"\x00", b""))
_headers = st.dictionaries(st.sampled_from(["authorization", "x-a", "x-b-bin", "content-type",
                                            "accept", "last-event-id", "origin"]),
                           _header_value, max_size=4)
_segment = st.one_of(st.sampled_from(["v1", "webhooks", "7", "%FF", "%2F", "..", "a:b", "%00",
                                      "me", "users", "deliveries", "organizations"]),
                     st.text(max_size=4))


@st.composite
def _paths(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        route = draw(st.sampled_from(http_routes(load_image())))
        return route.binding.path.replace("{", "").replace("}", "").replace("*", "x")
    segments = draw(st.lists(_segment, max_size=4))
    return "/" + "/".join(quote(s, safe="%:.") or "x" for s in segments)


@SERVER_FUZZ
@given(method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "TRACE"]),
       path=_paths(), query=st.text(max_size=12), headers=_headers, body=_body)
def test_gateway_answers_bad_http_with_its_json_error(client: TestClient, method: str, path: str,
                                                     query: str, headers: dict[str, bytes],
                                                     body: bytes) -> None:
    url = path + ("?" + quote(query, safe="=&%+") if query else "")
    response = client.request(method, url, headers=headers, content=body)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/json"
        error = response.json()
        assert isinstance(error["code"], int) and isinstance(error["message"], str)


def test_gateway_keeps_serving_after_the_fuzz(client: TestClient) -> None:
    response = client.get("/v1/webhooks/1", headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200


@pytest.fixture(scope="module")
def channel(image: Image) -> Iterator[grpc.Channel]:
    with serving_mock(image, rest=False, token=TOKEN) as addresses, \
            grpc.insecure_channel(addresses["grpc"]) as open_channel:
        yield open_channel


def _methods(image: Image) -> list[Any]:
    return [m for f in image.target_files()
            for s in image.pool.FindFileByName(f.name).services_by_name.values()
            for m in s.methods if not m.client_streaming]


_garbage = st.one_of(st.binary(min_size=1, max_size=40),
                     st.sampled_from([b"\xff" * 10, b"\x0a\xff\xff\xff\xff\x0f", b"\x08\x80"]))


@SERVER_FUZZ
@given(data=st.data(), body=_garbage, with_token=st.booleans())
def test_mock_refuses_undecodable_grpc_bytes(image: Image, channel: grpc.Channel,
                                             caplog: pytest.LogCaptureFixture,
                                             data: st.DataObject, body: bytes,
                                             with_token: bool) -> None:
    method = data.draw(st.sampled_from(_methods(image)))
    path = f"/{method.containing_service.full_name}/{method.name}"
    metadata = [("authorization", f"Bearer {TOKEN}")] if with_token else []
    caplog.clear()
    with caplog.at_level(logging.INFO):
        code = _call(channel, path, body, metadata, streaming=method.server_streaming)
    decodes = _decodes(image, method, body)
    if not with_token:
        assert code == grpc.StatusCode.UNAUTHENTICATED
    elif not decodes:
        assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert code not in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL)
    assert not any(r.exc_info for r in caplog.records) and "Traceback" not in caplog.text
    if with_token and not decodes:
        assert len([r for r in caplog.records if "rejected" in r.getMessage()]) == 1


def _call(channel: grpc.Channel, path: str, body: bytes, metadata: list[tuple[str, str]], *,
          streaming: bool) -> grpc.StatusCode:
    try:
        if streaming:
            call = channel.unary_stream(path)(body, metadata=metadata, timeout=WAIT)
            next(call, None)  # one event is enough; the stream would go on
            call.cancel()
        else:
            channel.unary_unary(path)(body, metadata=metadata, timeout=WAIT)
    except grpc.RpcError as error:
        return error.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


def _decodes(image: Image, method: Any, body: bytes) -> bool:
    from google.protobuf import message_factory
    try:
        message_factory.GetMessageClass(method.input_type).FromString(body)
    except Exception:
        return False
    return True
