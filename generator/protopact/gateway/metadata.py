"""HTTP headers ↔ gRPC metadata, for every protocol the gateway speaks (REST, gRPC-Web, Connect).

Forwarded upstream: ``Authorization``, ``Last-Event-ID`` (an SSE client's resume position) and custom
``x-`` headers, except the proxy and gRPC-Web ones. gRPC metadata must be printable ASCII, so a
header that is not answers before any call: 401 for the credentials (the token is never echoed),
400 naming any other header. An ``x-…-bin`` header carries base64, as gRPC-Web sends binary
metadata, and is forwarded as bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Collection, Iterable, Sequence

import grpc

from .status import HttpError, bad_request, gateway_error

Metadata = Sequence[tuple[str, str | bytes]]
_NOT_FORWARDED = frozenset({"x-grpc-web", "x-user-agent", "x-forwarded-for", "x-forwarded-host",
                            "x-forwarded-proto", "x-real-ip"})
_TRANSPORT = frozenset({":status", "content-type", "te", "content-length", "user-agent"})
_KEY = re.compile(r"[0-9a-z_.-]+")
_VALUE = re.compile(r"[\x20-\x7e]*")


def forwarded_metadata(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str | bytes]]:
    """The metadata sent upstream for request ``headers`` (names lower case, values as Latin-1)."""
    out: list[tuple[str, str | bytes]] = []
    for name, value in headers:
        if not (name in ("authorization", "last-event-id")
                or name.startswith("x-") and name not in _NOT_FORWARDED):
            continue
        if not _KEY.fullmatch(name):
            raise bad_request(f'The header "{name}" cannot be forwarded as gRPC metadata')
        if name.endswith("-bin"):
            out.append((name, _binary(name, value)))
        elif _VALUE.fullmatch(value):
            out.append((name, value))
        elif name == "authorization":
            raise unauthenticated("The Authorization header holds characters outside printable "
                                  "ASCII")
        else:
            raise bad_request(f'The header "{name}" holds characters outside printable ASCII')
    return out


def unauthenticated(message: str) -> HttpError:
    return gateway_error(401, grpc.StatusCode.UNAUTHENTICATED, message,
                         {"WWW-Authenticate": "Bearer"})


def _binary(name: str, value: str) -> bytes:
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(f'The header "{name}" must hold base64') from None


def metadata_headers(metadata: Iterable[tuple[str, str | bytes]] | None, prefix: str = "", *,
                     keep: Collection[str] = ()) -> list[tuple[str, str]]:
    """Upstream metadata as HTTP header pairs (binary values in base64), ``prefix`` before each
    name. Transport keys are left out, and so are gRPC's own (``grpc-…``) unless named in
    ``keep``."""
    out = []
    for key, value in metadata or ():
        if key in _TRANSPORT or key.startswith("grpc-") and key not in keep:
            continue
        text = base64.b64encode(value).decode() if isinstance(value, bytes) else value
        out.append((prefix + key, text))
    return out
