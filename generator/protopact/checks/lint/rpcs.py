"""RPC rules: unary calls, and request/response types named after and used by one RPC."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ...schema import walk
from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import at, targets
from .case import pascal
from .reach import EMPTY, EMPTY_REQUEST, EMPTY_RESPONSE, RPC_TYPES, request_response_keys

_INPUT_TYPE, _OUTPUT_TYPE = (2,), (3,)


@REGISTRY.rule("RPC_NO_CLIENT_STREAMING")
def rpc_no_client_streaming(ctx: LintContext) -> Iterator[Finding]:
    """RPCs are not client streaming."""
    for file in targets(ctx):
        for method in walk.all_methods(file):
            if method.method.client_streaming:
                yield at(ctx, "RPC_NO_CLIENT_STREAMING", file, method.path,
                         f"RPC {quote(method.method.name)} is client streaming.")


@REGISTRY.rule("RPC_NO_SERVER_STREAMING")
def rpc_no_server_streaming(ctx: LintContext) -> Iterator[Finding]:
    """RPCs are not server streaming."""
    for file in targets(ctx):
        for method in walk.all_methods(file):
            if method.method.server_streaming:
                yield at(ctx, "RPC_NO_SERVER_STREAMING", file, method.path,
                         f"RPC {quote(method.method.name)} is server streaming.")


@REGISTRY.rule("RPC_REQUEST_RESPONSE_UNIQUE")
def rpc_request_response_unique(ctx: LintContext) -> Iterator[Finding]:
    """Each message is the request or response of one RPC only, so each can evolve on its own."""
    rule, options = "RPC_REQUEST_RESPONSE_UNIQUE", ctx.options
    allow_request = options.rpc_allow_google_protobuf_empty_requests
    allow_response = options.rpc_allow_google_protobuf_empty_responses
    # uses are counted over the whole module group, also when only some of its files are reported
    # on again (see LintContext.group), which may have counted them already
    uses = ctx.counts.get(RPC_TYPES.name)
    if uses is None:
        counted = ctx.image.targets if ctx.group is None else ctx.group
        uses = Counter(key for name in counted
                       for key in request_response_keys(ctx.image.by_name[name]))
    for file in targets(ctx):
        for method in walk.all_methods(file):
            request = method.method.input_type.lstrip(".")
            response = method.method.output_type.lstrip(".")
            if request == response and not options.rpc_allow_same_request_response and not (
                    request == EMPTY and allow_request and allow_response):
                yield at(ctx, rule, file, method.path,
                         f"RPC {quote(method.method.name)} has the same type {quote(request)} "
                         "for the request and response.")
            for type_name in {request, response}:
                if uses[type_name] < 2:
                    continue
                if type_name != EMPTY or not (allow_request or allow_response):
                    yield at(ctx, rule, file, method.path,
                             f"{quote(type_name)} is used as the request or response type for "
                             "multiple RPCs.")
                    continue
                for allowed, role, key, used in (
                        (allow_request, "request", EMPTY_REQUEST, request),
                        (allow_response, "response", EMPTY_RESPONSE, response)):
                    if not allowed and used == EMPTY and uses[key] > 1:
                        yield at(ctx, rule, file, method.path,
                                 f"{quote(type_name)} is used as the {role} for multiple RPCs.")


def _standard_name(ctx: LintContext, rule: str, role: str, allow_empty: bool) -> Iterator[Finding]:
    """``<Rpc><Role>`` or ``<Service><Rpc><Role>``; ``role`` is Request or Response."""
    field, path = ("input_type", _INPUT_TYPE) if role == "Request" else ("output_type", _OUTPUT_TYPE)
    for file in targets(ctx):
        for method in walk.all_methods(file):
            type_name = getattr(method.method, field).lstrip(".")
            if allow_empty and type_name == EMPTY:
                continue
            name = type_name.rsplit(".", 1)[-1]
            short = pascal(method.method.name) + role
            long = pascal(method.service.service.name) + short
            if name not in (short, long):
                yield at(ctx, rule, file, method.path + path,
                         f"RPC {role.lower()} type {quote(name)} should be named {quote(short)} "
                         f"or {quote(long)}.")


@REGISTRY.rule("RPC_REQUEST_STANDARD_NAME")
def rpc_request_standard_name(ctx: LintContext) -> Iterator[Finding]:
    """Request types are named ``<Rpc>Request`` or ``<Service><Rpc>Request``."""
    yield from _standard_name(ctx, "RPC_REQUEST_STANDARD_NAME", "Request",
                              ctx.options.rpc_allow_google_protobuf_empty_requests)


@REGISTRY.rule("RPC_RESPONSE_STANDARD_NAME")
def rpc_response_standard_name(ctx: LintContext) -> Iterator[Finding]:
    """Response types are named ``<Rpc>Response`` or ``<Service><Rpc>Response``."""
    yield from _standard_name(ctx, "RPC_RESPONSE_STANDARD_NAME", "Response",
                              ctx.options.rpc_allow_google_protobuf_empty_responses)
