"""Event-stream delivery: durable queues, in-flight limits, ack timeouts and redelivery.

Events are not stored. A :class:`Timeline` says event *n* of every topic happens at
``start + n / events_per_second``, so a topic costs nothing until a queue reads it, and retention
(:data:`RETENTION_SECONDS`) is a window of sequence numbers. A :class:`Queue` reads one topic from
its cursor; its consumers (the open streams) take events from it:

- a consumer never holds more than its ``max_in_flight`` unacknowledged deliveries;
- events whose ack timeout passed, and events held by a stream that closed, are delivered again
  (attempt > 1, flagged as redelivered) before any new event, oldest first;
- an event sits with one consumer at a time, so the consumers of a durable queue split its events
  (a durable queue belongs to one client: the same name used with another token is another queue);
- an ack id names its queue and event, signed with a per-server secret: it is unique per event and
  queue and the same on every redelivery (clients de-duplicate by it), and acks need no table of
  ids; acking an event twice is harmless.

Memory is bounded: a queue's in-flight and waiting redeliveries never exceed the largest sum of its
consumers' ``max_in_flight`` (events leave the cursor only into a consumer with room); open streams
and durable queues are capped (:data:`MAX_STREAMS`, :data:`MAX_DURABLE_QUEUES`; idle durable queues
are dropped least recently used first); each consumer waits on a single timer.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import itertools
import math
import re
import secrets
import struct
import time
import uuid
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass

import grpc
from google.protobuf.message import Message

from ..schema.conventions import role
from .handlers import CallError, invalid_argument

DEFAULT_MAX_IN_FLIGHT = 50
MAX_IN_FLIGHT = 200
DEFAULT_ACK_TIMEOUT = 30.0
MIN_ACK_TIMEOUT = 10.0
MAX_ACK_TIMEOUT = 600.0
MAX_QUEUE_NAME = 200
RETENTION_SECONDS = 3600.0
MAX_STREAMS = 10_000
MAX_DURABLE_QUEUES = 10_000

_ACK = struct.Struct(">QQ")  # queue id, event sequence number
_MAC_SIZE = 8


@dataclass(frozen=True)
class StartPosition:
    kind: str  # the StreamConfiguration.start_position member: start_at_new, start_at_oldest, ...
    event_id: str = ""
    unix_micros: int = 0


@dataclass(frozen=True)
class StreamSettings:
    max_in_flight: int
    ack_timeout: float  # seconds, as requested
    durable_queue: str
    start: StartPosition


# start positions by the name of the oneof member that asks for them
_STARTS = (("start_at_oldest", re.compile(r".*(oldest|earliest|beginning).*", re.I)),
           ("start_at_event_id", re.compile(r".*event_?id.*", re.I)),
           ("start_at_time", re.compile(r".*(time|timestamp|_at)\Z", re.I)),
           ("start_at_new", re.compile(r".*(new|latest|now).*", re.I)))


def stream_settings(configuration: Message | None, *, field: str) -> StreamSettings:
    """Validate a stream configuration, ``protopact.v1.StreamConfiguration`` or the API's own (its
    fields found by their role); errors name the offending field under ``field``. ``None`` (a
    stream without a configuration) selects every default."""
    if configuration is None:
        return StreamSettings(DEFAULT_MAX_IN_FLIGHT, DEFAULT_ACK_TIMEOUT, "", StartPosition("start_at_new"))
    c = configuration
    names = c.DESCRIPTOR.fields_by_name
    in_flight = role(names, "in_flight")
    max_in_flight = (getattr(c, in_flight) if in_flight else 0) or DEFAULT_MAX_IN_FLIGHT
    if not 1 <= max_in_flight <= MAX_IN_FLIGHT:
        raise invalid_argument(f"{field}.{in_flight}", f"must be from 1 to {MAX_IN_FLIGHT} "
                               f"(0 selects {DEFAULT_MAX_IN_FLIGHT}), got {max_in_flight}")
    # only an unset timeout selects the default: an explicit 0s is outside the range, not a request
    # for the default
    timeout = role(names, "ack_timeout")
    ack_timeout = DEFAULT_ACK_TIMEOUT
    if timeout and names[timeout].message_type is not None and c.HasField(timeout):
        duration = getattr(c, timeout)
        ack_timeout = duration.seconds + duration.nanos / 1e9
    elif timeout and names[timeout].message_type is None and getattr(c, timeout):
        ack_timeout = float(getattr(c, timeout))  # a number of seconds
    if not MIN_ACK_TIMEOUT <= ack_timeout <= MAX_ACK_TIMEOUT:
        raise invalid_argument(f"{field}.{timeout}", "must be from 10s to 600s (unset selects "
                               f"{DEFAULT_ACK_TIMEOUT:g}s), got {ack_timeout:g}s")
    queue_field = role(names, "queue")
    queue = getattr(c, queue_field) if queue_field else ""
    if len(queue) > MAX_QUEUE_NAME:
        raise invalid_argument(f"{field}.{queue_field}",
                               f"must be at most {MAX_QUEUE_NAME} characters, got {len(queue)}")
    return StreamSettings(max_in_flight, ack_timeout, queue, _start(c))


def _start(c: Message) -> StartPosition:
    member = next((c.WhichOneof(o.name) for o in c.DESCRIPTOR.oneofs if c.WhichOneof(o.name)), None)
    if member is None:
        return StartPosition("start_at_new")
    kind = next((k for k, pattern in _STARTS if pattern.match(member)), "start_at_new")
    value = getattr(c, member)
    if kind == "start_at_event_id" and isinstance(value, str):
        return StartPosition(kind, event_id=value)
    if kind == "start_at_time" and hasattr(value, "nanos"):
        return StartPosition(kind, unix_micros=value.seconds * 1_000_000 + -(-value.nanos // 1000))
    return StartPosition("start_at_new" if kind in ("start_at_event_id", "start_at_time") else kind)


@dataclass(frozen=True)
class Timeline:
    """When each event happens: event ``n`` at ``start + n / events_per_second`` (monotonic)."""

    events_per_second: float
    start: float
    wall_start_micros: int  # Unix time at ``start``, in microseconds

    def happened(self, now: float) -> int:
        """How many events have happened by ``now`` (event 0 happens at ``start``)."""
        if now < self.start:
            return 0
        return math.floor((now - self.start) * self.events_per_second + 1e-9) + 1

    def oldest(self, now: float) -> int:
        return max(self.happened(now) - int(RETENTION_SECONDS * self.events_per_second), 0)

    def due(self, seq: int) -> float:
        return self.start + seq / self.events_per_second

    def timestamp_micros(self, seq: int) -> int:
        return self.wall_start_micros + int(seq * 1_000_000 / self.events_per_second)

    def first_at(self, unix_micros: int) -> int:
        """The first event whose timestamp is at or after ``unix_micros``."""
        seq = max(math.floor((unix_micros - self.wall_start_micros) * self.events_per_second / 1e6), 0)
        while seq > 0 and self.timestamp_micros(seq - 1) >= unix_micros:
            seq -= 1
        while self.timestamp_micros(seq) < unix_micros:
            seq += 1
        return seq


@dataclass(frozen=True)
class Topic:
    """The events of one event-stream method; event ids are UUIDs holding topic id and sequence."""

    path: str

    @property
    def id(self) -> int:
        return zlib.crc32(self.path.encode())

    def event_id(self, seq: int) -> str:
        return str(uuid.UUID(bytes=struct.pack(">IIQ", self.id, 0, seq)))

    def seq_of(self, event_id: str) -> int | None:
        try:
            topic, zero, seq = struct.unpack(">IIQ", uuid.UUID(event_id).bytes)
        except ValueError:
            return None
        return seq if (topic, zero) == (self.id, 0) else None


@dataclass(frozen=True)
class Delivery:
    seq: int
    attempt: int
    event_id: str
    ack_id: str

    @property
    def redelivered(self) -> bool:
        return self.attempt > 1


class _Consumer:
    __slots__ = ("ack_timeout", "in_flight", "max_in_flight", "wake")

    def __init__(self, max_in_flight: int, ack_timeout: float) -> None:
        self.max_in_flight = max_in_flight
        self.ack_timeout = ack_timeout
        # seq -> (attempt, deadline); deadlines only grow, so insertion order is deadline order
        self.in_flight: OrderedDict[int, tuple[int, float]] = OrderedDict()
        self.wake = asyncio.Event()


class Queue:
    """One topic read from a cursor, shared by its consumers."""

    def __init__(self, queue_id: int, topic: Topic, name: str, cursor: int) -> None:
        self.id, self.topic, self.name, self.cursor = queue_id, topic, name, cursor
        self.consumers: list[_Consumer] = []
        self._redeliver: OrderedDict[int, int] = OrderedDict()  # seq -> attempts so far
        self._owner: dict[int, _Consumer] = {}

    def take(self, consumer: _Consumer, now: float, timeline: Timeline) -> tuple[int, int] | None:
        if len(consumer.in_flight) >= consumer.max_in_flight:
            return None
        if self._redeliver:
            seq, attempts = self._redeliver.popitem(last=False)
        else:
            self.cursor = max(self.cursor, timeline.oldest(now))
            if self.cursor >= timeline.happened(now):
                return None
            seq, attempts = self.cursor, 0
            self.cursor += 1
        consumer.in_flight[seq] = (attempts + 1, now + consumer.ack_timeout)
        self._owner[seq] = consumer
        return seq, attempts + 1

    def expire(self, consumer: _Consumer, now: float) -> None:
        """Hand the consumer's overdue deliveries back for redelivery."""
        moved = False
        while consumer.in_flight:
            seq, (attempt, deadline) = next(iter(consumer.in_flight.items()))
            if deadline > now:
                break
            self._hand_back(consumer, seq, attempt)
            moved = True
        if moved:
            self._wake_all()

    def next_wake(self, consumer: _Consumer, timeline: Timeline) -> float:
        """When ``consumer`` may next have work, unless an ack or a departure wakes it first."""
        times = [deadline for _, deadline in itertools.islice(consumer.in_flight.values(), 1)]
        if len(consumer.in_flight) < consumer.max_in_flight:
            times.append(timeline.due(self.cursor))
        return min(times)

    def ack(self, seq: int) -> None:
        consumer = self._owner.pop(seq, None)
        if consumer is not None:
            del consumer.in_flight[seq]
            consumer.wake.set()
        else:
            self._redeliver.pop(seq, None)

    def join(self, consumer: _Consumer) -> None:
        self.consumers.append(consumer)

    def leave(self, consumer: _Consumer) -> None:
        self.consumers.remove(consumer)
        for seq, (attempt, _) in list(consumer.in_flight.items()):
            self._hand_back(consumer, seq, attempt)
        self._wake_all()

    def _hand_back(self, consumer: _Consumer, seq: int, attempt: int) -> None:
        del consumer.in_flight[seq]
        del self._owner[seq]
        self._redeliver[seq] = attempt

    def _wake_all(self) -> None:
        for consumer in self.consumers:
            consumer.wake.set()


