"""gRPC-Web through the gateway: raw frames over HTTP, and the real ``buf curl --protocol grpcweb``
against the gateway served by uvicorn on a loopback port."""

from __future__ import annotations

import base64
import json
import struct
import subprocess
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from protopact.compile.image import Image
from protopact.gateway.app import create_app

from .gateway_harness import served as serve_app
from .test_gateway import AUTH, EVENTS, HOOK, WEBHOOKS, Upstream, client, image, upstream  # noqa: F401

GET_WEBHOOK = f"/{WEBHOOKS}/GetWebhook"


def frames(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(data):
        flags, length = struct.unpack(">BI", data[pos:pos + 5])
        out.append((flags, data[pos + 5:pos + 5 + length]))
        pos += 5 + length
    return out


def get_webhook_request(source: Image, webhook_id: int) -> bytes:
    from google.protobuf import message_factory
    cls = message_factory.GetMessageClass(
        source.pool.FindMessageTypeByName("protopact.example.webhooks.v1.GetWebhookRequest"))
    payload = cls(id=webhook_id).SerializeToString()
    return struct.pack(">BI", 0, len(payload)) + payload


def test_grpc_web_binary_unary(client: TestClient, image: Image) -> None:  # noqa: F811
    response = client.post(GET_WEBHOOK, content=get_webhook_request(image, 7),
                           headers={**AUTH, "content-type": "application/grpc-web+proto"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/grpc-web+proto"
    (data_flags, payload), (trailer_flags, trailer) = frames(response.content)
    assert (data_flags, trailer_flags) == (0, 0x80)
    assert b"grpc-status:0" in trailer
    from google.protobuf import message_factory
    cls = message_factory.GetMessageClass(
        image.pool.FindMessageTypeByName("protopact.example.webhooks.v1.GetWebhookResponse"))
    assert cls.FromString(payload).webhook.id == 7


def test_grpc_web_text_carries_errors_in_trailers(client: TestClient, image: Image) -> None:  # noqa: F811
    body = base64.b64encode(get_webhook_request(image, 404))
    response = client.post(GET_WEBHOOK, content=body,
                           headers={"content-type": "application/grpc-web-text"})
    assert response.status_code == 200
    [(flags, trailer)] = frames(base64.b64decode(response.content))
    assert flags == 0x80
    assert b"grpc-status:5" in trailer and b"grpc-message:no webhook 404" in trailer


def test_grpc_web_unknown_method_and_bad_frame(client: TestClient) -> None:  # noqa: F811
    headers = {"content-type": "application/grpc-web"}
    unknown = client.post(f"/{WEBHOOKS}/Nope", content=b"\x00\x00\x00\x00\x00", headers=headers)
    assert b"grpc-status:12" in unknown.content
    truncated = client.post(GET_WEBHOOK, content=b"\x00\x00\x00\x00\x09ab", headers=headers)
    assert b"grpc-status:3" in truncated.content


def test_grpc_web_server_stream(client: TestClient) -> None:  # noqa: F811
    response = client.post(f"/{EVENTS}/StreamCountryChangeEvents", content=b"\x00" * 5,
                           headers={"content-type": "application/grpc-web+proto"})
    parsed = frames(response.content)
    assert [f for f, _ in parsed] == [0, 0, 0, 0x80]
    assert b"ack-2" in parsed[1][1]


@pytest.fixture(scope="module")
def served(image: Image, upstream: Upstream) -> Iterator[str]:  # noqa: F811
    with serve_app(create_app(image, upstream=f"127.0.0.1:{upstream.port}")) as url:
        yield url


def test_buf_curl_grpcweb(buf: str, served: str, tmp_path: object) -> None:
    from .test_gateway import load_image
    image_path = f"{tmp_path}/image.binpb"
    with open(image_path, "wb") as out:
        out.write(load_image().to_binary())
    result = subprocess.run(
        [buf, "curl", "--protocol", "grpcweb", "--schema", image_path, "-H",
         f"Authorization: {AUTH['authorization']}", "--data", '{"id": "31", "organization": "o"}',
         f"{served}{GET_WEBHOOK}"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"webhook": {"id": "31", "organization": "o", "url": HOOK}}


def test_rest_over_real_http(served: str) -> None:
    import httpx
    response = httpx.get(f"{served}/v1/webhooks/8", headers=AUTH)
    assert response.status_code == 200 and response.json()["webhook"]["id"] == "8"
