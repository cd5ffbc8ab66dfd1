"""What an ``Any`` in a request may hold, and its schema: one member per type, told by ``@type``.

``json_format`` resolves an ``Any`` by the last segment of its type URL, whatever comes before it,
in the Image's descriptor pool, and skips the keys it does not read (a well-known type's keys
beside ``value``). A client generated from the document needs the payloads it may send, and the
gateway must take what the document allows and nothing else, so both hold one list
(:func:`payload_types`): the contract's messages (those of its files and of its routes, and every
message their fields reach) and the well-known types the Image holds, each under
``type.googleapis.com/<full name>``, the URL ProtoJSON printers write. The option and descriptor
types a contract imports to compile (``buf.validate``, ``google.api``, ``descriptor.proto``) are no
payloads: an ``Any`` of one is refused.

A payload is read as plain ProtoJSON: neither protovalidate nor ``field_behavior`` looks inside an
``Any``, so its schema is the message's :attr:`.Form.PAYLOAD` form (no rules, nothing required).
A well-known type with a JSON form of its own is ``{"@type": …, "value": …}``, as ProtoJSON writes
it; any other type (``google.protobuf.Empty`` too) is its fields beside ``@type``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from google.protobuf.descriptor import Descriptor

from ..compile.image import Image
from ..schema.http import HttpRoute
from .jsonschema import Form, RefFor, Schema, message_ref, message_schema, target_messages
from .wellknown import WELL_KNOWN, WRAPPERS

TYPE_URL_PREFIX = "type.googleapis.com/"
# the well-known types ProtoJSON writes in an Any as {"@type", "value"}: those with a JSON form of
# their own (Empty has none: it is an object, of no fields)
VALUE_FORM = WRAPPERS | {f"google.protobuf.{name}" for name in (
    "Any", "Duration", "Timestamp", "FieldMask", "Struct", "Value", "ListValue")}


def payload_types(image: Image, routes: Iterable[HttpRoute]) -> tuple[Descriptor, ...]:
    """The types an ``Any`` in a request may hold, sorted by full name."""
    stack = [*target_messages(image), *(m for r in routes
                                        for m in (r.method.input_type, r.method.output_type))]
    for name in sorted(WELL_KNOWN):
        try:
            stack.append(image.pool.FindMessageTypeByName(name))
        except KeyError:
            continue  # no file of the Image imports it: json_format cannot resolve it either
    seen: dict[str, Descriptor] = {}
    while stack:
        message = stack.pop()
        if message.full_name in seen:
            continue
        if not message.GetOptions().map_entry:
            seen[message.full_name] = message
        stack.extend(f.message_type for f in message.fields if f.message_type is not None)
    return tuple(seen[name] for name in sorted(seen))


def any_schema(payloads: Iterable[Descriptor], ref: RefFor, texts: Mapping[str, str]) -> Schema:
    """An ``Any`` as a request carries it: empty (set, but to nothing), or one of ``payloads``."""
    members = [_member(message, ref, texts) for message in payloads]
    return {"title": "Any", "description": (
        "A message of one of the types listed, named by `@type`. An empty object is an `Any` "
        "set to nothing."), "oneOf": [{"type": "object", "maxProperties": 0}, *members]}


def _member(message: Descriptor, ref: RefFor, texts: Mapping[str, str]) -> Schema:
    url = {"const": TYPE_URL_PREFIX + message.full_name}
    if message.full_name in VALUE_FORM:
        return {"type": "object", "title": message.name,
                "properties": {"@type": url, "value": message_ref(message, ref, Form.PAYLOAD)},
                "required": ["@type", "value"], "additionalProperties": False}
    schema = message_schema(message, ref, texts, Form.PAYLOAD)
    schema["properties"] = {"@type": url, **schema["properties"]}
    schema["required"] = ["@type"]
    return schema
