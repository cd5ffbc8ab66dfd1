"""The Connect protocol (connectrpc.com/docs/protocol) in front of a plain gRPC upstream.

A request is Connect when it goes to a method's gRPC path (``/package.Service/Method``) and says so:
a ``Connect-Protocol-Version: 1`` header, a ``application/proto`` or ``application/connect+…``
content type, or (for a method marked ``idempotency_level = NO_SIDE_EFFECTS``) a GET with
``?connect=v1``. A JSON POST without any of these stays a REST call of the method's default binding.

- Unary: the body is the message (``application/proto`` or ``application/json``, ``Content-Encoding:
  gzip`` accepted), the answer 200 with the response message, the upstream's headers as headers and
  its trailers as ``trailer-…`` headers; an error is Connect's JSON error (``code`` as a string,
  ``message``, ``details`` as ``{type, value, debug}``) with the HTTP status of its code.
- Server streaming (``application/connect+proto``/``+json``): one enveloped request message in, the
  responses enveloped out, then the end-of-stream message holding the error, if any, and the
  trailers. Client and bidirectional streams answer ``unimplemented``.
- Binary messages pass through as bytes, never decoded; JSON goes through ``json_format`` with the
  Image's pool and the REST side's rules (duplicate keys and unknown fields refused).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import json
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import any_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.descriptor_pb2 import MethodOptions
from google.protobuf.message import DecodeError
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from . import strict
from .metadata import Metadata, metadata_headers
from .status import HTTP_STATUS, HttpError, challenge, decode_detail, detail_any, status_details
from .transcode import load_json, merge_json, message_bytes
from .validation import encoded_verdict

_END_STREAM = 0x02
_COMPRESSED = 0x01
_UNARY_TYPES = {"application/proto": "proto", "application/json": "json"}
_STREAM_TYPES = {"application/connect+proto": "proto", "application/connect+json": "json"}
# A response smaller than this is sent as is even when the client accepts gzip.
_COMPRESS_FROM = 1024
ChannelGetter = Callable[[], Awaitable[grpc.aio.Channel]]


def is_connect(request: Request, method: MethodDescriptor | None) -> bool:
    if method is None:
        return False
    media = _media(request.headers.get("content-type", ""))
    if request.method == "GET":
        return request.query_params.get("connect") == "v1"
    return request.method == "POST" and (
        "connect-protocol-version" in request.headers or media in _STREAM_TYPES
        or media == "application/proto")


@dataclass(frozen=True)
class Failure(Exception):
    """A Connect error: a gRPC code, a message and ``google.protobuf.Any`` details."""

    code: grpc.StatusCode
    message: str
    details: tuple[any_pb2.Any, ...] = ()

    @classmethod
    def of(cls, error: HttpError | grpc.aio.AioRpcError, pool: descriptor_pool.DescriptorPool
           ) -> Failure:
        if isinstance(error, grpc.aio.AioRpcError):
            return cls(error.code(), error.details() or "",
                       tuple(status_details(error.trailing_metadata() or ())))
        code = next((c for c in grpc.StatusCode if c.value[0] == error.body.get("code")),
                    grpc.StatusCode.UNKNOWN)
        return cls(code, str(error.body.get("message", "")),
                   tuple(detail_any(d, pool) for d in error.body.get("details", ())))

    def json(self, pool: descriptor_pool.DescriptorPool) -> dict[str, Any]:
        body: dict[str, Any] = {"code": code_name(self.code), "message": self.message}
        if self.details:
            body["details"] = [_wire_detail(d, pool) for d in self.details]
        return body


def code_name(code: grpc.StatusCode) -> str:
    return "canceled" if code == grpc.StatusCode.CANCELLED else code.name.lower()


class ConnectHandler:
    def __init__(self, pool: descriptor_pool.DescriptorPool, channel: ChannelGetter,
                 max_body_bytes: int, timeout_seconds: float | None, checks: strict.Strict, *,
                 validate: bool) -> None:
        self.pool, self.channel, self.checks = pool, channel, checks
        self.max_body_bytes, self.timeout_seconds = max_body_bytes, timeout_seconds
        self.validate = validate

    async def handle(self, request: Request, method: MethodDescriptor, body: bytes,
                     metadata: Metadata) -> Response:
        media = _media(request.headers.get("content-type", ""))
        if media in _STREAM_TYPES:
            return await self._stream(request, method, body, metadata, _STREAM_TYPES[media])
        try:
            if method.client_streaming or method.server_streaming:
                raise Failure(grpc.StatusCode.UNIMPLEMENTED,
                              f"{method.full_name} is a stream: send application/connect+proto "
                              "or application/connect+json")
            codec, payload = self._unary_input(request, method, media, body)
            return await self._unary(request, method, codec, payload, metadata)
        except Failure as failure:
            return self._error(failure, ())

    def _unary_input(self, request: Request, method: MethodDescriptor, media: str, body: bytes
                     ) -> tuple[str, bytes]:
        if request.method == "GET":
            if method.GetOptions().idempotency_level != MethodOptions.NO_SIDE_EFFECTS:
                raise Failure(grpc.StatusCode.UNIMPLEMENTED,
                              f"{method.full_name} has side effects: call it with POST")
            query = request.query_params
            codec = query.get("encoding", "")
            text = query.get("message", "")
            if query.get("base64") == "1":
                try:
                    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
                except (binascii.Error, ValueError):
                    raise Failure(grpc.StatusCode.INVALID_ARGUMENT,
                                  "message is not base64") from None
            else:
                data = text.encode()
            return self._codec(codec), self._inflate(data, query.get("compression", "identity"))
        if media not in _UNARY_TYPES:
            raise Failure(grpc.StatusCode.UNIMPLEMENTED, f"unsupported content type {media!r}")
        encoding = request.headers.get("content-encoding", "identity")
        return _UNARY_TYPES[media], self._inflate(body, encoding)

    def _codec(self, name: str) -> str:
        if name not in ("proto", "json"):
            raise Failure(grpc.StatusCode.UNIMPLEMENTED, f"unsupported encoding {name!r}")
        return name

    def _inflate(self, data: bytes, encoding: str) -> bytes:
        if encoding in ("identity", ""):
            return data
        if encoding != "gzip":
            raise Failure(grpc.StatusCode.UNIMPLEMENTED, f"unsupported compression {encoding!r}")
        try:
            inflater = zlib.decompressobj(wbits=31)
            out = inflater.decompress(data, self.max_body_bytes + 1)
        except zlib.error:
            raise Failure(grpc.StatusCode.INVALID_ARGUMENT, "the body is not gzip") from None
        if len(out) > self.max_body_bytes:
            raise Failure(grpc.StatusCode.RESOURCE_EXHAUSTED,
                          f"the message exceeds {self.max_body_bytes} bytes")
        return out

    def _request_bytes(self, method: MethodDescriptor, codec: str, payload: bytes) -> bytes:
        """The request message in binary; a ``Failure`` when it breaks its rules (checked on
        the bytes, so both codecs get the same verdict)."""
        data = payload
        if codec != "proto":
            message = message_factory.GetMessageClass(method.input_type)()
            try:
                value = load_json(payload)
                self.checks.message(method.input_type, value)
                merge_json(message, value, self.pool)
            except HttpError as error:
                raise Failure.of(error, self.pool) from None
            data = message.SerializeToString()
        verdict = encoded_verdict(method, data) if self.validate else None
        if verdict is not None:
            raise Failure(verdict.code, verdict.message, tuple(verdict.status().details))
        return data

    def _response_bytes(self, method: MethodDescriptor, codec: str, data: bytes) -> bytes:
        if codec == "proto":
            return data
        try:
            message = message_factory.GetMessageClass(method.output_type).FromString(data)
            return message_bytes(message, self.pool)
        except DecodeError:
            raise Failure(grpc.StatusCode.INTERNAL,
                          f"the upstream's answer is not a {method.output_type.full_name}") from None
        except HttpError as error:
            raise Failure.of(error, self.pool) from None

    def _timeout(self, request: Request) -> float | None:
        text = request.headers.get("connect-timeout-ms", "")
        if not text:
            return self.timeout_seconds
        if not (text.isascii() and text.isdigit() and len(text) <= 10):
            raise Failure(grpc.StatusCode.INVALID_ARGUMENT, f"invalid Connect-Timeout-Ms {text!r}")
        seconds = int(text) / 1000
        return seconds if self.timeout_seconds is None else min(seconds, self.timeout_seconds)

    async def _unary(self, request: Request, method: MethodDescriptor, codec: str,
                     payload: bytes, metadata: Metadata) -> Response:
        upstream: Any = await self.channel()  # no serializers: bytes in, bytes out
        call = upstream.unary_unary(_path(method))(
            self._request_bytes(method, codec, payload), metadata=metadata,
            timeout=self._timeout(request))
        try:
            reply = await call
        except grpc.aio.AioRpcError as error:
            return self._error(Failure.of(error, self.pool), error.initial_metadata(),
                               error.trailing_metadata())
        body = self._response_bytes(method, codec, reply)
        headers = _headers(await call.initial_metadata(), await call.trailing_metadata())
        if len(body) >= _COMPRESS_FROM and "gzip" in request.headers.get("accept-encoding", ""):
            body = gzip.compress(body, mtime=0)
            headers["content-encoding"] = "gzip"
        return Response(body, media_type=f"application/{codec}", headers=headers)

    def error_response(self, error: HttpError) -> Response:
        """The gateway's own refusal (a body too large, a header it cannot forward) in Connect's
        form."""
        return self._error(Failure.of(error, self.pool), ())

    def _error(self, failure: Failure, initial: Any, trailing: Any = ()) -> Response:
        status = HTTP_STATUS.get(failure.code, 500)
        headers = {**_headers(initial, trailing), **challenge(status)}
        return Response(json.dumps(failure.json(self.pool)).encode(), status_code=status,
                        media_type="application/json", headers=headers)

    async def _stream(self, request: Request, method: MethodDescriptor, body: bytes,
                      metadata: Metadata, codec: str) -> Response:
        media = f"application/connect+{codec}"
        try:
            if method.client_streaming or not method.server_streaming:
                raise Failure(grpc.StatusCode.UNIMPLEMENTED,
                              f"{method.full_name} is served as a unary call or a server stream "
                              "only")
            payload = self._envelope(body, request.headers.get("connect-content-encoding", ""))
            upstream: Any = await self.channel()
            call = upstream.unary_stream(_path(method))(
                self._request_bytes(method, codec, payload), metadata=metadata,
                timeout=self._timeout(request))
            headers = dict(metadata_headers(await call.initial_metadata()))
        except Failure as failure:
            return Response(self._end(failure, ()), media_type=media)
        except grpc.aio.AioRpcError as error:
            return Response(self._end(Failure.of(error, self.pool), error.trailing_metadata()),
                            media_type=media, headers=dict(metadata_headers(error.initial_metadata())))

        async def frames() -> AsyncIterator[bytes]:
            try:
                async for reply in call:
                    yield _frame(self._response_bytes(method, codec, reply))
                yield self._end(None, await call.trailing_metadata())
            except grpc.aio.AioRpcError as error:
                yield self._end(Failure.of(error, self.pool), error.trailing_metadata())
            except Failure as failure:
                yield self._end(failure, ())
            finally:
                call.cancel()

        return StreamingResponse(frames(), media_type=media, headers=headers)

    def _envelope(self, body: bytes, encoding: str) -> bytes:
        if len(body) < 5:
            raise Failure(grpc.StatusCode.INVALID_ARGUMENT, "the body holds no enveloped message")
        flags, length = struct.unpack(">BI", body[:5])
        if len(body) != 5 + length or flags & ~_COMPRESSED:
            raise Failure(grpc.StatusCode.INVALID_ARGUMENT,
                          "the body must hold exactly one enveloped message")
        payload = body[5:]
        return self._inflate(payload, encoding or "identity") if flags & _COMPRESSED else payload

    def _end(self, failure: Failure | None, trailing: Any) -> bytes:
        end: dict[str, Any] = {}
        if failure is not None:
            end["error"] = failure.json(self.pool)
        trailers: dict[str, list[str]] = {}
        for key, value in metadata_headers(trailing):
            trailers.setdefault(key, []).append(value)
        if trailers:
            end["metadata"] = trailers
        return _frame(json.dumps(end).encode(), _END_STREAM)


def _media(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


def _frame(payload: bytes, flags: int = 0) -> bytes:
    return struct.pack(">BI", flags, len(payload)) + payload


def _headers(initial: Any, trailing: Any) -> dict[str, str]:
    return {**dict(metadata_headers(initial)), **dict(metadata_headers(trailing, "trailer-"))}


def _wire_detail(detail: any_pb2.Any, pool: descriptor_pool.DescriptorPool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": detail.type_url.rpartition("/")[2],
                           "value": base64.b64encode(detail.value).decode().rstrip("=")}
    decoded = decode_detail(detail, pool)
    if decoded is not None:
        with contextlib.suppress(json_format.Error):
            out["debug"] = json_format.MessageToDict(decoded[0], descriptor_pool=decoded[1])
    return out
