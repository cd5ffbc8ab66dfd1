"""gRPC-Web passthrough: browser framing in, HTTP/2 gRPC to the upstream, frames and trailers out.

Messages are passed through as bytes, never decoded, so any method the upstream serves works. The
request body is one length-prefixed frame (base64 for the ``-text`` variants); the response is the
upstream's initial metadata as headers, its messages as data frames, and one trailer frame holding
``grpc-status``, ``grpc-message`` and the trailing metadata (``grpc-status-details-bin`` with rich
error details, custom trailers), with the request's content type. Unary and server-streaming
methods are served; client and bidirectional streams cannot be carried by gRPC-Web over HTTP/1.1
and answer ``UNIMPLEMENTED``.
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

import grpc
from google.protobuf.descriptor import MethodDescriptor
from starlette.responses import Response, StreamingResponse

from .metadata import Metadata, metadata_headers
from .status import STATUS_DETAILS_KEY
from .validation import encoded_verdict

CONTENT_TYPES = frozenset({"application/grpc-web", "application/grpc-web+proto",
                           "application/grpc-web-text", "application/grpc-web-text+proto"})
_TRAILER_FLAG = 0x80
_COMPRESSED_FLAG = 0x01


def is_grpc_web(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in CONTENT_TYPES


class _Failure(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def frame(payload: bytes, flags: int = 0) -> bytes:
    return struct.pack(">BI", flags, len(payload)) + payload


def request_message(body: bytes, *, text: bool) -> bytes:
    """The one message of a gRPC-Web request body."""
    try:
        data = _decode_text(body) if text else body
    except (binascii.Error, ValueError):
        raise _Failure(grpc.StatusCode.INVALID_ARGUMENT, "the body is not valid base64") from None
    if len(data) < 5:
        raise _Failure(grpc.StatusCode.INVALID_ARGUMENT, "the body holds no gRPC-Web frame")
    flags, length = struct.unpack(">BI", data[:5])
    if flags & _COMPRESSED_FLAG:
        raise _Failure(grpc.StatusCode.UNIMPLEMENTED, "compressed messages are not supported")
    if flags & _TRAILER_FLAG or len(data) < 5 + length:
        raise _Failure(grpc.StatusCode.INVALID_ARGUMENT, "the body holds no complete message frame")
    return data[5:5 + length]


def _decode_text(body: bytes) -> bytes:
    # Clients may send several base64 chunks back to back, each with its own padding.
    out, chunk = bytearray(), bytearray()
    for byte in body.strip():
        chunk.append(byte)
        if len(chunk) % 4 == 0 and chunk.endswith(b"="):
            out += base64.b64decode(bytes(chunk), validate=True)
            chunk.clear()
    out += base64.b64decode(bytes(chunk), validate=True)
    return bytes(out)


def trailer(code: grpc.StatusCode, message: str, metadata: Iterable[tuple[str, Any]] = ()) -> bytes:
    """The trailer frame: status, message and the upstream's trailing metadata (rich error details
    in ``grpc-status-details-bin`` included), binary values in base64 as gRPC-Web wants them."""
    lines = [f"grpc-status:{code.value[0]}", f"grpc-message:{quote(message, safe=' ')}"]
    lines += [f"{k}:{v}" for k, v in metadata_headers(metadata, keep=(STATUS_DETAILS_KEY,))]
    return frame(("\r\n".join(lines) + "\r\n").encode(), _TRAILER_FLAG)


ChannelGetter = Callable[[], Awaitable[grpc.aio.Channel]]


async def passthrough(method: MethodDescriptor | None, body: bytes, content_type: str,
                      channel: ChannelGetter, metadata: Metadata, timeout: float | None,
                      *, validate: bool) -> Response:
    """The gRPC-Web response to ``body``: the upstream's initial metadata as headers, then its
    messages as they come, then the trailer frame. With ``validate``, a request that breaks its
    rules is refused here, its ``google.rpc.Status`` in ``grpc-status-details-bin``."""
    media = content_type.split(";")[0].strip().lower()
    text = "-text" in media
    try:
        if method is None:
            raise _Failure(grpc.StatusCode.UNIMPLEMENTED, "unknown method")
        if method.client_streaming:
            raise _Failure(grpc.StatusCode.UNIMPLEMENTED,
                           "client streaming is not available over gRPC-Web")
        request = request_message(body, text=text)
        verdict = encoded_verdict(method, request) if validate else None
        if verdict is not None:
            details = [(STATUS_DETAILS_KEY, verdict.status().SerializeToString())]
            return Response(_encoded(trailer(verdict.code, verdict.message, details), text),
                            media_type=media, headers=_NO_CACHE)
        path = f"/{method.containing_service.full_name}/{method.name}"
        upstream: Any = await channel()  # without serializers: bytes in, bytes out
        if not method.server_streaming:
            call = upstream.unary_unary(path)(request, metadata=metadata, timeout=timeout)
            reply = await call
            data = frame(reply) + trailer(grpc.StatusCode.OK, "", await call.trailing_metadata())
            return Response(_encoded(data, text), media_type=media,
                            headers=_headers(await call.initial_metadata()))
        call = upstream.unary_stream(path)(request, metadata=metadata)
        headers = _headers(await call.initial_metadata())
    except _Failure as failure:
        return Response(_encoded(trailer(failure.code, failure.message), text), media_type=media,
                        headers=_NO_CACHE)
    except grpc.aio.AioRpcError as error:
        return Response(_encoded(_error_trailer(error), text), media_type=media,
                        headers=_headers(error.initial_metadata()))

    async def frames() -> AsyncIterator[bytes]:
        try:
            async for reply in call:
                yield _encoded(frame(reply), text)
            yield _encoded(trailer(grpc.StatusCode.OK, "", await call.trailing_metadata()), text)
        except grpc.aio.AioRpcError as error:
            yield _encoded(_error_trailer(error), text)
        finally:
            call.cancel()

    return StreamingResponse(frames(), status_code=200, media_type=media, headers=headers)


def _error_trailer(error: grpc.aio.AioRpcError) -> bytes:
    return trailer(error.code(), error.details() or "", error.trailing_metadata() or ())


def _headers(initial: Iterable[tuple[str, Any]] | None) -> dict[str, str]:
    return {**_NO_CACHE, **dict(metadata_headers(initial))}


_NO_CACHE: Mapping[str, str] = {"cache-control": "no-cache"}


def _encoded(data: bytes, text: bool) -> bytes:
    return base64.b64encode(data) if text else data
