"""protovalidate (``buf.validate``) rules enforced on requests before they go upstream.

A request that breaks its rules is answered 400 (``INVALID_ARGUMENT``) with a
``google.rpc.BadRequest`` naming each field, its rule id and why, so a client learns everything it
must correct from one answer instead of one violation per round trip.
"""

from __future__ import annotations

from typing import Any

import grpc
import protovalidate
from google.protobuf.message import Message

from .status import BAD_REQUEST_TYPE, HttpError

_VALIDATOR = protovalidate.Validator()


def _path(violation: Any) -> str:
    """The field path as a client writes it: ``items[2].name``, ``labels["env"]``."""
    field = violation.proto.field
    if field is None:
        return ""  # a message-level rule
    parts = []
    for element in field.elements:
        part, subscript = element.field_name, element.subscript
        if subscript is not None:
            value = subscript.value
            part += f'["{value}"]' if subscript.field == "string_key" else f"[{value}]"
        parts.append(part)
    return ".".join(parts)


def rejection(message: Message) -> HttpError | None:
    """The 400 to answer when ``message`` breaks its rules, or None when it keeps them."""
    try:
        violations = _VALIDATOR.collect_violations(message)
    except (protovalidate.CompilationError, protovalidate.EvaluationError) as error:
        # rules the server cannot evaluate are its fault, not the client's
        return HttpError(500, {"code": grpc.StatusCode.INTERNAL.value[0],
                               "message": f"validation rules of {message.DESCRIPTOR.full_name} "
                                          f"cannot be evaluated: {error}"})
    if not violations:
        return None
    fields = [{"field": _path(v), "description": v.proto.message, "reason": v.proto.rule_id}
              for v in violations]
    summary = "; ".join(f"{f['field'] or message.DESCRIPTOR.name}: {f['description']}"
                        for f in fields)
    return HttpError(400, {"code": grpc.StatusCode.INVALID_ARGUMENT.value[0],
                           "message": f"invalid request: {summary}",
                           "details": [{"@type": BAD_REQUEST_TYPE, "fieldViolations": fields}]})
