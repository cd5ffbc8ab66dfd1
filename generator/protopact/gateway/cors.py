"""CORS for browser clients, answered by the gateway itself so that every refusal is its JSON error.

A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) from a configured
origin is answered with the methods the route at that path really serves; other headers a browser
may send are the ones the gateway reads (credentials, content type, the gRPC-Web and Connect
protocol headers) and any custom ``x-`` header, which is forwarded as metadata. An origin that is
not configured gets 403. Actual requests from a configured origin carry
``Access-Control-Allow-Origin`` and expose the headers a client needs to read errors.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .status import HttpError, gateway_error

ALLOWED_HEADERS = ("authorization", "content-type", "last-event-id", "x-grpc-web", "x-user-agent",
                   "grpc-timeout", "connect-protocol-version", "connect-timeout-ms",
                   "connect-accept-encoding", "connect-content-encoding")
EXPOSED_HEADERS = ("grpc-status", "grpc-message", "grpc-status-details-bin", "retry-after",
                   "www-authenticate")
MAX_AGE_SECONDS = 600


def is_preflight(method: str, headers: Headers) -> bool:
    return method == "OPTIONS" and "origin" in headers and (
        "access-control-request-method" in headers)


def preflight(headers: Headers, origins: Sequence[str], allowed_methods: list[str]) -> Response:
    """The answer to a preflight for a path whose routes serve ``allowed_methods``."""
    origin = headers["origin"]
    if not _allowed(origin, origins):
        raise refused(origin)
    requested = headers["access-control-request-method"].upper()
    if requested not in allowed_methods:
        raise gateway_error(405, grpc.StatusCode.UNIMPLEMENTED,
                            f"{requested} is not allowed here",
                            {"Allow": ", ".join(allowed_methods), **_origin_headers(origin)})
    wanted = [h.strip().lower() for h in headers.get("access-control-request-headers", "").split(",")
              if h.strip()]
    allowed = [*ALLOWED_HEADERS, *(h for h in wanted if h.startswith("x-") and h not in ALLOWED_HEADERS)]
    return Response(status_code=204, headers={
        **_origin_headers(origin),
        "Access-Control-Allow-Methods": ", ".join(allowed_methods),
        "Access-Control-Allow-Headers": ", ".join(allowed),
        "Access-Control-Max-Age": str(MAX_AGE_SECONDS)})


def refused(origin: str) -> HttpError:
    return gateway_error(403, grpc.StatusCode.PERMISSION_DENIED,
                         f"Cross-origin requests from {origin} are not allowed")


def _allowed(origin: str, origins: Sequence[str]) -> bool:
    return "*" in origins or origin in origins


def _origin_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


class CorsHeaders:
    """ASGI middleware: the CORS headers of an actual (not preflight) cross-origin request."""

    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self.app, self.origins = app, tuple(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = Headers(scope=scope).get("origin") if scope["type"] == "http" else None
        if origin is None or not _allowed(origin, self.origins):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _origin_headers(origin).items():
                    headers.setdefault(name, value)
                headers.setdefault("Access-Control-Expose-Headers", ", ".join(EXPOSED_HEADERS))
            await send(message)

        await self.app(scope, receive, with_headers)
