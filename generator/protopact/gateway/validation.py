"""protovalidate (``buf.validate``) rules enforced on REST requests before they go upstream: a
request that breaks them is answered with the :mod:`protopact.violations` verdict as HTTP 400
(500 when the rules themselves cannot be evaluated)."""

from __future__ import annotations

from google.protobuf import json_format
from google.protobuf.message import Message

from ..violations import judge
from .status import BAD_REQUEST_TYPE, HTTP_STATUS, HttpError


def rejection(message: Message) -> HttpError | None:
    """The error to answer when ``message`` breaks its rules, or None when it keeps them."""
    verdict = judge(message)
    if verdict is None:
        return None
    body: dict[str, object] = {"code": verdict.code.value[0], "message": verdict.message}
    if verdict.bad_request is not None:
        body["details"] = [{"@type": BAD_REQUEST_TYPE,
                            **json_format.MessageToDict(verdict.bad_request)}]
    return HttpError(HTTP_STATUS[verdict.code], body)
