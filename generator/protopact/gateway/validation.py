"""protovalidate (``buf.validate``) rules enforced on requests before they go upstream, whatever
the protocol and whatever serves upstream (a plain gRPC server checks nothing): a REST request that
breaks them is answered with the :mod:`protopact.violations` verdict as HTTP 400 (500 when the rules
themselves cannot be evaluated); gRPC-Web and Connect requests get the same verdict in their own
error forms (see :mod:`.grpcweb`, :mod:`.connect`).

A REST request is also held to ``google.api.field_behavior = REQUIRED`` (:mod:`.required`), which
the OpenAPI document states and the REST mapping therefore keeps; its missing fields join the same
verdict. gRPC-Web and Connect carry the gRPC contract unchanged, where REQUIRED is documentation the
service itself enforces (AIP-203): they get the answer the upstream gives, as a gRPC client would."""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import DecodeError, Message

from ..violations import Verdict, judge
from .status import BAD_REQUEST_TYPE, HTTP_STATUS, HttpError


def rejection(message: Message, missing: Sequence[str] = ()) -> HttpError | None:
    """The error to answer when ``message`` breaks its rules or leaves the ``missing`` REQUIRED
    fields unset, or None when it does neither."""
    verdict = judge(message, missing)
    if verdict is None:
        return None
    body: dict[str, object] = {"code": verdict.code.value[0], "message": verdict.message}
    if verdict.bad_request is not None:
        body["details"] = [{"@type": BAD_REQUEST_TYPE,
                            **json_format.MessageToDict(verdict.bad_request)}]
    return HttpError(HTTP_STATUS[verdict.code], body)


def encoded_verdict(method: MethodDescriptor, data: bytes) -> Verdict | None:
    """The verdict on a request message as it arrived in binary (gRPC-Web, Connect); bytes that
    are no such message are the upstream's to refuse, as they would be without the check."""
    try:
        message = message_factory.GetMessageClass(method.input_type).FromString(data)
    except DecodeError:
        return None
    return judge(message)
