"""The mock's event streams through real gRPC clients: in-flight limits, ack timeouts, redelivery,
acks, durable queues shared by several connections, start positions and settings validation.

Ack timeouts are validated as requested (10 s to 10 min) and served 50 times faster (``FAST``), so a
10 s timeout redelivers after 0.2 s.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import time

import grpc
import pytest

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input

from .conftest import REPO
from .mock_harness import FAST, running, scenario, seq, take

TEN_SECONDS = {"seconds": 10}


@pytest.fixture(scope="module")
def image() -> Image:
    return load_input("proto", cwd=REPO, cache=Cache(None)).image


@scenario
async def test_unacked_events_stop_at_max_in_flight_then_come_back_redelivered(image: Image) -> None:
    async with running(image, **FAST) as (client, _, _):
        call = client.events(max_in_flight=3, ack_timeout=TEN_SECONDS)
        started = time.monotonic()
        first = await take(call, 3)
        again = await take(call, 3)
        waited = time.monotonic() - started
        call.cancel()
    assert [e.metadata.is_redelivered for e in first] == [False] * 3
    # the stream had 500 new events a second to offer, yet the fourth message is a redelivery
    assert [e.metadata.is_redelivered for e in again] == [True] * 3
    assert [e.metadata.event_id for e in again] == [e.metadata.event_id for e in first]
    # an ack id is unique per event and the same on redelivery, so clients de-duplicate by it
    assert [e.metadata.ack_id for e in again] == [e.metadata.ack_id for e in first]
    assert len({e.metadata.ack_id for e in first}) == 3
    assert [seq(e) for e in first] == list(range(seq(first[0]), seq(first[0]) + 3))
    assert waited >= 0.2  # 10 s x 0.02


@scenario
async def test_default_settings_allow_fifty_in_flight(image: Image) -> None:
    async with running(image, **FAST) as (client, _, _):
        call = client.events(max_in_flight=0)
        events = await take(call, 51)
        call.cancel()
    assert [e.metadata.is_redelivered for e in events] == [False] * 50 + [True]
    assert events[50].metadata.event_id == events[0].metadata.event_id


@scenario
async def test_acking_lets_the_stream_continue_without_redeliveries(image: Image) -> None:
    async with running(image, **FAST) as (client, _, _):
        call = client.events(max_in_flight=1, ack_timeout=TEN_SECONDS)
        seen = []
        async for event in call:
            seen.append(event)
            reply = await client.ack(event.metadata.ack_id)
            assert reply.ack.ack_id == event.metadata.ack_id
            if len(seen) == 30:
                break
        call.cancel()
    assert not any(e.metadata.is_redelivered for e in seen)
    assert [seq(e) for e in seen] == list(range(seq(seen[0]), seq(seen[0]) + 30))


@scenario
async def test_connections_on_one_durable_queue_split_its_events(image: Image) -> None:
    async with running(image, **FAST) as (client, _, _):
        calls = [client.events(max_in_flight=1, ack_timeout=TEN_SECONDS, durable_queue="shared",
                               start_at_oldest={}) for _ in range(2)]
        received: list[list[int]] = [[], []]

        async def consume(index: int) -> None:
            async for event in calls[index]:
                assert not event.metadata.is_redelivered
                received[index].append(seq(event))
                await asyncio.sleep(0.003)  # the other connection takes the next event meanwhile
                await client.ack(event.metadata.ack_id)
                if len(received[0]) + len(received[1]) >= 80:
                    return

        await asyncio.gather(consume(0), consume(1))
        for call in calls:
            call.cancel()
    both = received[0] + received[1]
    assert received[0] and received[1]
    assert len(set(both)) == len(both)  # none delivered to both
    assert sorted(both) == list(range(len(both)))  # none lost: every event from the oldest on


@scenario
async def test_a_durable_queue_resumes_where_it_left_off(image: Image) -> None:
    async with running(image, **FAST) as (client, _, _):
        call = client.events(max_in_flight=5, ack_timeout=TEN_SECONDS, durable_queue="resume")
        first = await take(call, 5)
        for event in first:
            await client.ack(event.metadata.ack_id)
        call.cancel()
        await asyncio.sleep(0.05)  # events keep happening while no stream is open
        call = client.events(max_in_flight=5, durable_queue="resume", start_at_new={})
        later = await take(call, 1)
        call.cancel()
    assert seq(later[0]) == seq(first[-1]) + 1


@scenario
async def test_durable_queue_names_belong_to_their_client(image: Image) -> None:
    async with running(image, token=None, **FAST) as (client, _, _):
        firsts = []
        for token in ("client-a", "client-a", "client-b"):
            call = client.events(max_in_flight=3, durable_queue="billing", start_at_oldest={},
                                 token=token)
            events = await take(call, 3)
            for event in events:
                await client.ack(event.metadata.ack_id)
            call.cancel()
            firsts.append(seq(events[0]))
    assert firsts == [0, 3, 0]  # client-a resumes its queue; client-b starts its own


@scenario
async def test_a_closed_stream_hands_its_unacked_events_to_the_next_one(image: Image) -> None:
    async with running(image, **FAST) as (client, _, _):
        call = client.events(max_in_flight=2, ack_timeout={"seconds": 600}, durable_queue="handover")
        held = await take(call, 2)
        call.cancel()
        call = client.events(max_in_flight=2, durable_queue="handover")
        taken_over = await take(call, 2)
        call.cancel()
    assert [e.metadata.event_id for e in taken_over] == [e.metadata.event_id for e in held]
    assert all(e.metadata.is_redelivered for e in taken_over)


@scenario
async def test_a_stream_limit_ends_each_stream_and_hands_its_unacked_events_on(image: Image) -> None:
    async with running(image, stream_limit=3, **FAST) as (client, server, _):
        call = client.events(ack_timeout={"seconds": 600}, durable_queue="limited")
        ended = [event async for event in call]
        assert await call.code() == grpc.StatusCode.OK
        assert server.broker.open_streams == 0  # the cut stream let go of its queue
        again = await take(client.events(durable_queue="limited"), 3)
    assert len(ended) == 3
    assert [e.metadata.event_id for e in again] == [e.metadata.event_id for e in ended]
    assert all(e.metadata.is_redelivered for e in again)


@scenario
async def test_start_positions(image: Image) -> None:
    async with running(image, **FAST) as (client, _, _):
        await asyncio.sleep(0.05)  # let some 25 events happen

        async def first(**start: object) -> object:
            call = client.events(max_in_flight=1, **start)
            event = (await take(call, 1))[0]
            call.cancel()
            return event

        oldest = await first(start_at_oldest={})
        assert seq(oldest) == 0
        fifth = await first(start_at_oldest={})
        assert fifth.metadata.event_id == oldest.metadata.event_id  # ephemeral queues start afresh
        by_id = await first(start_at_event_id=_event_id(oldest.metadata.event_id, 5))
        assert seq(by_id) == 5
        at = oldest.metadata.timestamp.ToMicroseconds() + 7 * 2000  # 500 events a second
        by_time = await first(start_at_time={"seconds": at // 1_000_000,
                                             "nanos": at % 1_000_000 * 1000})
        assert seq(by_time) == 7
        new = await first(start_at_new={})
        assert seq(new) > 20
        default = await first()
        assert seq(default) >= seq(new)


@scenario
async def test_events_carry_microsecond_timestamps_and_ppids_per_client(image: Image) -> None:
    async with running(image, token=None, **FAST) as (client, _, _):
        batches = []
        for token in ("client-a", "client-a", "client-b"):
            call = client.events(max_in_flight=20, start_at_oldest={}, token=token)
            batches.append(await take(call, 20))
            call.cancel()
    a1, a2, b = ([e.metadata.ppid for e in batch] for batch in batches)
    assert a1 == a2  # stable per subscriber and client
    assert all(x != y for x, y in zip(a1, b))  # another client sees other pseudonyms
    assert len(set(a1)) > 1
    stamps = [e.metadata.timestamp for e in batches[0]]
    assert all(s.nanos % 1000 == 0 for s in stamps)
    micros = [s.ToMicroseconds() for s in stamps]
    # consecutive events are 1/events_per_second apart: 500 a second
    assert [b - a for a, b in itertools.pairwise(micros)] == [2000] * 19
    assert all(e.country_change_event.HasField("current") for e in batches[0])


@pytest.mark.parametrize("configuration, field", [
    ({"max_in_flight": 201}, "stream_configuration.max_in_flight"),
    ({"max_in_flight": -1}, "stream_configuration.max_in_flight"),
    ({"ack_timeout": {"seconds": 9, "nanos": 999_000_000}}, "stream_configuration.ack_timeout"),
    ({"ack_timeout": {"seconds": 601}}, "stream_configuration.ack_timeout"),
    ({"ack_timeout": {}}, "stream_configuration.ack_timeout"),  # set to 0s is not unset
    ({"durable_queue": "q" * 201}, "stream_configuration.durable_queue"),
])
@scenario
async def test_invalid_settings_name_the_field(image: Image, configuration: dict, field: str) -> None:
    # the API's buf.validate rules answer first; without them (--no-validate, or an API that has
    # none) the mock's own checks of the stream settings still do
    for validate in (True, False):
        async with running(image, validate=validate, **FAST) as (client, _, _):
            with pytest.raises(grpc.aio.AioRpcError) as exc:
                await take(client.events(**configuration), 1)
        assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field + ":" in exc.value.details()
        if not validate:
            assert exc.value.details().startswith(field + ":")


@scenario
async def test_an_event_id_not_retained_is_not_found(image: Image) -> None:
    """A well-formed event id that names no retained event: NOT_FOUND (404 over REST), as for
    any identifier that names nothing, not a malformed request."""
    async with running(image, **FAST) as (client, _, _):
        with pytest.raises(grpc.aio.AioRpcError) as exc:
            await take(client.events(start_at_event_id="not-an-event"), 1)
    assert exc.value.code() == grpc.StatusCode.NOT_FOUND
    assert exc.value.details().startswith("stream_configuration.start_at_event_id:")


@scenario
async def test_acks_are_checked(image: Image) -> None:
    async with running(image, **FAST) as (client, _, _):
        call = client.events(max_in_flight=1)
        event = (await take(call, 1))[0]
        # an ack id it never issued names no event (a schema cannot tell it from a real one);
        # a real one sent to another stream's ack method is a wrong argument
        for ack_id, name, code in (
                ("forged", "AckCountryChangeEvent", grpc.StatusCode.NOT_FOUND),
                (event.metadata.ack_id, "AckHandsetChangeEvent", grpc.StatusCode.INVALID_ARGUMENT)):
            with pytest.raises(grpc.aio.AioRpcError) as exc:
                await client.ack(ack_id, name)
            assert exc.value.code() == code
            assert exc.value.details().startswith("ack.ack_id:")
        await client.ack(event.metadata.ack_id)
        await client.ack(event.metadata.ack_id)  # acking twice is harmless
        call.cancel()
        await asyncio.sleep(0.01)
        with pytest.raises(grpc.aio.AioRpcError) as exc:
            await client.ack(event.metadata.ack_id)  # an ephemeral queue ends with its stream
        assert exc.value.code() == grpc.StatusCode.NOT_FOUND


@scenario
async def test_closed_streams_release_their_queues(image: Image) -> None:
    async with running(image, **FAST) as (client, server, _):
        calls = [client.events(max_in_flight=2) for _ in range(20)]
        for call in calls:
            await take(call, 2)
        assert server.broker.open_streams == 20
        for call in calls:
            call.cancel()
        for _ in range(100):
            if server.broker.open_streams == 0:
                break
            await asyncio.sleep(0.01)
        assert server.broker.open_streams == 0 and server.broker.queue_count == 0


def _event_id(template: str, seq_: int) -> str:
    return template[:-12] + f"{seq_:012x}"


_GENERATED_CLIENT = """
import json, sys, threading
import grpc
sys.path.insert(0, sys.argv[1])
from google.protobuf.duration_pb2 import Duration
from google.protobuf.empty_pb2 import Empty
from protopact_example_api.event_stream import EventStream
from protopact_example_api.protopact.example.events.v1 import subscription_events_pb2 as pb
from protopact_example_api.protopact.example.events.v1 import subscription_events_pb2_grpc as rpc
from protopact_example_api.protopact.v1.events_pb2 import AckRequest, StreamConfiguration

