"""Running the gateway under uvicorn, with the access log on stderr as JSON lines.

The socket is bound before uvicorn starts (:func:`.listen.bound_socket`), so a busy port is one
clear error and exit 1, not a server log line.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import uvicorn

from ..compile.image import Image
from ..errors import ProtopactError
from ..schema.http import HttpSettings
from .app import ACCESS_LOG, GatewaySettings, create_app
from .listen import bound_socket


def serve(image: Image, *, upstream: str, host: str, port: int, max_body_bytes: int,
          cors_origins: tuple[str, ...], default_bindings: bool, validate: bool,
          announce: Callable[[str], None]) -> None:
    """Serve until interrupted; a malformed ``upstream`` or a busy port is a one-line error."""
    name, _, port_text = upstream.rpartition(":")
    if not name or not port_text.isdigit():
        raise ProtopactError(f"--upstream {upstream!r}: expected HOST:PORT")
    settings = GatewaySettings(max_body_bytes=max_body_bytes, cors_origins=cors_origins,
                               http=HttpSettings(default_bindings=default_bindings),
                               validate=validate)
    app = create_app(image, upstream=upstream, settings=settings)
    sock = bound_socket(host, port, serving="the gateway")
    handler = logging.StreamHandler(sys.stderr)
    ACCESS_LOG.addHandler(handler)
    ACCESS_LOG.setLevel(logging.INFO)
    ACCESS_LOG.propagate = False
    announce(f"gateway on http://{host}:{sock.getsockname()[1]} -> grpc://{upstream}")
    # uvicorn's own access log prints query strings, which may carry secrets; ours does not.
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="warning"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
