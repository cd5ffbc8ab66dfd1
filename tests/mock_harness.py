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
from protopact.mock.rest import rest_gateway
from protopact.mock.server import MockServer, MockSettings

TOKEN = "s3cret-token-value"
EVENTS = "/protopact.example.events.v1.SubscriptionEventService/"
WEBHOOKS = "/protopact.example.webhooks.v1.WebhookService/"
# ack timeouts are validated as requested, then shrunk: 10 s become 0.2 s
FAST = {"ack_timeout_scale": 0.02, "events_per_second": 500.0}
_DEFAULT = object()


def scenario(func: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test in a fresh event loop, failing it if it takes more than 20 s."""
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(asyncio.wait_for(func(*args, **kwargs), 20))
    return run


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
def serving_mock(image: Image, **settings: Any) -> Iterator[str]:
    """The mock with its HTTP port (the gateway in front of it) on a loop in a thread; yields the
    HTTP port's base URL."""
    ready: queue.Queue[int] = queue.Queue()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def main() -> None:
        mock = MockServer(image, MockSettings(**settings))
        port = await mock.start(host="127.0.0.1", port=0)
        async with rest_gateway(image, host="127.0.0.1", port=0,
                                upstream=f"127.0.0.1:{port}") as rest_port:
            ready.put(rest_port)
            await stop.wait()
        await mock.stop(None)

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{ready.get(timeout=20)}"
    loop.call_soon_threadsafe(stop.set)
    thread.join(20)


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
