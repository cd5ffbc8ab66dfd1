"""The REST gateway in front of the mock: protopact's gateway app, served by uvicorn.

The socket is bound before uvicorn starts (:func:`protopact.gateway.serve.bound_socket`), so a busy
port is one clear error and port 0 reports the port it got. Leaving the context stops uvicorn
gracefully.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import uvicorn

from ..compile.image import Image
from ..errors import ProtopactError
from ..gateway.app import GatewaySettings, create_app
from ..gateway.listen import bound_socket


@contextlib.asynccontextmanager
async def rest_gateway(image: Image, *, host: str, port: int, upstream: str,
                       validate: bool = True) -> AsyncIterator[int]:
    """Serve the gateway for ``image`` on ``host:port``, calling ``upstream``; yields the port.
    ``validate``: refuse requests that break their buf.validate rules before calling upstream."""
    sock = bound_socket(host, port, serving="REST")
    server = uvicorn.Server(uvicorn.Config(create_app(image, upstream=upstream,
                                                      settings=GatewaySettings(validate=validate)),
                                           log_level="warning", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if task.done():
            raise ProtopactError(f"the REST gateway on {host}:{port} did not start")
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
        sock.close()
