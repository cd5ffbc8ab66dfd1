"""The mock server: every service of an Image over gRPC, built from its descriptors alone.

Each method gets a generic ``grpc.aio`` handler chosen by its shape (:mod:`.catalog`): example data
for plain calls, a store of resources that creates fill and gets, updates and deletes read
(:mod:`.store`, unless the mock is stateless), pages of the store or of a stable collection for list
calls, acknowledged and redelivered events for
event streams (:mod:`.streams`), settlement for acks. Around them: bearer-token authentication
(:mod:`.auth`), scripted faults (:mod:`.faults`), server reflection (:mod:`.reflection`: ``buf curl``
and ``grpcurl`` discover the services; open, like health) and the standard health service.
Optionally, the REST gateway runs in front on a second port. A busy port is an error at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from ..compile.image import Image
from ..errors import ProtopactError
from ..gateway.listen import bound_socket
from ..schema.conventions import role
from . import catalog, data, reflection, store
from .auth import BearerAuth, client_identity
from .catalog import Ack, EventStream, PageList, Rpc
from .faults import FaultInjector
from .handlers import Refusals, method_handler
from .pagination import cursor_page, page
from .resources import Resource, ResourceMethod
from .store import Store
from .streams import Broker, Delivery, Timeline, Topic, stream_settings

_log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class MockSettings:
    token: str | None = None  # None accepts any non-empty bearer token
    events_per_second: float = 10.0
    seed: int = 0
    fail_every: int = 0  # 0 never injects a fault
    fail_code: grpc.StatusCode = grpc.StatusCode.RESOURCE_EXHAUSTED
    # Ack timeouts are validated as requested (10 s to 10 min) and then multiplied by this, so that
    # client tests need not wait 10 s for a redelivery.
    ack_timeout_scale: float = 1.0
    validate: bool = True  # refuse requests that break their buf.validate rules
    stream_limit: int = 0  # end each server stream (OK) after this many messages; 0 never
    stateful: bool = True  # creates store, gets/updates/deletes/lists see the store
    # [tool.protopact.conventions]: the API's types of each kind, where their shape is not enough
    conventions: dict[str, tuple[str, ...]] | None = None


class MockServer:
    """The gRPC side of the mock; :meth:`start` it inside a running event loop."""

    def __init__(self, image: Image, settings: MockSettings) -> None:
        self.image, self.settings = image, settings
        self.rpcs = catalog.rpcs(image, settings.conventions, stateful=settings.stateful)
        if not self.rpcs:
            raise ProtopactError("nothing to mock: the input's files define no services")
        self.store = Store(settings.seed, _kept(self.rpcs, settings.seed))
        timeline = Timeline(settings.events_per_second, time.monotonic(), time.time_ns() // 1000)
        self.broker = Broker(timeline,
                             ack_timeout_scale=settings.ack_timeout_scale)
        self._server: grpc.aio.Server | None = None

    async def start(self, *, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen on ``host:port`` (0 picks a free port) and return the port."""
        paths = [catalog.path(rpc.method) for rpc in self.rpcs]
        # grpc sets SO_REUSEPORT by default: a second mock on a busy port would share it silently
        server = grpc.aio.server(options=[("grpc.so_reuseport", 0)], interceptors=[Refusals(
            BearerAuth(self.settings.token),
            FaultInjector(every=self.settings.fail_every, code=self.settings.fail_code, paths=paths),
        )])
        server.add_generic_rpc_handlers(self._generic_handlers())
        services = catalog.service_names(self.image)
        reflection.enable(server, self.image, services)
        health_servicer = health.aio.HealthServicer()
        for name in ["", *services]:
            await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        if port:  # a failing grpc bind logs a C-core line before raising: probe quietly first
            bound_socket(host, port, serving="gRPC").close()
        try:
            bound = server.add_insecure_port(f"{host}:{port}")
        except RuntimeError:
            raise ProtopactError(f"cannot listen on {host}:{port}: the address is in use or not "
                                 "available") from None
        await server.start()
        self._server = server
        return bound

    async def stop(self, grace: float | None = None) -> None:
        if self._server is not None:
            await self._server.stop(grace)
            # Released here, on the loop that made it: grpc.aio's objects must not be freed by a
            # garbage collection in another thread, or after their loop has closed.
            self._server = None

    async def wait(self) -> None:
        if self._server is not None:
            await self._server.wait_for_termination()

    def _generic_handlers(self) -> list[grpc.GenericRpcHandler]:
        by_service: dict[str, dict[str, grpc.RpcMethodHandler]] = {}
        for rpc in self.rpcs:
            method = rpc.method
            by_service.setdefault(method.containing_service.full_name, {})[method.name] = \
                method_handler(method, self._behaviour(rpc), validate=self.settings.validate,
                               stream_limit=self.settings.stream_limit)
        return [grpc.method_handlers_generic_handler(service, handlers)
                for service, handlers in by_service.items()]

    def _behaviour(self, rpc: Rpc) -> Callable[..., Any]:
        if isinstance(rpc, ResourceMethod) and rpc.resource.full_name in self.store.kept:
            return store.behaviour(rpc, self.store)
        if isinstance(rpc, PageList):
            return _ListBehaviour(rpc, self.settings.seed, self.store)
        if isinstance(rpc, EventStream):
            return _EventBehaviour(rpc, self.broker, self.settings.seed)
        if isinstance(rpc, Ack):
            return _AckBehaviour(rpc, self.broker)
        return _example_behaviour(rpc.method, self.settings.events_per_second)


