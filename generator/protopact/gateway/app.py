"""The gateway as an ASGI app: every HTTP binding of an Image, plus gRPC-Web and Connect, in front of
one upstream.

``create_app`` builds a Starlette app that needs no generated code: requests are transcoded with the
Image's descriptor pool and sent over a lazily created ``grpc.aio`` channel, one per event loop that
drives the app (the factory is injectable, e.g. for TLS or tests). Guarantees:

- routes are matched as :mod:`.router` says: the most specific template first, whatever the
  declaration order; a path that matches with another method answers 405 with ``Allow`` (``OPTIONS``
  too, unless CORS is configured: then :mod:`.cors` answers the preflight), an unknown path 404, a
  path or query that is not percent-encoded UTF-8 400;
- success statuses follow :meth:`HttpRoute.success_status` (201 creating POST, 204 empty, else 200);
  errors are ``google.rpc.Status`` JSON with the mapped HTTP status, every one of them (the
  gateway's own failures too); bad input is a 4xx, never a 5xx; an upstream message with no JSON
  form is a 502;
- server streams are Server-Sent Events when ``Accept`` asks for ``text/event-stream`` (the event's
  ack id as the SSE ``id``; ``Last-Event-ID`` is forwarded as ``last-event-id`` metadata) and
  newline-delimited JSON otherwise; an error after the first message ends the stream with an SSE
  ``error`` event or a ``{"error": Status}`` line;
- ``Authorization`` and ``x-*`` headers are forwarded as gRPC metadata (:mod:`.metadata`); bodies over
  ``max_body_bytes`` answer 413; one JSON access-log line per request, without headers, query
  strings or bodies, so no credential reaches the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import Message
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from ..compile.image import Image
from ..render.anyschema import payload_types
from ..schema.http import DEFAULT_SETTINGS, HttpSettings, http_routes
from . import connect, cors, grpcweb, metadata
from .connect import ConnectHandler
from .metadata import Metadata
from .router import Router, method_not_allowed, query_items, raw_path
from .status import HttpError, from_rpc_error, gateway_error
from .strict import Strict
from .transcode import Transcoder, ack_id_of
from .validation import rejection

ACCESS_LOG = logging.getLogger("protopact.gateway.access")
ChannelFactory = Any  # Callable[[str], grpc.aio.Channel]; grpc has no public type for it

@dataclass(frozen=True, kw_only=True)
class GatewaySettings:
    max_body_bytes: int = 1 << 20
    timeout_seconds: float | None = 30.0  # deadline of unary upstream calls
    cors_origins: tuple[str, ...] = ()
    http: HttpSettings = DEFAULT_SETTINGS
    # enforce buf.validate rules (and REQUIRED fields on REST) on requests before calling upstream
    validate: bool = True


class Gateway:
    """Routing and upstream calls; one instance per app."""

    def __init__(self, image: Image, upstream: str, channel_factory: ChannelFactory,
                 settings: GatewaySettings) -> None:
        self.pool = image.pool
        self.settings = settings
        self._upstream, self._channel_factory = upstream, channel_factory
        self._channels: dict[asyncio.AbstractEventLoop, grpc.aio.Channel] = {}
        routes = http_routes(image, settings=settings.http)
        checks = Strict({m.full_name: m for m in payload_types(image, routes)})
        self.router = Router(routes, lambda route: Transcoder(route, self.pool, checks))
        self.connect = ConnectHandler(self.pool, self.channel, settings.max_body_bytes,
                                      settings.timeout_seconds, checks, validate=settings.validate)
        self.methods = {}  # gRPC path -> method, for gRPC-Web and Connect
        for file in image.target_files():
            for service in self.pool.FindFileByName(file.name).services_by_name.values():
                for method in service.methods:
                    self.methods[f"/{service.full_name}/{method.name}"] = method

    async def channel(self) -> grpc.aio.Channel:
        # grpc.aio binds a channel to the loop that created it, and an app may be driven by one
        # loop after another (a test client without its lifespan, a server restarted in process):
        # each loop gets its own, and those of loops since closed are let go.
        loop = asyncio.get_running_loop()
        channel = self._channels.get(loop)
        if channel is None:
            self._channels = {old: c for old, c in self._channels.items() if not old.is_closed()}
            channel = self._channels[loop] = self._channel_factory(self._upstream)
        return channel

    async def close(self) -> None:
        channel = self._channels.pop(asyncio.get_running_loop(), None)
        if channel is not None:
            await channel.close()

    async def handle(self, request: Request) -> Response:
        method = self.methods.get(request.url.path)
        if connect.is_connect(request, method):
            assert method is not None
            try:
                body = await _read_body(request, self.settings.max_body_bytes)
                return await self.connect.handle(request, method, body,
                                                 forwarded_metadata(request))
            except HttpError as error:
                return self.connect.error_response(error)
        try:
            content_type = request.headers.get("content-type", "")
            if request.method == "POST" and grpcweb.is_grpc_web(content_type):
                body = await _read_body(request, self.settings.max_body_bytes)
                return await grpcweb.passthrough(method, body, content_type,
                                           self.channel, forwarded_metadata(request),
                                           self.settings.timeout_seconds,
                                           validate=self.settings.validate)
            path = raw_path(request.scope.get("raw_path") or request.url.path.encode())
            if request.method == "OPTIONS" and (answer := self._options(request, path)):
                return answer
            match = self.router.find(request.method, path)
            if not _json_body(content_type):
                raise gateway_error(415, grpc.StatusCode.INVALID_ARGUMENT,
                                    f"Unsupported content type {content_type}; send JSON")
            query = query_items(request.scope.get("query_string", b""))
            sent = forwarded_metadata(request)
            body = await _read_body(request, self.settings.max_body_bytes)
            message = match.target.request(match.values, query, body)
            if self.settings.validate and (rejected := rejection(
                    message, match.target.missing(message))) is not None:
                raise rejected
            if match.route.server_streaming:
                return await self._stream(match.target, message, sent, request)
            return await self._unary(match.target, message, sent)
        except HttpError as error:
            return error_response(error)

    def _options(self, request: Request, path: str) -> Response | None:
        """A CORS preflight's answer, or ``None`` when a route serves OPTIONS itself."""
        allowed = self.router.allowed(path)
        if not allowed:
            self.router.find("OPTIONS", path)  # raises the 404 (or 400) the path deserves
        if self.settings.cors_origins and cors.is_preflight("OPTIONS", request.headers):
            return cors.preflight(request.headers, self.settings.cors_origins, allowed)
        if "OPTIONS" in allowed:
            return None
        raise method_not_allowed("OPTIONS", allowed)

    async def _unary(self, transcoder: Transcoder, message: Message, metadata: Metadata
                     ) -> Response:
        call = (await self.channel()).unary_unary(
            transcoder.route.grpc_path, request_serializer=_serialize,
            response_deserializer=transcoder.response_class.FromString)
        try:
            reply = await call(message, metadata=metadata, timeout=self.settings.timeout_seconds)
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error, self.pool) from None
        status = transcoder.route.success_status()
        if status == 204:
            return Response(status_code=204)
        return Response(transcoder.response_bytes(reply), status_code=status,
                        media_type="application/json")

    async def _stream(self, transcoder: Transcoder, message: Message, metadata: Metadata,
                      request: Request) -> Response:
        call = (await self.channel()).unary_stream(
            transcoder.route.grpc_path, request_serializer=_serialize,
            response_deserializer=transcoder.response_class.FromString
        )(message, metadata=metadata)
        replies = call.__aiter__()
        sse = "text/event-stream" in request.headers.get("accept", "")
        encode = _sse_event if sse else _ndjson_line
        try:  # the first message decides the status: an early error gets its own
            first = encode(transcoder, await replies.__anext__())
        except StopAsyncIteration:
            first = b""
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error, self.pool) from None
        except HttpError:
            call.cancel()
            raise

        async def body() -> AsyncIterator[bytes]:
            try:
                if first:
                    yield first
                    async for reply in replies:
                        yield encode(transcoder, reply)
            except grpc.aio.AioRpcError as error:
                yield _stream_error(from_rpc_error(error, self.pool), sse)
            except HttpError as error:  # a message the gateway cannot encode ends the stream
                yield _stream_error(error, sse)
            finally:
                call.cancel()

        media = "text/event-stream" if sse else "application/x-ndjson"
        if request.method == "HEAD":  # the status and headers of the stream, without its events
            call.cancel()
            return Response(media_type=media, headers={"cache-control": "no-cache"})
        return StreamingResponse(body(), media_type=media, headers={"cache-control": "no-cache"})


