"""protovalidate's verdict on a request, in the one shape every protocol answers with.

A request that breaks its ``buf.validate`` rules gets ``INVALID_ARGUMENT`` with a
``google.rpc.BadRequest`` naming each field (its path as a client writes it: ``items[2].name``,
``labels["env"]``), the rule id and why, so a client learns everything it must correct from one
answer instead of one violation per round trip. The gateway sends it as an HTTP 400 body, the mock
as the gRPC status details (which gRPC-Web and Connect carry on unchanged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import grpc
import protovalidate
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2

from .fieldpath import field_path, summary
from .schema.validation import validator_for

#: the reason of a violation for a ``google.api.field_behavior = REQUIRED`` field left unset
FIELD_BEHAVIOR_REQUIRED = "field_behavior.required"


@dataclass(frozen=True)
class Verdict:
    """Why a request is refused: ``code`` and ``message`` of its status, and the broken fields."""

    code: grpc.StatusCode
    message: str
    bad_request: error_details_pb2.BadRequest | None = None

    def status(self) -> status_pb2.Status:
        """The ``google.rpc.Status`` (for ``grpc-status-details-bin``)."""
        details = []
        if self.bad_request is not None:
            packed = any_pb2.Any()
            packed.Pack(self.bad_request)
            details.append(packed)
        return status_pb2.Status(code=self.code.value[0], message=self.message, details=details)


def judge(message: Message, missing: Sequence[str] = ()) -> Verdict | None:
    """The refusal ``message`` deserves, or None when it keeps its rules. ``missing`` are the paths
    of fields it must set and leaves unset by another rule than its own (``google.api.field_behavior
    = REQUIRED`` on REST), reported with its violations, each field once."""
    try:
        violations = validator_for(message.DESCRIPTOR.file.pool).collect_violations(message)
    except (protovalidate.CompilationError, protovalidate.EvaluationError) as error:
        # rules the server cannot evaluate are its fault, not the client's
        return Verdict(grpc.StatusCode.INTERNAL, f"validation rules of "
                       f"{message.DESCRIPTOR.full_name} cannot be evaluated: {error}")
    fields = [error_details_pb2.BadRequest.FieldViolation(
        field=field_path(v), description=v.proto.message, reason=v.proto.rule_id)
        for v in violations]
    named = {f.field for f in fields}
    fields[:0] = [error_details_pb2.BadRequest.FieldViolation(
        field=path, description="value is required", reason=FIELD_BEHAVIOR_REQUIRED)
        for path in missing if path not in named]
    if not fields:
        return None
    said = summary(message.DESCRIPTOR.name, [(f.field, f.description) for f in fields])
    return Verdict(grpc.StatusCode.INVALID_ARGUMENT, f"invalid request: {said}",
                   error_details_pb2.BadRequest(field_violations=fields))
