"""The gateway end to end: HTTP requests through the Starlette app to a real gRPC server.

The upstream is a grpcio server whose handlers are built from the Image's descriptor pool (no
generated code), recording each request and its metadata so the tests can check what arrived.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from concurrent import futures
from typing import Any

import grpc
import pytest
from google.protobuf import any_pb2, json_format, message_factory
from google.protobuf.message import Message
from google.rpc import status_pb2
from starlette.testclient import TestClient

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.gateway.app import GatewaySettings, create_app

from .conftest import REPO, WAIT

TOKEN = "Bearer s3cret-token"
AUTH = {"authorization": TOKEN}
WEBHOOKS = "protopact.example.webhooks.v1.WebhookService"
EVENTS = "protopact.example.events.v1.SubscriptionEventService"
HOOK = "https://example.com/hook"  # a webhook's URL: its rules require one
USER_ID = "9b2e4f0c-6d1a-4e57-8c3b-2a7f5d9e1c04"  # a UUID, as the User's rules want
STREAM_PATH = f"/{EVENTS}/StreamCountryChangeEvents"


def load_image() -> Image:
    return load_input(str(REPO), cwd=REPO, cache=Cache(None)).image


class Upstream:
    """A gRPC server for the reference API; handlers are plain functions of (request, context)."""

    def __init__(self, image: Image) -> None:
        self.pool = image.pool
        self.calls: list[tuple[str, Any, dict[str, str]]] = []
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        handlers: dict[str, dict[str, Callable[..., Any]]] = {
            WEBHOOKS: {"CreateWebhook": self.create, "GetWebhook": self.get,
                       "UpdateWebhook": self.update, "DeleteWebhook": self.delete,
                       "ListWebhooks": self.list, "ListWebhookDeliveries": self.empty},
            "protopact.example.users.v1.CurrentUserService": {"GetCurrentUser": self.current_user,
                                                              "CurrentUser": self.current_user_flat},
            "protopact.example.playground.v0.SubscriberLookupService": {
                "LookupSubscriber": self.empty},
            EVENTS: {"StreamCountryChangeEvents": self.events},
        }
        for file in image.target_files():  # every other method answers an empty message
            for service in self.pool.FindFileByName(file.name).services_by_name.values():
                own = handlers.get(service.full_name, {})
                self.server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
                    service.full_name, {m.name: self._handler(m, own.get(m.name, self.empty))
                                        for m in service.methods})])
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    def _handler(self, method: Any, fn: Callable[..., Any]) -> grpc.RpcMethodHandler:
        request_class = message_factory.GetMessageClass(method.input_type)

        def recorded(request: Any, context: grpc.ServicerContext) -> Any:
            self.calls.append((method.name, request, dict(context.invocation_metadata())))
            reply = fn(request, context, method.output_type)
            return iter([reply]) if method.server_streaming and isinstance(reply, Message) else reply

        make = (grpc.unary_stream_rpc_method_handler if method.server_streaming
                else grpc.unary_unary_rpc_method_handler)
        return make(recorded, request_deserializer=request_class.FromString,
                    response_serializer=lambda m: m.SerializeToString())

    def last(self, name: str) -> tuple[Any, dict[str, str]]:
        request, metadata = next((r, m) for n, r, m in reversed(self.calls) if n == name)
        return request, metadata

    @staticmethod
    def reply(output: Any, value: dict[str, Any]) -> Any:
        return json_format.ParseDict(value, message_factory.GetMessageClass(output)())

    def create(self, request: Any, context: Any, output: Any) -> Any:
        return self.reply(output, {"webhook": {"id": "42", "url": request.url}})

    def get(self, request: Any, context: Any, output: Any) -> Any:
        if request.id == 404:
            context.abort(grpc.StatusCode.NOT_FOUND, "no webhook 404")
        return self.reply(output, {"webhook": {"id": str(request.id), "url": HOOK,
                                               "organization": request.organization}})

    def update(self, request: Any, context: Any, output: Any) -> Any:
        return self.reply(output, {"webhook": {"id": str(request.id), "url": HOOK}})

    def delete(self, request: Any, context: Any, output: Any) -> Any:
        return self.reply(output, {})

    def list(self, request: Any, context: Any, output: Any) -> Any:
        if "authorization" not in dict(context.invocation_metadata()):
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "a bearer token is required")
        if request.organization == "forbidden":
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "not your organization")
        if request.organization == "limited":
            detail_type = self.pool.FindMessageTypeByName("protopact.v1.ErrorDetail")
            detail = self.reply(detail_type, {"reason": "ERROR_REASON_RATE_LIMITED",
                                              "retryAfter": "6.5s"})
            status = status_pb2.Status(code=8, message="slow down", details=[any_pb2.Any(
                type_url="type.googleapis.com/protopact.v1.ErrorDetail",
                value=detail.SerializeToString())])
            context.set_trailing_metadata([("grpc-status-details-bin", status.SerializeToString())])
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down")
        return self.reply(output, {"webhooks": [{"id": "1", "url": HOOK}, {"id": "2", "url": HOOK}],
                                   "pagination": {"total": 2}})

    def empty(self, request: Any, context: Any, output: Any) -> Any:
        return message_factory.GetMessageClass(output)()

    def current_user(self, request: Any, context: Any, output: Any) -> Any:
        return self.reply(output, {"user": {"id": USER_ID, "email": "ada@example.com"}})

    def current_user_flat(self, request: Any, context: Any, output: Any) -> Any:
        # its rules (a UUID, an email address) make both fields required of the server
        return self.reply(output, {"id": USER_ID, "email": "ada@example.com"})

    def events(self, request: Any, context: Any, output: Any) -> Iterator[Any]:
        mode = request.stream_configuration.durable_queue
        if mode == "fail-early":
            context.abort(grpc.StatusCode.UNAVAILABLE, "no events now")
        for i in range(1, 4):
            yield self.reply(output, {"metadata": {"ackId": f"ack-{i}", "ppid": "p"},
                                      "countryChangeEvent": {"current": {"code": "NO"}}})
            if mode == "fail":
                context.abort(grpc.StatusCode.UNAVAILABLE, "stream broke")


@pytest.fixture(scope="module")
def image() -> Image:
    return load_image()


@pytest.fixture(scope="module")
def upstream(image: Image) -> Iterator[Upstream]:
    server = Upstream(image)
    server.server.start()
    yield server
    server.server.stop(None).wait(WAIT)


@pytest.fixture(scope="module")
def client(image: Image, upstream: Upstream) -> Iterator[TestClient]:
    app = create_app(image, upstream=f"127.0.0.1:{upstream.port}",
                     settings=GatewaySettings(max_body_bytes=4096))
    with TestClient(app, raise_server_exceptions=True) as test_client:
        yield test_client


def test_get_binds_path_and_query(client: TestClient, upstream: Upstream) -> None:
    response = client.get("/v1/webhooks/7?organization=acme", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"webhook": {"id": "7", "organization": "acme", "url": HOOK}}
    request, metadata = upstream.last("GetWebhook")
    assert (request.id, request.organization) == (7, "acme")
    assert metadata["authorization"] == TOKEN


def test_creating_post_answers_201(client: TestClient, upstream: Upstream) -> None:
    response = client.post("/v1/webhooks", headers=AUTH,
                           json={"url": "https://example.com/hook", "retryLimit": 3, "tags": ["a"]})
    assert response.status_code == 201
    assert response.json() == {"webhook": {"id": "42", "url": "https://example.com/hook"}}
    request, _ = upstream.last("CreateWebhook")
    assert (request.retry_limit, list(request.tags)) == (3, ["a"])


def test_delete_of_empty_response_answers_204(client: TestClient, upstream: Upstream) -> None:
    response = client.delete("/v1/webhooks/9", headers=AUTH)
    assert (response.status_code, response.content) == (204, b"")
    assert upstream.last("DeleteWebhook")[0].id == 9


def test_patch_keeps_omitted_apart_from_zero(client: TestClient, upstream: Upstream) -> None:
    response = client.patch("/v1/webhooks/5", headers=AUTH,
                            json={"active": {"updated": True, "value": False}})
    assert response.status_code == 200
    request, _ = upstream.last("UpdateWebhook")
    assert request.id == 5
    assert request.HasField("active") and request.active.updated and not request.active.value
    assert not request.HasField("description") and not request.HasField("retry_limit")


def test_a_whole_body_leaves_out_what_the_path_sets(client: TestClient, upstream: Upstream) -> None:
    """``body: "*"`` with a path variable: the body may not set the bound field under either
    name, not even to null, as the OpenAPI request schema says."""
    before = len(upstream.calls)
    for body in ({"id": "99"}, {"id": None}, {"id": "5", "description": "x"}):
        response = client.patch("/v1/webhooks/5", headers=AUTH, json=body)
        assert response.status_code == 400, body
        assert 'Field "id" is set by the URL path' in response.json()["message"]
        assert response.json()["details"][0]["fieldViolations"][0]["field"] == "id"
    assert len(upstream.calls) == before


def test_additional_binding_and_response_body(client: TestClient) -> None:
    for path in ("/v1/users/me", "/v1/me"):
        response = client.get(path, headers=AUTH)
        assert response.status_code == 200
        assert response.json() == {"id": USER_ID, "email": "ada@example.com"}  # the user, unwrapped


def test_additional_binding_binds_its_own_variable(client: TestClient, upstream: Upstream) -> None:
    response = client.get("/v1/organizations/acme/webhooks?pagination.size=5", headers=AUTH)
    assert response.status_code == 200
    assert [w["id"] for w in response.json()["webhooks"]] == ["1", "2"]
    request, _ = upstream.last("ListWebhooks")
    assert (request.organization, request.pagination.size) == ("acme", 5)


def test_nested_path_variable_and_repeated_query(client: TestClient, upstream: Upstream) -> None:
    response = client.get(
        "/v1/webhooks/12/deliveries?pagination.cursor=c%2F1&selection.delivered.start="
        "2025-01-02T03:04:05.123456Z", headers=AUTH)
    assert response.status_code == 200
    request, _ = upstream.last("ListWebhookDeliveries")
    assert request.selection.webhook_id == 12
    assert request.pagination.cursor == "c/1"
    assert request.selection.delivered.start.ToJsonString() == "2025-01-02T03:04:05.123456Z"
    client.get("/v1/webhooks?selection.webhooks.include=1&selection.webhooks.include=2",
               headers=AUTH)
    assert list(upstream.last("ListWebhooks")[0].selection.webhooks.include) == [1, 2]


def test_path_value_is_percent_decoded(client: TestClient, upstream: Upstream) -> None:
    response = client.get("/v0/subscribers/%2B4799990000", headers=AUTH)
    assert response.status_code == 200
    assert upstream.last("LookupSubscriber")[0].number.e164 == "+4799990000"


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("POST", "/v1/webhooks", b'{"url": ', ""),
    ("POST", "/v1/webhooks", b'{"nope": 1}', "nope"),
    ("POST", "/v1/webhooks", b'{"retryLimit": "many"}', "retry_limit"),
    ("POST", "/v1/webhooks", b'{"tags": "not-a-list"}', "tags"),
    ("POST", "/v1/webhooks", b'[1, 2]', ""),
    ("POST", "/v1/webhooks", b'\xff\xfe', ""),
    ("GET", "/v1/webhooks/abc", b"", "id"),
    ("GET", "/v1/webhooks/99999999999999999999", b"", "id"),
    ("GET", "/v1/webhooks?colour=red", b"", "colour"),
    ("GET", "/v1/webhooks?selection.status=PURPLE", b"", "status"),
    ("GET", "/v1/webhooks?organization=a&organization=b", b"", "organization"),
    ("GET", "/v1/webhooks?selection=x", b"", "selection"),
    ("GET", "/v1/webhooks?pagination.size.x=1", b"", "pagination.size.x"),
    ("PATCH", "/v1/webhooks/1", b'{"active": {"updated": "yes"}}', "active.updated"),
    ("DELETE", "/v1/webhooks/1", b'{"id": 1}', ""),
])
def test_bad_input_answers_400_naming_the_field(client: TestClient, method: str, path: str,
                                                 body: bytes, field: str) -> None:
    response = client.request(method, path, content=body, headers=AUTH)
    assert response.status_code == 400, response.text
    status = response.json()
    assert status["code"] == 3 and status["message"]
    if field:
        violation = status["details"][0]
        assert violation["@type"] == "type.googleapis.com/google.rpc.BadRequest"
        assert field in violation["fieldViolations"][0]["field"]


def test_unknown_route_404_and_wrong_verb_405(client: TestClient) -> None:
    assert client.get("/v1/nothing-here").status_code == 404
    assert client.get("/v1/nothing-here").json()["code"] == 5
    newline = client.get("/v1/organizations/a%0Ab/webhooks")  # a path no router pattern matches
    assert newline.status_code == 404
    assert newline.headers["content-type"] == "application/json" and newline.json()["code"] == 5
    response = client.put("/v1/webhooks/1", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, HEAD, PATCH"


def test_head_answers_as_get_without_a_body(client: TestClient) -> None:
    got = client.get("/v1/webhooks/7", headers=AUTH)
    head = client.head("/v1/webhooks/7", headers=AUTH)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(got.content))
    assert client.head("/v1/webhooks/404", headers=AUTH).status_code == 404


def test_large_body_413_non_json_415_and_curl_d_is_json(client: TestClient,
                                                        upstream: Upstream) -> None:
    response = client.post("/v1/webhooks", content=b'{"url": "' + b"x" * 5000 + b'"}')
    assert response.status_code == 413 and response.json()["code"] == 8
    response = client.post("/v1/webhooks", content=b"<url>x</url>",
                           headers={"content-type": "application/xml"})
    assert response.status_code == 415
    for sent in ({"content-type": "application/x-www-form-urlencoded"}, {}):  # curl -d, or none
        response = client.post("/v1/webhooks", content=b'{"url": "https://example.com/d"}',
                               headers={**AUTH, **sent})
        assert response.status_code == 201
        assert upstream.last("CreateWebhook")[0].url == "https://example.com/d"


@pytest.mark.parametrize(("request_kwargs", "status", "code"), [
    ({"url": "/v1/webhooks/404", "headers": AUTH}, 404, 5),
    ({"url": "/v1/webhooks?organization=forbidden", "headers": AUTH}, 403, 7),
    ({"url": "/v1/webhooks"}, 401, 16),
])
def test_upstream_status_maps_to_http(client: TestClient, request_kwargs: dict[str, Any],
                                      status: int, code: int) -> None:
    response = client.get(**request_kwargs)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]
    assert response.headers.get("www-authenticate") == ("Bearer" if status == 401 else None)


def test_rate_limit_answers_429_with_retry_after(client: TestClient) -> None:
    response = client.get("/v1/webhooks?organization=limited", headers=AUTH)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"  # 6.5 s rounded up
    body = response.json()
    assert body["code"] == 8 and body["message"] == "slow down"
    assert body["details"] == [{"@type": "type.googleapis.com/protopact.v1.ErrorDetail",
                                "reason": "ERROR_REASON_RATE_LIMITED", "retryAfter": "6.500s"}]


def test_access_log_has_no_secrets(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="protopact.gateway.access"):
        client.get("/v1/webhooks/3?organization=secret-org", headers=AUTH)
    entries = [json.loads(r.getMessage()) for r in caplog.records
               if r.name == "protopact.gateway.access"]
    assert entries[-1] == {**entries[-1], "method": "GET", "path": "/v1/webhooks/3", "status": 200}
    assert "s3cret" not in caplog.text and "secret-org" not in caplog.text


def test_server_stream_as_sse_with_ack_ids(client: TestClient, upstream: Upstream) -> None:
    response = client.post(STREAM_PATH, json={}, headers={**AUTH, "accept": "text/event-stream",
                                                          "last-event-id": "ack-0"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [block.split("\n") for block in response.text.strip().split("\n\n")]
    assert [e[0] for e in events] == ["id: ack-1", "id: ack-2", "id: ack-3"]
    first = json.loads(events[0][1].removeprefix("data: "))
    assert first["metadata"]["ackId"] == "ack-1"
    assert upstream.last("StreamCountryChangeEvents")[1]["last-event-id"] == "ack-0"


def test_server_stream_as_ndjson(client: TestClient) -> None:
    response = client.post(STREAM_PATH, json={}, headers={**AUTH, "accept": "application/x-ndjson"})
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["metadata"]["ackId"] for line in lines] == ["ack-1", "ack-2", "ack-3"]
    assert lines[0]["countryChangeEvent"] == {"current": {"code": "NO"}}


def test_stream_errors(client: TestClient) -> None:
    early = client.post(STREAM_PATH, json={"streamConfiguration": {"durableQueue": "fail-early"}})
    assert early.status_code == 503 and early.json()["code"] == 14
    late = client.post(STREAM_PATH, json={"streamConfiguration": {"durableQueue": "fail"}},
                       headers={"accept": "application/x-ndjson"})
    lines = [json.loads(line) for line in late.text.splitlines()]
    assert lines[0]["metadata"]["ackId"] == "ack-1"
    assert lines[-1] == {"error": {"code": 14, "message": "stream broke"}}
    sse = client.post(STREAM_PATH, json={"streamConfiguration": {"durableQueue": "fail"}},
                      headers={"accept": "text/event-stream"})
    assert sse.text.endswith('event: error\ndata: {"code":14,"message":"stream broke"}\n\n')


def test_unreachable_upstream_answers_503(image: Image) -> None:
    app = create_app(image, upstream="127.0.0.1:1", settings=GatewaySettings(timeout_seconds=5))
    with TestClient(app) as test_client:
        response = test_client.get("/v1/webhooks/1")
    assert response.status_code == 503 and response.json()["code"] == 14


def test_default_bindings_can_be_switched_off(image: Image, upstream: Upstream) -> None:
    from protopact.schema.http import HttpSettings

    # an RPC without google.api.http: served at its default binding unless switched off
    path = "/protopact.example.events.v1.SubscriptionEventService/StreamCountryChangeEvents"
    off = GatewaySettings(http=HttpSettings(default_bindings=False))
    for settings, routed in ((GatewaySettings(), True), (off, False)):
        app = create_app(image, upstream=f"127.0.0.1:{upstream.port}", settings=settings)
        with TestClient(app) as test_client:
            answer = test_client.post(path, headers=AUTH, json={})
            assert (answer.status_code != 404) is routed, answer.text


def test_an_app_driven_by_one_event_loop_after_another_calls_upstream_from_each(
        image: Image, upstream: Upstream) -> None:
    # Without its lifespan, the test client runs each request in an event loop of its own, as an
    # app served again in the same process would be: each loop needs a channel bound to it.
    app = create_app(image, upstream=f"127.0.0.1:{upstream.port}")
    client = TestClient(app, raise_server_exceptions=True)
    for organization in ("acme", "globex"):
        response = client.get(f"/v1/webhooks/7?organization={organization}", headers=AUTH)
        assert response.status_code == 200
        assert upstream.last("GetWebhook")[0].organization == organization
    assert len(app.state.gateway._channels) == 1  # the first loop's channel was let go