def _example_behaviour(method: MethodDescriptor, events_per_second: float) -> Callable[..., Any]:
    """Plain calls answer example 0; streams send example 0, 1, 2, ... at the event rate."""
    output = method.output_type

    if method.server_streaming:
        async def stream(request: Any, _context: grpc.aio.ServicerContext) -> AsyncIterator[Message]:
            if method.client_streaming:
                index = 0
                async for _ in request:
                    yield data.example(output, index=index)
                    index += 1
                return
            index = 0
            while True:
                yield data.example(output, index=index)
                index += 1
                await asyncio.sleep(1 / events_per_second)
        return stream

    async def unary(request: Any, _context: grpc.aio.ServicerContext) -> Message:
        if method.client_streaming:
            async for _ in request:
                pass
        return data.example(output)
    return unary


def _kept(rpcs: list[Rpc], seed: int) -> dict[str, tuple[Resource, int]]:
    """The resources the store keeps, each with the seeded examples it starts with: those a create
    makes (starting empty) or a list shows (starting with as many as the stateless list shows).
    Any other resource (a get without a create or a list) answers example data."""
    methods = [r for r in rpcs if isinstance(r, ResourceMethod)]
    known = {r.resource.full_name: r.resource for r in methods}
    kept = {r.resource.full_name: (r.resource, 0) for r in methods if r.verb == "create"}
    for rpc in rpcs:
        if isinstance(rpc, PageList) and rpc.items.message_type is not None:
            name = rpc.items.message_type.full_name
            if name in known and kept.get(name, (None, 0))[1] == 0:  # the first list decides
                kept[name] = (known[name], data.collection_size(seed, catalog.path(rpc.method)))
    return kept


class _ListBehaviour:
    """One page of the stored items (of a resource the store keeps) or of a stable collection of
    examples, with its ``Result`` and the corrected request."""

    def __init__(self, rpc: PageList, seed: int, store: Store) -> None:
        self.rpc, self.store = rpc, store
        self.total = data.collection_size(seed, catalog.path(rpc.method))

    async def __call__(self, request: Message, _context: grpc.aio.ServicerContext) -> Message:
        rpc = self.rpc
        corrected = type(request).FromString(request.SerializeToString())
        response = message_factory.GetMessageClass(rpc.method.output_type)()
        pagination = getattr(corrected, rpc.pagination.name)
        result = getattr(response, rpc.result.name)
        item_type = rpc.items.message_type
        assert item_type is not None  # the catalog only picks message fields
        stored = self.store.items(item_type.full_name, request)
        paginate = cursor_page if rpc.cursor else page
        indexes = paginate(pagination, result, self.total if stored is None else len(stored),
                           field=rpc.pagination.name)
        result.SetInParent()
        items = getattr(response, rpc.items.name)
        for index in indexes:
            items.add().CopyFrom(data.example(item_type, index=index) if stored is None
                                 else stored[index])
        if rpc.echo is not None:
            getattr(response, rpc.echo.name).CopyFrom(corrected)
        return response


class _EventBehaviour:
    """An event stream: deliveries from the broker dressed as the method's response messages."""

    def __init__(self, rpc: EventStream, broker: Broker, seed: int) -> None:
        self.rpc, self.broker, self.seed = rpc, broker, seed
        self.topic = Topic(catalog.path(rpc.method))

    async def __call__(self, request: Message, context: grpc.aio.ServicerContext
                       ) -> AsyncIterator[Message]:
        configuration = self.rpc.configuration
        field = configuration.name if configuration is not None else ""
        settings = stream_settings(getattr(request, field) if configuration is not None else None,
                                   field=field)
        client = client_identity(context.invocation_metadata())
        subscription = self.broker.open(self.topic, settings, client=client, field=field)
        _log.debug("opened %s (max_in_flight=%d, ack_timeout=%gs, queue=%r)", self.topic.path,
                   settings.max_in_flight, settings.ack_timeout, settings.durable_queue)
        try:
            async for delivery in subscription.deliveries():
                yield self._event(delivery, client)
        finally:
            subscription.close()

    def _event(self, delivery: Delivery, client: str) -> Message:
        subscriber = data.subscriber(self.seed, self.topic.path, delivery.seq)
        event = data.example(self.rpc.method.output_type, index=subscriber)
        metadata = getattr(event, self.rpc.metadata.name)
        metadata.SetInParent()
        fill = _Filler(metadata)
        fill.text("subscriber", data.ppid(self.seed, client, subscriber))
        fill.text("ack", delivery.ack_id)
        fill.text("event_id", delivery.event_id)
        fill.flag("redelivered", delivery.redelivered)
        fill.moment("occurred", self.broker.timeline.timestamp_micros(delivery.seq))
        return event