def _json_body(content_type: str) -> bool:
    """Bodies are JSON; ``curl -d`` labels its JSON as a form, and a body without a type is taken
    as JSON too."""
    media = content_type.partition(";")[0].strip().lower()
    return not media or "json" in media or media == "application/x-www-form-urlencoded"


def _stream_error(error: HttpError, sse: bool) -> bytes:
    status = error.content()
    return b"event: error\ndata: " + status + b"\n\n" if sse else b'{"error":' + status + b"}\n"


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()


def _sse_event(transcoder: Transcoder, reply: Message) -> bytes:
    ack_id = ack_id_of(reply).replace("\n", "")
    head = f"id: {ack_id}\n".encode() if ack_id else b""
    return head + b"data: " + transcoder.response_bytes(reply) + b"\n\n"


def _ndjson_line(transcoder: Transcoder, reply: Message) -> bytes:
    return transcoder.response_bytes(reply) + b"\n"


def forwarded_metadata(request: Request) -> list[tuple[str, str | bytes]]:
    return metadata.forwarded_metadata(request.headers.items())


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> HttpError:
    return gateway_error(413, grpc.StatusCode.RESOURCE_EXHAUSTED,
                         f"The request body exceeds {limit} bytes")


def error_response(error: HttpError) -> Response:
    return Response(error.content(), status_code=error.http_status, media_type="application/json",
                    headers=dict(error.headers))


