"""Breaking rules over services and RPCs: deletion, request/response types, streaming, idempotency."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.descriptor_pb2 import FileDescriptorProto, MethodOptions

from ...schema import walk
from ..engine import BreakingContext
from ..findings import Finding
from . import REGISTRY
from .adapters import At, Pairing, file_pairs, method_pairs, pair_rule, pairing, service_pairs

Method = At[walk.MethodAt]
Service = At[walk.ServiceAt]
INPUT_TYPE, OUTPUT_TYPE = (2,), (3,)
IDEMPOTENCY_LEVEL = (4, 34)  # options.idempotency_level


@pair_rule(REGISTRY.rule, "SERVICE_NO_DELETE", over=file_pairs)
def service_no_delete(p: Pairing, prev: FileDescriptorProto, cur: FileDescriptorProto
                      ) -> Iterator[Finding]:
    """A deleted service breaks every client of it."""
    after = {s.name for s in cur.service}
    for i, service in enumerate(prev.service):
        if service.name not in after:
            yield p.finding("SERVICE_NO_DELETE",
                            f'Previously present service "{service.name}" was deleted from file.',
                            cur, against=prev, against_path=(walk.FILE_SERVICE, i))


@REGISTRY.rule("PACKAGE_SERVICE_NO_DELETE")
def package_service_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """A service deleted from its package (not merely moved to another file) breaks its clients."""
    p = pairing(context)
    for package, prev_files in p.previous.packages.items():
        cur_files = p.current.packages.get(package)
        if cur_files is None:
            continue
        after = {s.name for f in cur_files for s in f.service}
        for prev in prev_files:
            for i, service in enumerate(prev.service):
                if service.name in after:
                    continue
                text = (f'Previously present service "{service.name}" was deleted from package '
                        f'"{package}".')
                cur = p.current.files.get(prev.name)
                deleted = (walk.FILE_SERVICE, i)
                if cur is None:
                    yield Finding("PACKAGE_SERVICE_NO_DELETE", text, "", against_file=prev.name,
                                  against_path=deleted)
                else:
                    yield p.finding("PACKAGE_SERVICE_NO_DELETE", text, cur, against=prev,
                                    against_path=deleted)


@pair_rule(REGISTRY.rule, "RPC_NO_DELETE", over=service_pairs)
def rpc_no_delete(p: Pairing, prev: Service, cur: Service) -> Iterator[Finding]:
    """A deleted RPC breaks every client that calls it."""
    after = {m.name for m in cur.element.service.method}
    for i, method in enumerate(prev.element.service.method):
        if method.name not in after:
            yield p.finding("RPC_NO_DELETE",
                            f'Previously present RPC "{method.name}" on service '
                            f'"{cur.element.service.name}" was deleted.',
                            cur.file, cur.element.path, against=prev.file,
                            against_path=prev.element.path + (walk.SERVICE_METHOD, i))


def _rpc(m: Method) -> str:
    return f'RPC "{m.element.method.name}" on service "{m.element.service.service.name}"'


@pair_rule(REGISTRY.rule, "RPC_SAME_CLIENT_STREAMING", over=method_pairs)
def rpc_same_client_streaming(p: Pairing, prev: Method, cur: Method) -> Iterator[Finding]:
    """Switching between unary and streaming requests changes the call's shape."""
    yield from _streaming(p, "RPC_SAME_CLIENT_STREAMING", "client", prev, cur,
                          prev.element.method.client_streaming, cur.element.method.client_streaming)


@pair_rule(REGISTRY.rule, "RPC_SAME_SERVER_STREAMING", over=method_pairs)
def rpc_same_server_streaming(p: Pairing, prev: Method, cur: Method) -> Iterator[Finding]:
    """Switching between unary and streaming responses changes the call's shape."""
    yield from _streaming(p, "RPC_SAME_SERVER_STREAMING", "server", prev, cur,
                          prev.element.method.server_streaming, cur.element.method.server_streaming)


def _streaming(p: Pairing, rule: str, side: str, prev: Method, cur: Method, before: bool,
               after: bool) -> Iterator[Finding]:
    if before != after:
        was, now = ("unary", "streaming") if after else ("streaming", "unary")
        yield p.finding(rule, f"{_rpc(cur)} changed from {side} {was} to {side} {now}.",
                        cur.file, cur.element.path, against=prev.file)


@pair_rule(REGISTRY.rule, "RPC_SAME_REQUEST_TYPE", over=method_pairs)
def rpc_same_request_type(p: Pairing, prev: Method, cur: Method) -> Iterator[Finding]:
    """A new request type breaks every client that sends the old one."""
    yield from _same_type(p, "RPC_SAME_REQUEST_TYPE", "request", prev.element.method.input_type,
                          cur.element.method.input_type, prev, cur, INPUT_TYPE)


@pair_rule(REGISTRY.rule, "RPC_SAME_RESPONSE_TYPE", over=method_pairs)
def rpc_same_response_type(p: Pairing, prev: Method, cur: Method) -> Iterator[Finding]:
    """A new response type breaks every client that reads the old one."""
    yield from _same_type(p, "RPC_SAME_RESPONSE_TYPE", "response", prev.element.method.output_type,
                          cur.element.method.output_type, prev, cur, OUTPUT_TYPE)


def _same_type(p: Pairing, rule: str, what: str, before: str, after: str, prev: Method, cur: Method,
               where: tuple[int, ...]) -> Iterator[Finding]:
    before, after = before.lstrip("."), after.lstrip(".")
    if before != after:
        yield p.finding(rule, f'{_rpc(cur)} changed {what} type from "{before}" to "{after}".',
                        cur.file, cur.element.path + where, against=prev.file)


@pair_rule(REGISTRY.rule, "RPC_SAME_IDEMPOTENCY_LEVEL", over=method_pairs)
def rpc_same_idempotency_level(p: Pairing, prev: Method, cur: Method) -> Iterator[Finding]:
    """The idempotency level decides whether clients may retry and use GET: changing it breaks
    them."""
    before = prev.element.method.options.idempotency_level
    after = cur.element.method.options.idempotency_level
    if before != after:
        name = MethodOptions.IdempotencyLevel.Name
        yield p.finding("RPC_SAME_IDEMPOTENCY_LEVEL",
                        f'{_rpc(cur)} changed option "idempotency_level" from "{name(before)}" to '
                        f'"{name(after)}".', cur.file, cur.element.path + IDEMPOTENCY_LEVEL,
                        against=prev.file)