class Subscription:
    """One open stream on a queue; iterate :meth:`deliveries`, then :meth:`close`."""

    def __init__(self, broker: Broker, queue: Queue, consumer: _Consumer) -> None:
        self._broker, self._queue, self._consumer = broker, queue, consumer

    async def deliveries(self) -> AsyncIterator[Delivery]:
        queue, consumer, broker = self._queue, self._consumer, self._broker
        while True:
            now = broker.clock()
            queue.expire(consumer, now)
            taken = queue.take(consumer, now, broker.timeline)
            if taken is not None:
                yield broker.delivery(queue, *taken)
                continue
            consumer.wake.clear()
            try:
                async with asyncio.timeout(queue.next_wake(consumer, broker.timeline) - now):
                    await consumer.wake.wait()
            except TimeoutError:
                pass

    def close(self) -> None:
        self._broker.close(self._queue, self._consumer)


class Broker:
    """Every queue of a server; opens subscriptions and settles acks."""

    def __init__(self, timeline: Timeline, *, ack_timeout_scale: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timeline, self.clock = timeline, clock
        self._scale = ack_timeout_scale
        self._secret = secrets.token_bytes(16)
        self._ids = itertools.count(1)
        self._queues: dict[int, Queue] = {}
        # (client, topic, name) -> queue, least recently used first
        self._durable: OrderedDict[tuple[str, str, str], Queue] = OrderedDict()
        self._streams = 0

    @property
    def open_streams(self) -> int:
        return self._streams

    @property
    def queue_count(self) -> int:
        return len(self._queues)

    def open(self, topic: Topic, settings: StreamSettings, *, client: str, field: str) -> Subscription:
        """A new stream; durable queue names are the ``client``'s own, so clients never share one."""
        if self._streams >= MAX_STREAMS:
            raise CallError(grpc.StatusCode.RESOURCE_EXHAUSTED,
                            f"the mock serves at most {MAX_STREAMS} streams at a time")
        queue = self._queue(topic, settings, client=client, field=field)
        consumer = _Consumer(settings.max_in_flight, settings.ack_timeout * self._scale)
        queue.join(consumer)
        self._streams += 1
        return Subscription(self, queue, consumer)

    def close(self, queue: Queue, consumer: _Consumer) -> None:
        self._streams -= 1
        queue.leave(consumer)
        if not queue.name:
            del self._queues[queue.id]

    def ack(self, ack_id: str, *, streams: Collection[str], field: str) -> None:
        """Settle the event ``ack_id`` was delivered with; ``streams`` are the paths it may belong to."""
        decoded = self._decode(ack_id)
        if decoded is None:  # well formed for all a client can know: an event never delivered
            raise CallError(grpc.StatusCode.NOT_FOUND,
                            f"{field}: not an ack id delivered by this server")
        queue_id, seq = decoded
        queue = self._queues.get(queue_id)
        if queue is None:
            raise CallError(grpc.StatusCode.NOT_FOUND,
                            f"{field}: the stream that delivered this event is closed and its queue gone")
        if queue.topic.path not in streams:
            raise invalid_argument(field, f"acknowledges an event of {queue.topic.path}, "
                                   "which this method does not acknowledge")
        queue.ack(seq)

    def delivery(self, queue: Queue, seq: int, attempt: int) -> Delivery:
        payload = _ACK.pack(queue.id, seq)
        mac = hmac.new(self._secret, payload, hashlib.sha256).digest()[:_MAC_SIZE]
        ack_id = base64.urlsafe_b64encode(payload + mac).decode().rstrip("=")
        return Delivery(seq, attempt, queue.topic.event_id(seq), ack_id)

    def _decode(self, ack_id: str) -> tuple[int, int] | None:
        try:
            raw = base64.urlsafe_b64decode(ack_id + "=" * (-len(ack_id) % 4))
        except (binascii.Error, ValueError):
            return None
        payload, mac = raw[:_ACK.size], raw[_ACK.size:]
        expected = hmac.new(self._secret, payload, hashlib.sha256).digest()[:_MAC_SIZE]
        if len(raw) != _ACK.size + _MAC_SIZE or not hmac.compare_digest(mac, expected):
            return None
        queue_id, seq = _ACK.unpack(payload)
        return queue_id, seq

    def _queue(self, topic: Topic, settings: StreamSettings, *, client: str, field: str) -> Queue:
        key = (client, topic.path, settings.durable_queue)
        if settings.durable_queue and key in self._durable:
            self._durable.move_to_end(key)
            return self._durable[key]
        if settings.durable_queue and len(self._durable) >= MAX_DURABLE_QUEUES:
            self._drop_idle_durable_queue()
        queue = Queue(next(self._ids), topic, settings.durable_queue,
                      self._start(topic, settings.start, field=field))
        self._queues[queue.id] = queue
        if settings.durable_queue:
            self._durable[key] = queue
        return queue

    def _drop_idle_durable_queue(self) -> None:
        idle = next((key for key, queue in self._durable.items() if not queue.consumers), None)
        if idle is None:
            raise CallError(grpc.StatusCode.RESOURCE_EXHAUSTED,
                            f"the mock keeps at most {MAX_DURABLE_QUEUES} durable queues, all in use")
        del self._queues[self._durable.pop(idle).id]

    def _start(self, topic: Topic, start: StartPosition, *, field: str) -> int:
        now = self.clock()
        happened, oldest = self.timeline.happened(now), self.timeline.oldest(now)
        if start.kind == "start_at_oldest":
            return oldest
        if start.kind == "start_at_time":
            return max(self.timeline.first_at(start.unix_micros), oldest)
        if start.kind == "start_at_event_id":
            seq = topic.seq_of(start.event_id)
            if seq is None or not oldest <= seq < happened:  # no such event (any longer)
                raise CallError(grpc.StatusCode.NOT_FOUND, f"{field}.start_at_event_id: "
                                f"{start.event_id!r} is not a retained event of this stream")
            return seq
        return happened
