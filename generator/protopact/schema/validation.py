"""protovalidate (``buf.validate``) rules of an Image's fields and messages.

The rules are read through the Image's own pool, so they are the ones of the ``validate.proto`` the
Image was compiled against; an Image that does not carry ``buf/validate/validate.proto`` has none.
The values are dynamic messages of that file's ``FieldRules``/``MessageRules``: callers read them
by field name, as the schema declares them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, OneofDescriptor
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message import Message

from .options import options_of

if TYPE_CHECKING:
    import protovalidate

FIELD_EXTENSION = "buf.validate.field"
MESSAGE_EXTENSION = "buf.validate.message"
ONEOF_EXTENSION = "buf.validate.oneof"
PREDEFINED_EXTENSION = "buf.validate.predefined"
# buf.validate.Ignore: the rules never apply
IGNORE_ALWAYS = 3
# pools whose validators are kept: an Image's pool lives as long as the Image, a few at a time
_VALIDATORS_KEPT = 8
_validators: OrderedDict[int, tuple[DescriptorPool, protovalidate.Validator]] = OrderedDict()


def validator_for(pool: DescriptorPool) -> protovalidate.Validator:
    """A validator of ``pool``'s messages alone. A validator remembers each message type's rules
    by its full name, so one shared across pools would judge a message by the rules of another
    pool's type of the same name (the two sides of a breaking check, a mock serving a reloaded
    tree). Pools are held (they cannot be weakly referenced) so that an id is not reused."""
    import protovalidate  # here: importing it costs every command that reads rules ~0.1 s

    kept = _validators.get(id(pool))
    if kept is not None and kept[0] is pool:
        _validators.move_to_end(id(pool))
        return kept[1]
    validator = protovalidate.Validator()
    _validators[id(pool)] = (pool, validator)
    while len(_validators) > _VALIDATORS_KEPT:
        _validators.popitem(last=False)
    return validator


def field_rules(field: FieldDescriptor) -> Message | None:
    """The ``(buf.validate.field)`` rules of ``field``, or None when it has none."""
    owner = field.containing_type  # an extension's is the message it extends
    if owner is None:
        return None
    return options_of(owner.file.pool).message(field.GetOptions(), FIELD_EXTENSION)


def message_rules(message: Descriptor) -> Message | None:
    """The ``(buf.validate.message)`` rules of ``message``, or None when it has none."""
    return options_of(message.file.pool).message(message.GetOptions(), MESSAGE_EXTENSION)


def oneof_rules(oneof: OneofDescriptor) -> Message | None:
    """The ``(buf.validate.oneof)`` rules of ``oneof`` (``required``), or None when it has none."""
    return options_of(oneof.containing_type.file.pool).message(oneof.GetOptions(), ONEOF_EXTENSION)


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
    import protovalidate

    empty = message_factory.GetMessageClass(message)()
    try:
        violations = validator_for(message.file.pool).collect_violations(empty)
    except (protovalidate.CompilationError, protovalidate.EvaluationError):
        return frozenset()  # rules that do not compile are the lint's to report
    return frozenset(v.proto.field.elements[0].field_name for v in violations
                     if v.proto.field is not None and len(v.proto.field.elements) == 1)
