"""Errors over HTTP: ``google.rpc.Status`` JSON bodies and the gRPC → HTTP status mapping.

Every error the gateway answers with, its own or the upstream's, is a ``google.rpc.Status`` in
ProtoJSON (``code``, ``message``, ``details`` as ``Any`` with ``@type``). Details are decoded with the
Image's pool first (so the contract's own detail types, e.g. ``protopact.v1.ErrorDetail``, show as
JSON), then the default pool, which holds ``google.rpc.*`` (``BadRequest``, ``RetryInfo``,
``ErrorInfo``, ``QuotaFailure``, …); only a detail of a type neither knows keeps its base64
``value``. ``Retry-After`` (whole seconds, rounded up) comes from a ``google.rpc.RetryInfo`` or an
``ErrorDetail.retry_after`` on any error; a rate-limit answer without either says 1 second.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import any_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.message import DecodeError, Message
from google.rpc import error_details_pb2, status_pb2

HTTP_STATUS: Mapping[grpc.StatusCode, int] = {
    grpc.StatusCode.OK: 200,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
    grpc.StatusCode.UNAUTHENTICATED: 401,
}
# Without an ErrorDetail.retry_after, a client is told to wait this long before retrying.
DEFAULT_RETRY_AFTER_SECONDS = 1
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
# Detail types whose duration field says how long to wait: ProtoJSON field name by full type name.
_RETRY_DELAYS: Mapping[str, str] = {error_details_pb2.RetryInfo.DESCRIPTOR.full_name: "retryDelay",
                                    "protopact.v1.ErrorDetail": "retryAfter"}
STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class HttpError(Exception):
    """An error ready to send: HTTP status, ``google.rpc.Status`` JSON and extra headers."""

    http_status: int
    body: Mapping[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        return json.dumps(self.body, separators=(",", ":")).encode()


def bad_request(message: str, field: str = "", reason: str = "") -> HttpError:
    """400 naming the offending field (a ``google.rpc.BadRequest`` detail) when there is one, and
    why, when ``reason`` says."""
    body: dict[str, Any] = {"code": grpc.StatusCode.INVALID_ARGUMENT.value[0], "message": message}
    if field:
        violation = {"field": field, "description": message, **({"reason": reason} if reason else {})}
        body["details"] = [{"@type": BAD_REQUEST_TYPE, "fieldViolations": [violation]}]
    return HttpError(400, body)


def unencodable(message: str) -> HttpError:
    """The upstream answered with a message that has no JSON form: a bad gateway, not a bad
    request."""
    return gateway_error(502, grpc.StatusCode.INTERNAL, message)


def gateway_error(http_status: int, code: grpc.StatusCode, message: str,
                  headers: Mapping[str, str] | None = None) -> HttpError:
    return HttpError(http_status, {"code": code.value[0], "message": message}, dict(headers or {}))


def from_rpc_error(error: grpc.aio.AioRpcError, pool: descriptor_pool.DescriptorPool) -> HttpError:
    """The HTTP form of an upstream error, rich details included when the upstream sent them."""
    code = error.code()
    body: dict[str, Any] = {"code": code.value[0], "message": error.details() or ""}
    details = [_any_to_json(a, pool) for a in status_details(error.trailing_metadata() or ())]
    if details:
        body["details"] = details
    http_status = HTTP_STATUS.get(code, 500)
    headers = {}
    retry_after = _retry_after(details)
    if retry_after is not None or http_status == 429:
        headers["Retry-After"] = str(retry_after or DEFAULT_RETRY_AFTER_SECONDS)
    return HttpError(http_status, body, {**headers, **challenge(http_status)})


def challenge(http_status: int) -> dict[str, str]:
    """A 401 names the scheme its credentials take (RFC 6750), so clients know to send a bearer
    token."""
    return {"WWW-Authenticate": "Bearer"} if http_status == 401 else {}


def status_details(metadata: Iterable[tuple[str, Any]]) -> list[any_pb2.Any]:
    """The ``Any`` details of the rich status in trailing ``metadata``, if it holds one."""
    for key, value in metadata:
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
            try:
                return list(status_pb2.Status.FromString(value).details)
            except DecodeError:  # a malformed trailer from the upstream must not hide its error
                return []
    return []


def decode_detail(detail: any_pb2.Any, pool: descriptor_pool.DescriptorPool
                  ) -> tuple[Message, descriptor_pool.DescriptorPool] | None:
    """The message an ``Any`` detail holds, decoded with the Image's pool or else the default one
    (``google.rpc.*``), and the pool that knew it; ``None`` when neither does."""
    name = detail.type_url.rpartition("/")[2]
    for candidate in (pool, descriptor_pool.Default()):
        try:
            cls = message_factory.GetMessageClass(candidate.FindMessageTypeByName(name))
            return cls.FromString(detail.value), candidate
        except (KeyError, DecodeError):  # try the next pool
            continue
    return None


def detail_any(value: Mapping[str, Any], pool: descriptor_pool.DescriptorPool) -> any_pb2.Any:
    """A detail of an error body (ProtoJSON with ``@type``) back as an ``Any``."""
    for candidate in (pool, descriptor_pool.Default()):
        message = any_pb2.Any()
        try:
            json_format.ParseDict(dict(value), message, descriptor_pool=candidate)
            return message
        except json_format.Error:
            continue
    return any_pb2.Any(type_url=str(value.get("@type", "")))


def _any_to_json(detail: any_pb2.Any, pool: descriptor_pool.DescriptorPool) -> dict[str, Any]:
    decoded = decode_detail(detail, pool)
    if decoded is not None:
        with contextlib.suppress(json_format.Error):
            message, known = decoded
            return {"@type": detail.type_url,
                    **json_format.MessageToDict(message, descriptor_pool=known)}
    return {"@type": detail.type_url, "value": base64.b64encode(detail.value).decode()}


def _retry_after(details: list[dict[str, Any]]) -> int | None:
    for detail in details:
        field = _RETRY_DELAYS.get(detail["@type"].rpartition("/")[2])
        if field and isinstance(detail.get(field), str):
            return max(1, math.ceil(float(detail[field].rstrip("s"))))
    return None
