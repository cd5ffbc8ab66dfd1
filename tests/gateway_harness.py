"""A gateway in front of a recording gRPC server for any Image: the test's proto is all it needs.

Every method answers through ``behaviour(method, request, context)`` (by default an empty response);
each request is recorded with its metadata, so a test can check what the gateway sent upstream.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent import futures
from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.message import Message
from starlette.testclient import TestClient

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.gateway.app import GatewaySettings, create_app

from .conftest import WAIT, collect_garbage, write_tree

Behaviour = Callable[[Any, Message, grpc.ServicerContext], Any]


def compile_proto(root: Any, files: dict[str, str]) -> Image:
    write_tree(root, files)
    return load_input(str(root), cwd=root, cache=Cache(None)).image


def empty(method: Any, request: Message, context: grpc.ServicerContext) -> Any:
    return message_factory.GetMessageClass(method.output_type)()


class RecordingUpstream:
    def __init__(self, image: Image, behaviour: Behaviour = empty) -> None:
        self.calls: list[tuple[str, Message, dict[str, Any]]] = []
        self.behaviour = behaviour
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        for file in image.target_files():
            for service in image.pool.FindFileByName(file.name).services_by_name.values():
                self.server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
                    service.full_name, {m.name: self._handler(m) for m in service.methods})])
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    def _handler(self, method: Any) -> grpc.RpcMethodHandler:
        def handle(request: Message, context: grpc.ServicerContext) -> Any:
            self.calls.append((method.name, request, dict(context.invocation_metadata())))
            reply = self.behaviour(method, request, context)
            return iter([reply]) if method.server_streaming and isinstance(reply, Message) else reply

        make = (grpc.unary_stream_rpc_method_handler if method.server_streaming
                else grpc.unary_unary_rpc_method_handler)
        return make(handle, request_deserializer=message_factory.GetMessageClass(
            method.input_type).FromString, response_serializer=lambda m: m.SerializeToString())

    def last(self) -> tuple[str, Message, dict[str, Any]]:
        return self.calls[-1]


@contextlib.contextmanager
def gateway(image: Image, behaviour: Behaviour = empty, **settings: Any
            ) -> Iterator[tuple[TestClient, RecordingUpstream]]:
    upstream = RecordingUpstream(image, behaviour)
    upstream.server.start()
    try:
        app = create_app(image, upstream=f"127.0.0.1:{upstream.port}",
                         settings=GatewaySettings(**settings))
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, upstream
    finally:
        upstream.server.stop(None).wait(WAIT)
        collect_garbage()


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` under uvicorn on a free loopback port, in a thread: a real HTTP server's base URL."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        assert server.started, f"uvicorn did not start within {WAIT} s"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(WAIT)
        assert not thread.is_alive(), f"uvicorn did not stop within {WAIT} s"
        collect_garbage()
