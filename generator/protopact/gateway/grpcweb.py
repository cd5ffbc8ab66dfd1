"""gRPC-Web passthrough: browser framing in, HTTP/2 gRPC to the upstream, frames and trailers out.

Messages are passed through as bytes, never decoded, so any method the upstream serves works. The
request body is one length-prefixed frame (base64 for the ``-text`` variants); the response is the
upstream's messages as data frames followed by one trailer frame holding ``grpc-status`` and
``grpc-message``, with the request's content type. Unary and server-streaming methods are served;
client and bidirectional streams cannot be carried by gRPC-Web over HTTP/1.1 and answer
``UNIMPLEMENTED``.
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import grpc
from google.protobuf.descriptor import MethodDescriptor
from starlette.responses import StreamingResponse

CONTENT_TYPES = frozenset({"application/grpc-web", "application/grpc-web+proto",
                           "application/grpc-web-text", "application/grpc-web-text+proto"})
_TRAILER_FLAG = 0x80
_COMPRESSED_FLAG = 0x01
Metadata = Sequence[tuple[str, str]]


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


def trailer(code: grpc.StatusCode, message: str) -> bytes:
    text = f"grpc-status:{code.value[0]}\r\ngrpc-message:{quote(message, safe=' ')}\r\n"
    return frame(text.encode(), _TRAILER_FLAG)


ChannelGetter = Callable[[], Awaitable[grpc.aio.Channel]]


def passthrough(method: MethodDescriptor | None, body: bytes, content_type: str,
                channel: ChannelGetter, metadata: Metadata, timeout: float | None
                ) -> StreamingResponse:
    """The gRPC-Web response to ``body``, streamed as the upstream answers."""
    media = content_type.split(";")[0].strip().lower()
    text = "-text" in media

    async def frames() -> AsyncIterator[bytes]:
        try:
            if method is None:
                raise _Failure(grpc.StatusCode.UNIMPLEMENTED, "unknown method")
            if method.client_streaming:
                raise _Failure(grpc.StatusCode.UNIMPLEMENTED,
                               "client streaming is not available over gRPC-Web")
            request = request_message(body, text=text)
            path = f"/{method.containing_service.full_name}/{method.name}"
            upstream: Any = await channel()  # without serializers: bytes in, bytes out
            if method.server_streaming:
                call = upstream.unary_stream(path)(request, metadata=metadata)
                async for reply in call:
                    yield _encoded(frame(reply), text)
            else:
                reply = await upstream.unary_unary(path)(request, metadata=metadata, timeout=timeout)
                yield _encoded(frame(reply), text)
            yield _encoded(trailer(grpc.StatusCode.OK, ""), text)
        except _Failure as failure:
            yield _encoded(trailer(failure.code, failure.message), text)
        except grpc.aio.AioRpcError as error:
            yield _encoded(trailer(error.code(), error.details() or ""), text)

    return StreamingResponse(frames(), status_code=200, media_type=media,
                             headers=_NO_CACHE)


_NO_CACHE: Mapping[str, str] = {"cache-control": "no-cache"}


def _encoded(data: bytes, text: bool) -> bytes:
    return base64.b64encode(data) if text else data
