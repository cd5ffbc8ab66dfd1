"""gRPC method handlers built from descriptors: the one place that knows the four call shapes.

The mock has no generated code. A behaviour is an ``async`` function (or async generator, for
server-streaming calls) taking the decoded request and the call context; :func:`method_handler`
wraps it with the dynamic message classes of the method's descriptor, and turns a :class:`CallError`
raised anywhere below into the call's status. A request that breaks its ``buf.validate`` rules
never reaches the behaviour: the call ends with the :mod:`protopact.violations` verdict.
:func:`rejecting` makes a handler of the same shape that fails every call; :class:`Refusals` answers
with one when a check refuses a call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import logging

import grpc
from google.protobuf import message_factory
from google.protobuf.message import DecodeError
from google.protobuf.descriptor import MethodDescriptor
from google.rpc import status_pb2
from grpc import HandlerCallDetails, RpcMethodHandler

from ..violations import judge

_log = logging.getLogger(__name__)


class CallError(Exception):
    """Ends a call with ``code``; ``details`` is one sentence the client sees, ``status`` the rich
    status (``grpc-status-details-bin``) when there is one."""

    def __init__(self, code: grpc.StatusCode, details: str,
                 status: status_pb2.Status | None = None) -> None:
        super().__init__(details)
        self.code = code
        self.details = details
        self.status = status

    def trailers(self) -> tuple[tuple[str, bytes], ...]:
        return () if self.status is None else (
            ("grpc-status-details-bin", self.status.SerializeToString()),)


def invalid_argument(field: str, reason: str) -> CallError:
    """A rejected request, naming the field in the path form clients see (``a.b_c``)."""
    return CallError(grpc.StatusCode.INVALID_ARGUMENT, f"{field}: {reason}")


def method_handler(method: MethodDescriptor, behaviour: Callable[..., Any], *,
                   validate: bool = True, stream_limit: int = 0) -> grpc.RpcMethodHandler:
    """A handler for ``method`` that decodes with its request class, checks the request's
    ``buf.validate`` rules unless ``validate`` is false, and runs ``behaviour``; a server stream
    ends (OK) after ``stream_limit`` messages, unless that is 0.

    grpc gets no deserializer: the handler decodes the bytes itself, so that a call is
    authenticated (:class:`Refusals` runs before any handler) before its bytes are read, and bytes
    that are no request end the call with INVALID_ARGUMENT and one log line, not grpc's UNKNOWN
    and a traceback."""
    decode = _decoder(method, validate=validate)
    response_class = message_factory.GetMessageClass(method.output_type)
    streaming = (method.client_streaming, method.server_streaming)
    behaviour = _decoding(behaviour, decode, client_streams=method.client_streaming)
    return _handler(streaming, _with_status(behaviour, streams=method.server_streaming,
                                            limit=stream_limit),
                    None, response_class.SerializeToString)


def _decoder(method: MethodDescriptor, *, validate: bool) -> Callable[[bytes], Any]:
    request_class = message_factory.GetMessageClass(method.input_type)
    path = f"/{method.containing_service.full_name}/{method.name}"

    def decode(data: bytes) -> Any:
        try:
            request = request_class.FromString(data)
        except (DecodeError, RecursionError, ValueError) as exc:
            _log.info("rejected %s: the request is not a %s (%s)", path,
                      method.input_type.full_name, str(exc).split("\n")[0])
            raise CallError(grpc.StatusCode.INVALID_ARGUMENT,
                            f"the request is not a valid {method.input_type.full_name}") from None
        if validate and (verdict := judge(request)) is not None:
            raise CallError(verdict.code, verdict.message, verdict.status())
        return request
    return decode


def _decoding(behaviour: Callable[..., Any], decode: Callable[[bytes], Any], *,
              client_streams: bool) -> Callable[..., Any]:
    if client_streams:
        async def messages(raw: AsyncIterator[bytes]) -> AsyncIterator[Any]:
            async for data in raw:
                yield decode(data)

        return lambda raw, context: behaviour(messages(raw), context)
    return lambda raw, context: behaviour(decode(raw), context)


def rejecting(handler: grpc.RpcMethodHandler, code: grpc.StatusCode, details: str) -> grpc.RpcMethodHandler:
    """A handler of ``handler``'s shape that ends every call with ``code`` before reading input."""
    streaming = (handler.request_streaming, handler.response_streaming)

    if handler.response_streaming:
        async def reject_stream(_request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            await context.abort(code, details)
            yield  # pragma: no cover  (abort raises; this line only makes a generator)
        behaviour: Callable[..., Any] = reject_stream
    else:
        async def reject(_request: Any, context: grpc.aio.ServicerContext) -> Any:
            await context.abort(code, details)
        behaviour = reject
    return _handler(streaming, behaviour, handler.request_deserializer, handler.response_serializer)


class RefusingInterceptor(grpc.aio.ServerInterceptor):
    """Lets a call through, or ends it with the status :meth:`refusal` gives, before its handler runs."""

    async def intercept_service(
        self, continuation: Callable[[HandlerCallDetails], Awaitable[RpcMethodHandler | None]],
        handler_call_details: HandlerCallDetails,
    ) -> RpcMethodHandler | None:
        return await Refusals(self).intercept_service(continuation, handler_call_details)

    def refusal(self, details: HandlerCallDetails) -> tuple[grpc.StatusCode, str] | None:
        raise NotImplementedError


class Refusals(grpc.aio.ServerInterceptor):
    """Asks each check in turn; the first refusal ends the call and later checks never see it.

    One interceptor rather than a chain: grpc.aio runs an inner interceptor inside the outer one's
    continuation, so chained checks all run before any can refuse, and a counting check (the fault
    schedule) would count calls an earlier check (authentication) refuses.
    """

    def __init__(self, *checks: RefusingInterceptor) -> None:
        self.checks = checks

    async def intercept_service(
        self, continuation: Callable[[HandlerCallDetails], Awaitable[RpcMethodHandler | None]],
        handler_call_details: HandlerCallDetails,
    ) -> RpcMethodHandler | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        for check in self.checks:
            refusal = check.refusal(handler_call_details)
            if refusal is not None:
                return rejecting(handler, *refusal)
        return handler


def _handler(streaming: tuple[bool, bool], behaviour: Callable[..., Any],
             deserializer: Callable[[bytes], Any] | None,
             serializer: Callable[[Any], bytes] | None) -> grpc.RpcMethodHandler:
    make = {
        (False, False): grpc.unary_unary_rpc_method_handler,
        (False, True): grpc.unary_stream_rpc_method_handler,
        (True, False): grpc.stream_unary_rpc_method_handler,
        (True, True): grpc.stream_stream_rpc_method_handler,
    }[streaming]
    return make(behaviour, request_deserializer=deserializer, response_serializer=serializer)


def _with_status(behaviour: Callable[..., Any], *, streams: bool, limit: int = 0
                 ) -> Callable[..., Any]:
    if streams:
        async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            responses = None
            try:
                responses, sent = behaviour(request, context), 0
                async for response in responses:
                    yield response
                    sent += 1
                    if sent == limit:
                        break
            except CallError as exc:
                await context.abort(exc.code, exc.details, exc.trailers())
            finally:
                if responses is not None:  # a stream cut short releases what it holds now
                    await responses.aclose()
        return stream

    async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await behaviour(request, context)
        except CallError as exc:
            await context.abort(exc.code, exc.details, exc.trailers())
    return unary
