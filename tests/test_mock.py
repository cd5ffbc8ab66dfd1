"""The mock server's request/response side, through real gRPC clients: auth, example data,
pagination, injected faults, reflection (with the real buf), health, the CLI verb and its logs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
from typing import Any

import grpc
import httpx
import pytest
from google.protobuf import descriptor_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.mock.server import MockSettings, serve
from protopact.render.examples import example_json, example_message

from .conftest import REPO, run, write_tree
from .mock_harness import TOKEN, WEBHOOKS, running, scenario

LIST = WEBHOOKS + "ListWebhooks"
DELIVERIES = WEBHOOKS + "ListWebhookDeliveries"
USERS = "/protopact.example.users.v1.CurrentUserService/GetCurrentUser"
SELECTION = {"webhook_id": 1}  # the deliveries of one webhook: its rules require it


@pytest.fixture(scope="module")
def image() -> Image:
    return load_input("proto", cwd=REPO, cache=Cache(None)).image


def _code(exc: pytest.ExceptionInfo[grpc.aio.AioRpcError]) -> grpc.StatusCode:
    return exc.value.code()


@scenario
async def test_calls_without_a_bearer_token_are_unauthenticated(image: Image) -> None:
    async with running(image, token=None) as (client, _, _):
        for token in (None, ""):
            with pytest.raises(grpc.aio.AioRpcError) as exc:
                await client.call(USERS, token=token)
            assert _code(exc) == grpc.StatusCode.UNAUTHENTICATED
        # no token configured: any non-empty bearer token is accepted
        assert (await client.call(USERS, token="whatever")).HasField("user")


@scenario
async def test_a_wrong_token_is_unauthenticated_when_one_is_configured(image: Image) -> None:
    async with running(image) as (client, _, _):
        with pytest.raises(grpc.aio.AioRpcError) as exc:
            await client.call(USERS, token="not-" + TOKEN)
        assert _code(exc) == grpc.StatusCode.UNAUTHENTICATED
        assert TOKEN not in (exc.value.details() or "")
        assert (await client.call(USERS)).HasField("user")


@scenario
async def test_health_answers_serving_without_a_token(image: Image) -> None:
    async with running(image) as (client, _, _):
        stub = health_pb2_grpc.HealthStub(client.channel)
        for service in ("", "protopact.example.webhooks.v1.WebhookService"):
            reply = await stub.Check(health_pb2.HealthCheckRequest(service=service))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING


@scenario
async def test_stateless_unary_calls_answer_the_shared_example_data(image: Image) -> None:
    async with running(image, stateful=False) as (client, _, _):
        reply = await client.call(WEBHOOKS + "GetWebhook",
                                  client.request(WEBHOOKS + "GetWebhook", id=1))
        expected = example_message(image.pool.FindMessageTypeByName(
            "protopact.example.webhooks.v1.GetWebhookResponse"))
        assert reply.SerializeToString(deterministic=True) == expected.SerializeToString(
            deterministic=True)


@scenario
async def test_a_stateless_page_walk_visits_the_whole_collection_once_in_order(image: Image) -> None:
    webhook = image.pool.FindMessageTypeByName("protopact.example.webhooks.v1.Webhook")
    async with running(image, seed=7, stateful=False) as (client, _, _):
        first = await client.call(LIST, client.request(LIST, pagination={"size": 7}))
        total, pages = first.pagination.total, first.pagination.total_pages
        assert total > 0 and pages == -(-total // 7)
        assert not first.pagination.HasField("previous")
        seen, reply, numbers = [], first, []
        while True:
            numbers.append(reply.pagination.page)
            assert reply.request.pagination.size == 7
            seen.extend(reply.webhooks)
            if not reply.pagination.HasField("next"):
                break
            assert reply.pagination.next.page == reply.pagination.page + 1
            reply = await client.call(LIST, client.request(LIST, pagination=reply.pagination.next))
            assert reply.pagination.previous.page == reply.pagination.page - 1
        assert numbers == list(range(pages))
        assert seen == [example_message(webhook, index=i) for i in range(total)]


@scenario
async def test_the_seed_fixes_the_collections(image: Image) -> None:
    totals = []
    for seed in (1, 1, 2):
        async with running(image, seed=seed) as (client, _, _):
            totals.append(((await client.call(LIST)).pagination.total,
                           len(await _cursor_walk(client))))
    assert totals[0] == totals[1] != totals[2]


async def _cursor_walk(client: Any) -> list[Any]:
    seen, cursor = [], ""
    while True:
        reply = await client.call(DELIVERIES, client.request(
            DELIVERIES, selection=SELECTION, pagination={"size": 1000, "cursor": cursor}))
        seen.extend(reply.deliveries)
        cursor = reply.pagination.next_cursor
        if not cursor:
            return seen


@scenario
async def test_pagination_echoes_the_corrected_request_and_rejects_negatives(image: Image) -> None:
    async with running(image) as (client, _, _):
        for asked, applied in ((0, 100), (5000, 1000)):
            reply = await client.call(LIST, client.request(LIST, organization="acme",
                                                           pagination={"size": asked}))
            assert reply.request.pagination.size == applied == reply.pagination.size
            assert reply.request.organization == "acme"
            assert len(reply.webhooks) == min(applied, reply.pagination.total)
        past = await client.call(LIST, client.request(LIST, pagination={"page": 999}))
        assert not past.webhooks and past.pagination.previous.page == past.pagination.total_pages - 1
        for field, pagination in (("pagination.page", {"page": -1}), ("pagination.size", {"size": -5})):
            with pytest.raises(grpc.aio.AioRpcError) as exc:
                await client.call(LIST, client.request(LIST, pagination=pagination))
            assert _code(exc) == grpc.StatusCode.INVALID_ARGUMENT
            assert field in exc.value.details()
            assert _violations(exc) == [(field, "int32.gte", "must be greater than or equal to 0")]


def _violations(exc: pytest.ExceptionInfo[grpc.aio.AioRpcError]) -> list[tuple[str, str, str]]:
    """(field, rule id, why) of each google.rpc.BadRequest field violation the status carries."""
    trailers = dict(exc.value.trailing_metadata() or ())
    status = status_pb2.Status.FromString(trailers["grpc-status-details-bin"])
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    bad_request = error_details_pb2.BadRequest()
    assert [d.Unpack(bad_request) for d in status.details] == [True]
    return [(v.field, v.reason, v.description) for v in bad_request.field_violations]


@scenario
async def test_requests_that_break_their_rules_are_refused_with_every_violation(image: Image) -> None:
    sms = "/protopact.example.sms.v1.SmsService/SendTextToSubscriber"
    async with running(image) as (client, _, _):
        with pytest.raises(grpc.aio.AioRpcError) as exc:
            await client.call(sms, client.request(
                sms, from_sender_id="+47 no letters? 123", to_subscriber={"e164": "004799990000"}))
        assert _code(exc) == grpc.StatusCode.INVALID_ARGUMENT
        assert sorted(_violations(exc)) == [
            ("content", "string.min_len", "must be at least 1 characters"),
            ("from_sender_id", "string.max_len", "must be at most 11 characters"),
            ("from_sender_id", "string.pattern",
             "does not match regex pattern `^[A-Za-z0-9 ]*[A-Za-z][A-Za-z0-9 ]*$`"),
            ("to_subscriber.e164", "string.pattern",
             "does not match regex pattern `^\\+[1-9][0-9]{1,14}$`")]
        valid = client.request(sms, from_sender_id="Operator", to_subscriber={"e164": "+4799990000"},
                               content="Welcome to Sweden")
        assert (await client.call(sms, valid)).message_id
    async with running(image, validate=False) as (client, _, _):
        assert await client.call(sms, client.request(sms))  # --no-validate: anything goes


@scenario
async def test_a_cursor_walk_visits_the_whole_collection_and_can_step_back(image: Image) -> None:
    delivery = image.pool.FindMessageTypeByName("protopact.example.webhooks.v1.WebhookDelivery")
    async with running(image) as (client, _, _):
        seen, cursor, cursors = [], "", []
        while True:
            reply = await client.call(DELIVERIES, client.request(
                DELIVERIES, selection=SELECTION, pagination={"size": 40, "cursor": cursor}))
            assert reply.request.pagination.size == 40
            assert bool(reply.pagination.previous_cursor) == bool(cursor)
            seen.extend(reply.deliveries)
            cursors.append(cursor)
            cursor = reply.pagination.next_cursor
            if not cursor:
                break
        assert seen == [example_message(delivery, index=i) for i in range(len(seen))]
        assert len(seen) > 40
        back = await client.call(DELIVERIES, client.request(
            DELIVERIES, selection=SELECTION, pagination={"size": 40, "cursor": reply.pagination.previous_cursor}))
        assert list(back.deliveries) == seen[40 * (len(cursors) - 2):40 * (len(cursors) - 1)]
        with pytest.raises(grpc.aio.AioRpcError) as exc:
            await client.call(DELIVERIES, client.request(
                DELIVERIES, selection=SELECTION, pagination={"cursor": "bm90LWEtY3Vyc29y"}))
        assert _code(exc) == grpc.StatusCode.INVALID_ARGUMENT
        assert exc.value.details().startswith("pagination.cursor")


@scenario
async def test_every_nth_api_call_fails_with_the_injected_code(image: Image) -> None:
    async with running(image, fail_every=3, fail_code=grpc.StatusCode.UNAVAILABLE) as (client, _, _):
        outcomes = []
        for _ in range(7):
            try:
                await client.call(USERS)
                outcomes.append("OK")
            except grpc.aio.AioRpcError as exc:
                outcomes.append(exc.code().name)
            # health calls are not API calls: they neither fail nor count
            await health_pb2_grpc.HealthStub(client.channel).Check(health_pb2.HealthCheckRequest())
        assert outcomes == ["OK", "OK", "UNAVAILABLE", "OK", "OK", "UNAVAILABLE", "OK"]


@scenario
async def test_calls_refused_by_auth_do_not_count_towards_injected_faults(image: Image) -> None:
    async with running(image, fail_every=2) as (client, _, _):
        outcomes = []
        for token in (None, "wrong", TOKEN, TOKEN, "wrong", TOKEN, TOKEN):
            try:
                await client.call(USERS, token=token)
                outcomes.append("OK")
            except grpc.aio.AioRpcError as exc:
                outcomes.append(exc.code().name)
    assert outcomes == ["UNAUTHENTICATED"] * 2 + ["OK", "RESOURCE_EXHAUSTED", "UNAUTHENTICATED",
                                                  "OK", "RESOURCE_EXHAUSTED"]


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
@scenario
async def test_reflection_v1_and_v1alpha_are_open_like_health_and_list_the_api(
        image: Image, version: str) -> None:
    # v1 has v1alpha's messages under another package: the same classes encode both
    from grpc_reflection.v1alpha import reflection_pb2 as r

    async with running(image) as (client, _, _):
        call = client.channel.stream_stream(
            f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
            request_serializer=r.ServerReflectionRequest.SerializeToString,
            response_deserializer=r.ServerReflectionResponse.FromString)
        replies = [reply async for reply in call(iter([
            r.ServerReflectionRequest(list_services=""),
            r.ServerReflectionRequest(
                file_containing_symbol=f"grpc.reflection.{version}.ServerReflection")]))]
    listed = {s.name for s in replies[0].list_services_response.service}
    assert {"protopact.example.webhooks.v1.WebhookService", "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection"} <= listed
    described = replies[1].file_descriptor_response.file_descriptor_proto
    assert descriptor_pb2.FileDescriptorProto.FromString(described[0]).package == \
        f"grpc.reflection.{version}"


def test_a_busy_port_is_one_line_and_exit_1(tmp_path) -> None:
    write_tree(tmp_path, {"buf.yaml": "version: v2\n", "a/v1/a.proto": 'syntax = "proto3";\n'
                          'package a.v1;\nmessage A {}\nservice S { rpc Get(A) returns (A); }\n'})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for options, side in ((["--port", port, "--no-rest"], "gRPC"),
                              (["--port", "0", "--rest-port", port], "REST")):
            result = run("mock", ".", *options, cwd=tmp_path)
            assert (result.exit_code, result.stdout) == (1, "")
            assert result.stderr.splitlines() == [
                f"cannot listen on 127.0.0.1:{port} for {side}: Address already in use"]


@scenario
async def test_buf_curl_discovers_a_unary_method_through_reflection(image: Image, buf: str) -> None:
    # buf curl does not send -H headers with its reflection calls (that takes --reflect-header), so
    # this plain invocation works only because reflection needs no token
    async with running(image, stateful=False) as (_, _, port):
        process = await asyncio.create_subprocess_exec(
            buf, "curl", "--protocol", "grpc", "--http2-prior-knowledge",
            "-H", f"authorization: Bearer {TOKEN}",
            "-d", '{"id": "1"}', f"http://127.0.0.1:{port}{WEBHOOKS}GetWebhook",
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    expected = example_message(image.pool.FindMessageTypeByName(
        "protopact.example.webhooks.v1.GetWebhookResponse"))
    assert json.loads(out)["webhook"]["url"] == expected.webhook.url
    assert json.loads(out)["webhook"]["id"] == str(expected.webhook.id)


@scenario
async def test_the_token_never_reaches_the_log(image: Image, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(image) as (client, _, _):
        await client.call(USERS)
        with pytest.raises(grpc.aio.AioRpcError):
            await client.call(USERS, token=TOKEN + "-wrong")
        call = client.events(max_in_flight=1)
        async for _ in call:
            break
        call.cancel()
    assert "rejected" in caplog.text  # the rejection was logged...
    assert TOKEN not in caplog.text  # ...without the token, right or wrong


@scenario
async def test_the_rest_gateway_in_front_answers_with_the_same_data(image: Image) -> None:
    banner: list[str] = []
    serving = asyncio.create_task(serve(image, MockSettings(token=TOKEN), host="127.0.0.1", port=0,
                                        rest_port=0, announce=banner.append))
    try:
        while not any(line.startswith("auth:") for line in banner):
            await asyncio.sleep(0.01)
        rest = next(line for line in banner if line.startswith("REST on ")).split()[-1]
        async with httpx.AsyncClient(base_url=rest) as http:
            anonymous = await http.get("/v1/users/me")
            authorized = await http.get("/v1/users/me", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    expected = example_json(image.pool.FindMessageTypeByName(
        "protopact.example.users.v1.GetCurrentUserResponse"))
    assert authorized.status_code == 200 and authorized.json() == expected["user"]  # body: "user"


def test_the_mock_verb_serves_and_keeps_the_token_out_of_its_output(tmp_path) -> None:
    secret = "cli-" + TOKEN
    env = {**os.environ, "PROTOPACT_MOCK_TOKEN": secret, "PROTOPACT_CACHE_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "protopact", "mock", "proto", "--port", "0", "--no-rest",
         "--events-per-second", "50"], cwd=REPO, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        banner = process.stdout.readline()  # type: ignore[union-attr]
        assert banner.startswith("gRPC on 127.0.0.1:"), banner
        port = int(banner.split(":")[1])
        health = subprocess.run(
            [sys.executable, "-c", _HEALTH_PROBE, str(port), secret], capture_output=True, text=True,
            check=False,
            timeout=20)
        assert health.stdout.split() == ["SERVING", "UNAUTHENTICATED", "OK"], health.stderr
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "rejected" in output
    assert secret not in banner + output


_HEALTH_PROBE = """
import sys, grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
channel = grpc.insecure_channel("127.0.0.1:" + sys.argv[1])
print(health_pb2.HealthCheckResponse.ServingStatus.Name(
    health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest()).status))
