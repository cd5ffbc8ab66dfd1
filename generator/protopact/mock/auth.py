"""Bearer-token authentication for every API call; health and server reflection stay open.

A call must carry ``authorization: bearer <token>`` metadata: the configured token, or any non-empty
token when none is configured; otherwise it ends with UNAUTHENTICATED before its handler runs. The
token is compared in constant time and never logged, echoed or kept: rejections are logged with the
method and the reason only, and code that needs to tell clients apart gets a digest
(:func:`client_identity`). Health checks stay open so that orchestrators can probe the mock, and
reflection so that ``buf curl -H 'authorization: bearer ...'`` works as typed: buf curl sends its
``-H`` headers with the call but not with its reflection requests (that takes ``--reflect-header``),
and the schema reflection reveals is no secret of a mock.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable

import grpc

from .handlers import RefusingInterceptor

HEALTH_PREFIX = "/grpc.health.v1.Health/"
OPEN_PREFIXES = (HEALTH_PREFIX, "/grpc.reflection.v1.ServerReflection/",
                 "/grpc.reflection.v1alpha.ServerReflection/")
_log = logging.getLogger(__name__)


def bearer_token(metadata: Iterable[tuple[str, str | bytes]] | None) -> str | None:
    """The token of the call's ``authorization: bearer`` metadata, if it has one."""
    for key, value in metadata or ():
        if key.lower() == "authorization" and isinstance(value, str):
            scheme, _, token = value.strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


def client_identity(metadata: Iterable[tuple[str, str | bytes]] | None) -> str:
    """Who is calling, as a digest of the token (the token itself is not kept)."""
    return hashlib.sha256((bearer_token(metadata) or "").encode()).hexdigest()[:32]


class BearerAuth(RefusingInterceptor):
    def __init__(self, token: str | None) -> None:
        self._token = token.encode() if token else None

    def refusal(self, details: grpc.HandlerCallDetails) -> tuple[grpc.StatusCode, str] | None:
        if details.method.startswith(OPEN_PREFIXES):
            return None
        token = bearer_token(details.invocation_metadata)
        if not token:
            reason = "expected metadata `authorization: bearer TOKEN`"
        elif self._token is not None and not hmac.compare_digest(token.encode(), self._token):
            reason = "the bearer token is not the one this server accepts"
        else:
            return None
        _log.info("rejected %s: %s", details.method, reason)
        return grpc.StatusCode.UNAUTHENTICATED, reason
