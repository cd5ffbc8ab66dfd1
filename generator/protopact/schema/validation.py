"""protovalidate (``buf.validate``) rules of an Image's fields and messages.

The rules are read through the Image's own pool, so they are the ones of the ``validate.proto`` the
Image was compiled against; an Image that does not carry ``buf/validate/validate.proto`` has none.
The values are dynamic messages of that file's ``FieldRules``/``MessageRules``: callers read them
by field name, as the schema declares them.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from .options import options_of

FIELD_EXTENSION = "buf.validate.field"
MESSAGE_EXTENSION = "buf.validate.message"
# buf.validate.Ignore: the rules never apply
IGNORE_ALWAYS = 3


def field_rules(field: FieldDescriptor) -> Message | None:
    """The ``(buf.validate.field)`` rules of ``field``, or None when it has none."""
    owner = field.containing_type  # an extension's is the message it extends
    if owner is None:
        return None
    return options_of(owner.file.pool).message(field.GetOptions(), FIELD_EXTENSION)


def message_rules(message: Descriptor) -> Message | None:
    """The ``(buf.validate.message)`` rules of ``message``, or None when it has none."""
    return options_of(message.file.pool).message(message.GetOptions(), MESSAGE_EXTENSION)


def type_rules(rules: Any) -> tuple[str, Any] | None:
    """The type-specific part of a ``FieldRules`` (``("string", StringRules)`` …), if set."""
    kind = rules.WhichOneof("type")
    return (kind, getattr(rules, kind)) if kind else None


def cel_rules(rules: Any) -> list[tuple[str, str, str]]:
    """``(id, message, expression)`` of each CEL rule of a ``FieldRules`` or ``MessageRules``;
    the short ``cel_expression`` form has no id or message."""
    out = [(rule.id, rule.message, rule.expression) for rule in rules.cel]
    if "cel_expression" in rules.DESCRIPTOR.fields_by_name:
        out += [("", "", expression) for expression in rules.cel_expression]
    return out


def must_set(message: Descriptor) -> frozenset[str]:
    """Names of the fields ``message`` must set: their rules reject them unset, or at the zero value
    that ProtoJSON leaves out (``required``, but also ``min_len`` on a plain proto3 string). The
    validator itself judges an empty message, so every rule is read as it enforces it."""
    if not any(field_rules(field) for field in message.fields):
        return frozenset()
    import protovalidate  # here: importing it costs every command that reads rules ~0.1 s

    empty = message_factory.GetMessageClass(message)()
    try:
        violations = protovalidate.collect_violations(empty)
    except (protovalidate.CompilationError, protovalidate.EvaluationError):
        return frozenset()  # rules that do not compile are the lint's to report
    return frozenset(v.proto.field.elements[0].field_name for v in violations
                     if v.proto.field is not None and len(v.proto.field.elements) == 1)
