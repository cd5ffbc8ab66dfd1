"""A real grpc.aio client for the mock server: generic calls with the Image's dynamic message classes."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.message import Message

from protopact.compile.image import Image
from protopact.mock.server import MockServer, MockSettings, serve

from .conftest import WAIT, collect_garbage

TOKEN = "s3cret-token-value"
EVENTS = "/protopact.example.events.v1.SubscriptionEventService/"
WEBHOOKS = "/protopact.example.webhooks.v1.WebhookService/"
# ack timeouts are validated as requested, then shrunk: 10 s become 0.2 s
FAST = {"ack_timeout_scale": 0.02, "events_per_second": 500.0}
_DEFAULT = object()


def scenario(func: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test in a fresh event loop, failing it if it takes more than ``WAIT`` seconds."""
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(_collected(asyncio.wait_for(func(*args, **kwargs), WAIT)))
    return run


async def _collected(test: Awaitable[None]) -> None:
    try:
        await test
    finally:
        # What the test left in cycles (its frame, held by a caught error's traceback) is freed
        # on the loop its gRPC objects belong to, while that loop still runs.
        collect_garbage()


class Client:
    def __init__(self, channel: grpc.aio.Channel, image: Image, token: str | None) -> None:
        self.channel, self.image, self.token = channel, image, token

    def message(self, name: str, **fields: Any) -> Message:
        return message_factory.GetMessageClass(self.image.pool.FindMessageTypeByName(name))(**fields)

    def request(self, path: str, **fields: Any) -> Message:
        return message_factory.GetMessageClass(self._method(path).input_type)(**fields)

    async def call(self, path: str, request: Message | None = None, *, token: Any = _DEFAULT) -> Any:
        method = self._method(path)
        stub = self.channel.unary_unary(
            path, request_serializer=_serialize,
            response_deserializer=message_factory.GetMessageClass(method.output_type).FromString)
        return await stub(request or self.request(path), metadata=self._metadata(token))

    def stream(self, path: str, request: Message, *, token: Any = _DEFAULT) -> Any:
        method = self._method(path)
        stub = self.channel.unary_stream(
            path, request_serializer=_serialize,
            response_deserializer=message_factory.GetMessageClass(method.output_type).FromString)
        return stub(request, metadata=self._metadata(token))

    def events(self, name: str = "StreamCountryChangeEvents", *, token: Any = _DEFAULT,
               **configuration: Any) -> Any:
        path = EVENTS + name
        return self.stream(path, self.request(path, stream_configuration=configuration), token=token)

    async def ack(self, ack_id: str, name: str = "AckCountryChangeEvent") -> Any:
        path = EVENTS + name
        return await self.call(path, self.request(path, ack={"ack_id": ack_id}))

    def _metadata(self, token: Any) -> tuple[tuple[str, str], ...]:
        token = self.token if token is _DEFAULT else token
        return (("authorization", f"Bearer {token}"),) if token is not None else ()

    def _method(self, path: str) -> Any:
        service, _, name = path.strip("/").partition("/")
        return self.image.pool.FindServiceByName(service).methods_by_name[name]


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()


@contextlib.contextmanager
def serving_mock(image: Image, *, rest: bool = True, **settings: Any) -> Iterator[dict[str, str]]:
    """The mock as ``protopact mock`` serves it (with its REST gateway unless ``rest`` is false), on
    an event loop of its own in a thread, for tests written as plain functions. Yields its addresses:
    "grpc" (HOST:PORT) and "rest" (a base URL). Leaving stops it as Ctrl-C does and closes its loop,
    so no gRPC object outlives the loop it was made on."""
    addresses: dict[str, str] = {}
    started: queue.Queue[Callable[[], None] | BaseException] = queue.Queue()

    def announce(line: str) -> None:
        if line.startswith("gRPC on "):
            addresses["grpc"] = line.split()[2].rstrip(":")
        elif line.startswith("REST on "):
            addresses["rest"] = line.split()[-1]
        elif line.startswith("auth:"):  # the banner's last line: every port listens
            loop, serving = asyncio.get_running_loop(), asyncio.current_task()
            assert serving is not None
            started.put(lambda: loop.call_soon_threadsafe(serving.cancel))

    def run() -> None:
        try:
            asyncio.run(serve(image, MockSettings(**settings), host="127.0.0.1", port=0,
                              rest_port=0 if rest else None, announce=announce))
        except asyncio.CancelledError:
            pass  # stopped
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            started.put(error)

    thread = threading.Thread(target=run, name="mock", daemon=True)
    thread.start()
    stop = started.get(timeout=WAIT)
    if isinstance(stop, BaseException):
        raise stop
    try:
        yield addresses
    finally:
        stop()
        thread.join(WAIT)
        assert not thread.is_alive(), f"the mock did not stop within {WAIT} s"
        collect_garbage()


@contextlib.asynccontextmanager
async def running(image: Image, *, token: str | None = TOKEN, **settings: Any
                  ) -> AsyncIterator[tuple[Client, MockServer, int]]:
    """A mock on an ephemeral loopback port, and a client sending ``token`` by default."""
    server = MockServer(image, MockSettings(token=token, **settings))
    port = await server.start(host="127.0.0.1", port=0)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield Client(channel, image, token or "any-token"), server, port
    finally:
        await server.stop(None)


async def take(call: Any, count: int) -> list[Message]:
    """The next ``count`` messages of a streaming call."""
    got = []
    async for message in call:
        got.append(message)
        if len(got) == count:
            break
    return got


def seq(event: Message) -> int:
    """The event's position in its stream, from the event id's trailing 64 bits."""
    return int(event.metadata.event_id.replace("-", "")[16:], 16)
