"""The gateway as an ASGI app: every HTTP binding of an Image, plus gRPC-Web, in front of one upstream.

``create_app`` builds a Starlette app that needs no generated code: requests are transcoded with the
Image's descriptor pool and sent over one lazily created ``grpc.aio`` channel (the factory is
injectable, e.g. for TLS or tests). Guarantees:

- routes are matched most specific first (more literal segments), then in declaration order; a path
  that matches with another verb answers 405 with ``Allow``, an unknown path 404;
- success statuses follow :meth:`HttpRoute.success_status` (201 creating POST, 204 empty, else 200);
  errors are ``google.rpc.Status`` JSON with the mapped HTTP status; bad input is a 4xx, never a 5xx;
- server streams are Server-Sent Events when ``Accept`` asks for ``text/event-stream`` (the event's
  ack id as the SSE ``id``; ``Last-Event-ID`` is forwarded as ``last-event-id`` metadata) and
  newline-delimited JSON otherwise; an error after the first message ends the stream with an SSE
  ``error`` event or a ``{"error": Status}`` line;
- ``Authorization`` and ``x-*`` headers are forwarded as gRPC metadata; bodies over
  ``max_body_bytes`` answer 413; one JSON access-log line per request, without headers, query
  strings or bodies, so no credential reaches the log.
"""

from __future__ import annotations

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
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from ..compile.image import Image
from ..schema.http import DEFAULT_SETTINGS, HttpRoute, HttpSettings, http_routes
from . import grpcweb
from .pathtemplate import CompiledTemplate, compile_template
from .status import HttpError, from_rpc_error, gateway_error
from .transcode import Transcoder, ack_id_of, encode_json

ACCESS_LOG = logging.getLogger("protopact.gateway.access")
ChannelFactory = Any  # Callable[[str], grpc.aio.Channel]; grpc has no public type for it
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_NOT_FORWARDED = frozenset({"x-grpc-web", "x-user-agent", "x-forwarded-for", "x-forwarded-host",
                            "x-forwarded-proto", "x-real-ip"})


@dataclass(frozen=True, kw_only=True)
class GatewaySettings:
    max_body_bytes: int = 1 << 20
    timeout_seconds: float | None = 30.0  # deadline of unary upstream calls
    cors_origins: tuple[str, ...] = ()
    http: HttpSettings = DEFAULT_SETTINGS


@dataclass(frozen=True)
class _Entry:
    matcher: CompiledTemplate
    route: HttpRoute
    transcoder: Transcoder