stub = rpc.SubscriptionEventServiceStub(grpc.insecure_channel(sys.argv[2]))
auth = [("authorization", "Bearer " + sys.argv[3])]
lock, failed, handled = threading.Lock(), [], []

def handle(event):
    with lock:
        if not failed:
            failed.append(event.metadata.event_id)
            raise RuntimeError("the first event fails once, so it must come back")
        handled.append([event.metadata.event_id, event.metadata.is_redelivered])
        if len(handled) >= 40 and any(redelivered for _, redelivered in handled):
            stream.stop()

stream = EventStream(
    open=lambda config: stub.StreamCountryChangeEvents(
        pb.StreamCountryChangeEventsRequest(stream_configuration=config), metadata=auth),
    ack=lambda ack_id: stub.AckCountryChangeEvent(
        pb.AckCountryChangeEventRequest(ack=AckRequest(ack_id=ack_id)), metadata=auth),
    configuration=StreamConfiguration(max_in_flight=4, ack_timeout=Duration(seconds=10),
                                      start_at_oldest=Empty()),
    on_error=lambda event, error: None)
stream.run(handle)
print(json.dumps({"failed": failed, "handled": handled}))
"""


@scenario
async def test_the_generated_event_stream_helper_consumes_a_mock_stream(image: Image) -> None:
    async with running(image, **FAST) as (client, _, port):
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _GENERATED_CLIENT, str(REPO / "generated" / "python"),
            f"127.0.0.1:{port}", client.token, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    outcome = json.loads(out)
    handled = {event_id: redelivered for event_id, redelivered in outcome["handled"]}
    assert len(handled) == len(outcome["handled"]) >= 40  # acked in time: each handled once
    assert handled[outcome["failed"][0]] is True  # the failed event came back, redelivered
    assert sum(handled.values()) == 1