class _Filler:
    """Sets the fields of event metadata by their role: a string, or the string inside a small
    message (an ``AckHandle { value }``), a bool, a ``google.protobuf.Timestamp``."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self.fields = message.DESCRIPTOR.fields_by_name

    def text(self, which: str, value: str) -> None:
        name = role(self.fields, which)
        if name is None:
            return
        field = self.fields[name]
        if field.message_type is None:
            if field.type == field.TYPE_STRING:
                setattr(self.message, name, value)
            return
        inner = next((f.name for f in field.message_type.fields if f.type == f.TYPE_STRING), None)
        if inner is not None:
            setattr(getattr(self.message, name), inner, value)

    def flag(self, which: str, value: bool) -> None:
        name = role(self.fields, which)
        if name is not None and self.fields[name].type == self.fields[name].TYPE_BOOL:
            setattr(self.message, name, value)

    def moment(self, which: str, unix_micros: int) -> None:
        name = next((n for n, f in self.fields.items() if f.message_type is not None
                     and f.message_type.full_name == "google.protobuf.Timestamp"
                     and role([n], which)), None)
        if name is not None:
            getattr(self.message, name).FromMicroseconds(unix_micros)


class _AckBehaviour:
    def __init__(self, rpc: Ack, broker: Broker) -> None:
        self.rpc, self.broker = rpc, broker

    async def __call__(self, request: Message, _context: grpc.aio.ServicerContext) -> Message:
        holder = request
        for name in self.rpc.ack[:-1]:
            holder = getattr(holder, name)
        ack_id = getattr(holder, self.rpc.ack[-1])
        self.broker.ack(ack_id, streams=self.rpc.streams, field=".".join(self.rpc.ack))
        response = message_factory.GetMessageClass(self.rpc.method.output_type)()
        if self.rpc.confirmation:
            holder = response
            for name in self.rpc.confirmation[:-1]:
                holder = getattr(holder, name)
            setattr(holder, self.rpc.confirmation[-1], ack_id)
        return response


async def serve(image: Image, settings: MockSettings, *, host: str, port: int, rest_port: int | None,
                announce: Callable[[str], None]) -> None:
    """Run the mock (and the REST gateway in front of it unless ``rest_port`` is None) until cancelled."""
    mock = MockServer(image, settings)
    async with contextlib.AsyncExitStack() as running:
        bound = await mock.start(host=host, port=port)
        running.push_async_callback(mock.stop, 1)
        rest_bound = None
        if rest_port is not None:
            from .rest import rest_gateway  # only the REST side needs uvicorn and the gateway

            upstream = f"{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{bound}"
            rest_bound = await running.enter_async_context(
                rest_gateway(image, host=host, port=rest_port, upstream=upstream,
                             validate=settings.validate))
        # announced once both ports are ours: a busy REST port leaves one line, its error
        announce(f"gRPC on {host}:{bound}: {_service_summary(catalog.service_names(image))}")
        if rest_bound is not None:
            announce(f"REST on http://{host}:{rest_bound}")
        announce("auth: bearer token required ("
                 + ("configured" if settings.token else "any non-empty") + ")")
        await mock.wait()


BANNER_SERVICES = 8


def _service_summary(names: list[str]) -> str:
    # a tree like googleapis has thousands of services: one 100 kB banner line helps nobody, and
    # reflection (`buf curl --list-services`) lists them all anyway
    if len(names) <= BANNER_SERVICES:
        return ", ".join(names)
    return (f"{len(names)} services ({', '.join(names[:BANNER_SERVICES])}, ... "
            "list them all with reflection)")


def run(image: Image, settings: MockSettings, *, host: str, port: int, rest_port: int | None,
        announce: Callable[[str], None]) -> None:
    """:func:`serve` in a fresh event loop, logging to stderr; Ctrl-C stops it quietly."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(image, settings, host=host, port=port, rest_port=rest_port,
                          announce=announce))
    except KeyboardInterrupt:
        pass