class Gateway:
    """Routing and upstream calls; one instance per app."""

    def __init__(self, image: Image, upstream: str, channel_factory: ChannelFactory,
                 settings: GatewaySettings) -> None:
        self.pool = image.pool
        self.settings = settings
        self._upstream, self._channel_factory = upstream, channel_factory
        self._channel: grpc.aio.Channel | None = None
        routes = http_routes(image, settings=settings.http)
        entries = [_Entry(compile_template(r.binding.path_template), r, Transcoder(r, self.pool))
                   for r in routes]
        self.entries = sorted(entries, key=lambda e: -e.matcher.literal_count)  # stable
        self.methods = {}  # gRPC path -> method, for gRPC-Web
        for file in image.target_files():
            for service in self.pool.FindFileByName(file.name).services_by_name.values():
                for method in service.methods:
                    self.methods[f"/{service.full_name}/{method.name}"] = method

    async def channel(self) -> grpc.aio.Channel:
        # Created on first use, inside the server's event loop, which grpc.aio binds to.
        if self._channel is None:
            self._channel = self._channel_factory(self._upstream)
        return self._channel

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    def find(self, verb: str, raw_path: str) -> tuple[_Entry, dict[str, str]]:
        allowed = []
        for entry in self.entries:
            values = entry.matcher.match(raw_path)
            if values is None:
                continue
            if entry.route.binding.verb == verb:
                return entry, values
            allowed.append(entry.route.binding.verb)
        if allowed:
            raise gateway_error(405, grpc.StatusCode.UNIMPLEMENTED, f"{verb} is not allowed here",
                                {"Allow": ", ".join(sorted(set(allowed)))})
        raise gateway_error(404, grpc.StatusCode.NOT_FOUND, f"No route for {verb} {raw_path}")

    async def handle(self, request: Request) -> Response:
        try:
            content_type = request.headers.get("content-type", "")
            if request.method == "POST" and grpcweb.is_grpc_web(content_type):
                body = await _read_body(request, self.settings.max_body_bytes)
                return grpcweb.passthrough(self.methods.get(request.url.path), body, content_type,
                                           self.channel, forwarded_metadata(request),
                                           self.settings.timeout_seconds)
            raw_path = request.scope.get("raw_path", b"").decode("latin-1").split("?")[0]
            entry, values = self.find(request.method, raw_path or request.url.path)
            if content_type and "json" not in content_type.lower():
                raise gateway_error(415, grpc.StatusCode.INVALID_ARGUMENT,
                                    f"Unsupported content type {content_type}; send JSON")
            body = await _read_body(request, self.settings.max_body_bytes)
            message = entry.transcoder.request(values, request.query_params.multi_items(), body)
            if entry.route.server_streaming:
                return await self._stream(entry, message, request)
            return await self._unary(entry, message, request)
        except HttpError as error:
            return _error_response(error)

    async def _unary(self, entry: _Entry, message: Message, request: Request) -> Response:
        call = (await self.channel()).unary_unary(
            entry.route.grpc_path, request_serializer=_serialize,
            response_deserializer=entry.transcoder.response_class.FromString)
        try:
            reply = await call(message, metadata=forwarded_metadata(request),
                               timeout=self.settings.timeout_seconds)
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error, self.pool) from None
        status = entry.route.success_status()
        if status == 204:
            return Response(status_code=204)
        body = encode_json(entry.transcoder.response_json(reply))
        return Response(body, status_code=status, media_type="application/json")

    async def _stream(self, entry: _Entry, message: Message, request: Request) -> Response:
        call = (await self.channel()).unary_stream(
            entry.route.grpc_path, request_serializer=_serialize,
            response_deserializer=entry.transcoder.response_class.FromString
        )(message, metadata=forwarded_metadata(request))
        replies = call.__aiter__()
        try:  # wait for the first message, so that an early error gets its own HTTP status
            first: Message | None = await replies.__anext__()
        except StopAsyncIteration:
            first = None
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error, self.pool) from None
        sse = "text/event-stream" in request.headers.get("accept", "")
        encode = _sse_event if sse else _ndjson_line

        async def body() -> AsyncIterator[bytes]:
            reply = first
            try:
                while reply is not None:
                    yield encode(entry.transcoder, reply)
                    try:
                        reply = await replies.__anext__()
                    except StopAsyncIteration:
                        reply = None
            except grpc.aio.AioRpcError as error:
                status = from_rpc_error(error, self.pool).content()
                yield (b"event: error\ndata: " + status + b"\n\n" if sse
                       else b'{"error":' + status + b"}\n")
            finally:
                call.cancel()

        media = "text/event-stream" if sse else "application/x-ndjson"
        return StreamingResponse(body(), media_type=media, headers={"cache-control": "no-cache"})


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()


def _sse_event(transcoder: Transcoder, reply: Message) -> bytes:
    ack_id = ack_id_of(reply).replace("\n", "")
    head = f"id: {ack_id}\n".encode() if ack_id else b""
    return head + b"data: " + encode_json(transcoder.response_json(reply)) + b"\n\n"


def _ndjson_line(transcoder: Transcoder, reply: Message) -> bytes:
    return encode_json(transcoder.response_json(reply)) + b"\n"


def forwarded_metadata(request: Request) -> list[tuple[str, str]]:
    """Request headers passed upstream: credentials, resume position and custom ``x-`` headers."""
    out = []
    for name, value in request.headers.items():
        if name in ("authorization", "last-event-id") or (
                name.startswith("x-") and name not in _NOT_FORWARDED):
            out.append((name, value))
    return out


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


def _error_response(error: HttpError) -> Response:
    return Response(error.content(), status_code=error.http_status, media_type="application/json",
                    headers=dict(error.headers))


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
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=_METHODS,
            allow_headers=["authorization", "content-type", "x-grpc-web", "x-user-agent",
                           "grpc-timeout", "last-event-id"],
            expose_headers=["grpc-status", "grpc-message", "retry-after"]))
    async def unrouted(request: Request, exc: Exception) -> Response:
        # Starlette's catch-all cannot match a path holding a decoded newline; answer as for
        # any unknown path, in the gateway's own error model.
        return _error_response(gateway_error(404, grpc.StatusCode.NOT_FOUND,
                                             f"No route for {request.method} {request.url.path}"))

    routes = [Route("/{path:path}", gateway.handle, methods=_METHODS)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: unrouted})
    app.state.gateway = gateway
    return app

