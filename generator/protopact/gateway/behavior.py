"""``google.api.field_behavior`` on the REST wire, as the OpenAPI document states it.

An ``OUTPUT_ONLY`` field a request sets is cleared before the request goes upstream: AIP-203 has the
service ignore it (so that a read-modify-write round trip works), and the document marks it
``readOnly``. An ``INPUT_ONLY`` field never reaches a response, which the document marks
``writeOnly``. Messages that cannot hold a marked field, at any depth, are never walked.
"""

from __future__ import annotations

import functools

from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

from ..render.jsonschema import is_map
from ..schema.options import field_behaviors

OUTPUT_ONLY = "OUTPUT_ONLY"
INPUT_ONLY = "INPUT_ONLY"


def clear(message: Message, behavior: str) -> None:
    """Clear the fields marked ``behavior`` in ``message`` and in every message it holds."""
    if not holds_marked(message.DESCRIPTOR, behavior):
        return
    for field, value in message.ListFields():
        if behavior in field_behaviors(field):
            message.ClearField(field.name)
        elif is_map(field):
            if field.message_type.fields_by_name["value"].message_type is not None:
                for item in value.values():
                    clear(item, behavior)
        elif field.message_type is not None:
            for item in value if field.is_repeated else (value,):
                clear(item, behavior)


@functools.cache
def holds_marked(message: Descriptor, behavior: str) -> bool:
    """Whether ``message``, or a message it can hold, has a field marked ``behavior``."""
    seen, pending = set(), [message]
    while pending:
        current = pending.pop()
        if current.full_name in seen:
            continue
        seen.add(current.full_name)
        for field in current.fields:
            if behavior in field_behaviors(field):
                return True
            if field.message_type is not None:
                pending.append(field.message_type)
    return False