class _Endpoint:
    """A plain ASGI endpoint: Starlette limits a function endpoint to the methods it names, and
    every method must reach the gateway, which answers 405 (or a CORS preflight) itself."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.gateway.handle(Request(scope, receive))
        if scope["method"] == "HEAD":  # GET's status and headers (Content-Length too), no body
            response.body = b""
        await response(scope, receive, send)


class AccessLog:
    """ASGI middleware: one JSON line per request: verb, path, status, duration; nothing secret."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def recording_send(message: AsgiMessage) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            ACCESS_LOG.info(json.dumps({
                "method": scope["method"], "path": scope["path"], "status": status,
                "duration_ms": round((time.perf_counter() - start) * 1000, 3)}))


def create_app(image: Image, *, upstream: str,
               channel_factory: ChannelFactory = grpc.aio.insecure_channel,
               settings: GatewaySettings = GatewaySettings()) -> Starlette:
    """The gateway for ``image``'s bindings, calling the gRPC server at ``upstream`` (HOST:PORT)."""
    gateway = Gateway(image, upstream, channel_factory, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await gateway.close()

    middleware = [Middleware(AccessLog)]
    if settings.cors_origins:
        middleware.append(Middleware(cors.CorsHeaders, origins=settings.cors_origins))

    async def unrouted(request: Request, exc: Exception) -> Response:
        # Starlette's catch-all cannot match a path holding a decoded newline; answer as for
        # any unknown path, in the gateway's own error model.
        return error_response(gateway_error(404, grpc.StatusCode.NOT_FOUND,
                                            f"No route for {request.method} {request.url.path}"))

    async def failed(request: Request, exc: Exception) -> Response:
        # A bug of the gateway's own: logged once by Starlette, answered in the error model.
        return error_response(gateway_error(500, grpc.StatusCode.INTERNAL,
                                            "The gateway failed to handle the request"))

    # every method reaches the gateway, which answers 405 (or a CORS preflight) itself
    routes = [Route("/{path:path}", _Endpoint(gateway))]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: unrouted, Exception: failed})
    app.state.gateway = gateway
    return app