users = channel.unary_unary("/protopact.example.users.v1.CurrentUserService/GetCurrentUser")
for token in ("wrong", sys.argv[2]):
    try:
        users(b"", metadata=[("authorization", "Bearer " + token)])
        print("OK")
    except grpc.RpcError as exc:
        print(exc.code().name)
"""


@scenario
async def test_a_tree_of_many_services_gets_a_one_line_summary_banner(tmp_path) -> None:
    services = "".join(f"service S{i:02}Service {{ rpc Get(A) returns (A); }}\n" for i in range(40))
    write_tree(tmp_path, {"buf.yaml": "version: v2\n", "a/v1/a.proto":
                          f'syntax = "proto3";\npackage a.v1;\nmessage A {{}}\n{services}'})
    image = load_input(".", cwd=tmp_path, cache=Cache(None)).image
    banner: list[str] = []
    serving = asyncio.create_task(serve(image, MockSettings(), host="127.0.0.1", port=0,
                                        rest_port=None, announce=banner.append))
    try:
        while not any(line.startswith("auth:") for line in banner):
            await asyncio.sleep(0.01)
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
    assert "40 services (a.v1.S00Service, " in banner[0] and "a.v1.S39Service" not in banner[0]
    assert len(banner[0]) < 400


def test_the_mock_verb_needs_services(tmp_path) -> None:
    write_tree(tmp_path, {"buf.yaml": "version: v2\n",
                          "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A {}\n'})
    result = run("mock", ".", "--no-rest", "--port", "0", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == "nothing to mock: the input's files define no services"
