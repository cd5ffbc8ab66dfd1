"""The mock on APIs that name every convention their own way: a fleet API's own ``Pagination`` and
``PageCursor``, a telecom API's ``EventHeader``/``AckHandle``/``ConsumerOptions`` and ``Confirm*`` ack
RPCs. Pages walk a stable collection; event streams honour the in-flight limit, redeliver what was
not acknowledged in time and answer an ack handle they never delivered with NOT_FOUND.
"""

from __future__ import annotations

import grpc
import pytest

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input

from .mock_harness import FAST, running, scenario, take
from .test_conventions import FIXTURES

DEVICES = "/fleet.v1.DeviceService/List"
READINGS = "/fleet.v1.ReadingService/ListReadings"
ROAMING = "/telco.events.v1.RoamingEventService/"


@pytest.fixture(scope="module")
def iot() -> Image:
    return load_input(str(FIXTURES / "iot"), cwd=FIXTURES, cache=Cache(None)).image


@pytest.fixture(scope="module")
def telecom() -> Image:
    return load_input(str(FIXTURES / "telecom"), cwd=FIXTURES, cache=Cache(None)).image


@scenario
async def test_pages_walk_the_collection_with_the_api_own_pagination(iot: Image) -> None:
    async with running(iot) as (client, _, _):
        first = await client.call(DEVICES, client.request(DEVICES, organization="acme"))
        # the corrected request: size 0 selected the default
        assert first.request.pagination.size == 100 and first.request.organization == "acme"
        total = first.pagination.total
        assert total > 0 and first.pagination.totalPages == -(-total // 100)
        seen, request, pages = [], client.request(DEVICES, pagination={"size": 40}), 0
        while True:
            answer = await client.call(DEVICES, request)
            assert answer.pagination.page == pages and answer.pagination.size == 40
            assert answer.pagination.HasField("previous") == (pages > 0)
            seen += [d.SerializeToString() for d in answer.devices]
            pages += 1
            if not answer.pagination.HasField("next"):
                break
            request = client.request(DEVICES, pagination=answer.pagination.next)
        assert len(seen) == total and pages == answer.pagination.totalPages
        assert len(set(seen)) > 1  # the items differ from one another
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await client.call(DEVICES, client.request(DEVICES, pagination={"page": -1}))
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "pagination.page" in (refused.value.details() or "")


@scenario
async def test_cursors_walk_the_collection_with_the_api_own_cursor(iot: Image) -> None:
    async with running(iot) as (client, _, _):
        seen, request = [], client.request(READINGS, cursor={"limit": 50})
        while True:
            answer = await client.call(READINGS, request)
            assert answer.request.cursor.limit == 50
            seen += [r.SerializeToString() for r in answer.readings]
            if not answer.cursor.next:
                break
            assert answer.cursor.previous or not seen[50:]
            request = client.request(READINGS, cursor={"cursor": answer.cursor.next, "limit": 50})
        assert len(seen) > 50
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await client.call(READINGS, client.request(READINGS, cursor={"cursor": "forged"}))
        assert "cursor.cursor" in (refused.value.details() or "")


def _open(client, **options):  # type: ignore[no-untyped-def]
    path = ROAMING + "StreamRoamingEvents"
    return client.stream(path, client.request(path, options=options))


@scenario
async def test_the_api_own_event_stream_honours_in_flight_and_redelivers(telecom: Image) -> None:
    async with running(telecom, **FAST) as (client, _, _):
        call = _open(client, in_flight_limit=2, ack_deadline={"seconds": 10})
        first = await take(call, 2)
        again = await take(call, 2)
        call.cancel()
    assert [e.header.redelivery for e in first] == [False, False]
    assert [e.header.redelivery for e in again] == [True, True]
    assert [e.header.event_id for e in again] == [e.header.event_id for e in first]
    assert [e.header.ack_handle.value for e in again] == [e.header.ack_handle.value for e in first]
    assert all(e.header.subscriber.pseudonym and e.header.occurred_at.seconds for e in first)


@scenario
async def test_the_api_own_ack_rpc_settles_events_and_rejects_unknown_handles(
        telecom: Image) -> None:
    confirm = ROAMING + "ConfirmRoamingEvent"
    async with running(telecom, **FAST) as (client, _, _):
        call = _open(client, in_flight_limit=1, ack_deadline={"seconds": 10})
        events = []
        async for event in call:
            events.append(event)
            await client.call(confirm, client.request(
                confirm, handle={"value": event.header.ack_handle.value}))
            if len(events) == 4:
                break
        call.cancel()
        assert not any(e.header.redelivery for e in events)
        assert len({e.header.event_id for e in events}) == 4
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await client.call(confirm, client.request(confirm, handle={"value": "made-up"}))
        assert refused.value.code() == grpc.StatusCode.NOT_FOUND  # well formed, names nothing
        assert "handle.value" in (refused.value.details() or "")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            _ = await take(_open(client, in_flight_limit=5000), 1)
        assert "options.in_flight_limit" in (refused.value.details() or "")
