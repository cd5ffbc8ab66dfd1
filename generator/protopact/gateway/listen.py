"""Listening sockets for protopact's servers (the gateway, the mock's REST and gRPC sides).

Bound before a server starts, so a busy port is one clear error and exit 1, not a server's log
line, and port 0 reports the port it got. Only socket and errors are imported here: the mock probes
its gRPC port without loading the HTTP stack.
"""

from __future__ import annotations

import socket

from ..errors import ProtopactError


def bound_socket(host: str, port: int, *, serving: str) -> socket.socket:
    """A TCP socket bound to ``host:port`` for ``serving`` (e.g. "REST"); a port in use is a
    :class:`ProtopactError`. SO_REUSEADDR only: never SO_REUSEPORT, which would let a second
    server share a busy port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ProtopactError(f"cannot listen on {host}:{port} for {serving}: "
                             f"{exc.strerror or exc}") from None
    return sock
