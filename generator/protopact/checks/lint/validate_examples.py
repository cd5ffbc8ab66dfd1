"""``PROTOVALIDATE``'s check of ``example`` values: each must satisfy the rules of its own field.

As buf does it: a message of the field's declaring type gets the field set to the example alone (an
item of a repeated field, a key or value of a map), the validator judges it, and each violation of
that field is a finding naming the rule. Values read as Go's ``%v`` prints them; a Duration or
Timestamp example, which buf prints as a Go pointer (an address that changes from run to run), is
shown in text format instead.
"""

from __future__ import annotations

import struct
from decimal import Decimal
from collections.abc import Iterator
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor

from ...schema.validation import validator_for
from ..findings import quote
from .validate_typed import Problem, Scope, go_text

_WRAPPERS = frozenset(f"google.protobuf.{w}" for w in (
    "FloatValue", "DoubleValue", "Int32Value", "Int64Value", "UInt32Value", "UInt64Value",
    "BoolValue", "StringValue", "BytesValue"))


def example_problems(scope: Scope, rules: Any, number: int, typed: Any) -> Iterator[Problem]:
    """Findings for the ``example`` values of ``typed`` (the type rules numbered ``number`` in
    ``rules``) that the field's rules refuse."""
    examples = list(getattr(typed, "example", ()))
    message, field = scope.message, scope.field
    if not examples or message is None or field.is_extension:
        return
    if not rules.cel and all(f.name == "example" for f, _ in typed.ListFields()):
        return  # nothing to satisfy
    import protovalidate  # here: importing it costs every lint run ~0.1 s

    validator = validator_for(message.file.pool)
    example_number = typed.DESCRIPTOR.fields_by_name["example"].number
    cls = message_factory.GetMessageClass(message)
    for index, value in enumerate(examples):
        instance = cls()
        _set(instance, scope, value)
        try:
            violations = validator.collect_violations(instance)
        except protovalidate.CompilationError:
            return  # rules that do not compile are reported by the CEL checks
        except (protovalidate.EvaluationError, ValueError, TypeError):
            return
        for violation in violations:
            if _about(violation.proto, scope):
                yield scope.at(number, example_number, index), (
                    f'"{_shown(value, scope)}" is an example value but does not satisfy rule '
                    f"{quote(violation.proto.rule_id or '')}: {violation.proto.message or ''}")


def _set(instance: Any, scope: Scope, value: Any) -> None:
    field, map_field = scope.field, scope.map_field
    if map_field is not None:
        entries = getattr(instance, map_field.name)
        key_field = map_field.message_type.fields_by_name["key"]
        value_field = map_field.message_type.fields_by_name["value"]
        if field.name == "key":
            key = value
            if value_field.message_type is None:
                entries[key] = value_field.default_value
            else:
                entries[key].SetInParent()
        else:
            key = key_field.default_value
            if value_field.message_type is None:
                entries[key] = value
            else:
                entries[key].MergeFromString(value.SerializeToString())
        return
    if field.is_repeated:
        items = getattr(instance, field.name)
        if field.message_type is None:
            items.append(value)
        else:
            _fill(items.add(), field, value)
        return
    if field.message_type is None:
        setattr(instance, field.name, value)
    else:
        _fill(getattr(instance, field.name), field, value)


def _fill(target: Any, field: FieldDescriptor, value: Any) -> None:
    if field.message_type.full_name in _WRAPPERS:
        target.value = value
    else:
        target.MergeFromString(value.SerializeToString())


def _about(violation: Any, scope: Scope) -> bool:
    """Whether ``violation`` is about the field (buf's filter on the violation's field path)."""
    path = violation.field
    if path is None or len(path.elements) != 1:
        return False
    element = path.elements[0]
    subscript = element.subscript
    if scope.map_field is not None:
        if element.field_number != scope.map_field.number or subscript is None \
                or subscript.field == "index":
            return False
        return bool(violation.for_key) == (scope.field.name == "key")
    if element.field_number != scope.field.number:
        return False
    if scope.field.is_repeated:
        return subscript is not None and subscript.field == "index"
    return subscript is None


def _shown(value: Any, scope: Scope) -> str:
    """``value`` as Go's ``%v`` prints it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, bytes):
        return "[" + " ".join(str(b) for b in value) + "]"
    if isinstance(value, float):
        single = scope.field.type == FieldDescriptor.TYPE_FLOAT or (
            scope.field.message_type is not None
            and scope.field.message_type.full_name == "google.protobuf.FloatValue")
        return go_float(value, single=single)
    if hasattr(value, "seconds"):
        return go_text(value)
    return str(value)


def go_float(value: float, *, single: bool = False) -> str:
    """Go's ``%v`` of a float64 (or of a float32 when ``single``): its shortest form, in exponent
    form below 1e-4 and from 1e21."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    digits = repr(value)
    if single:
        packed = struct.pack("<f", value)
        digits = next((t for t in (f"{value:.{p}g}" for p in range(1, 10)) if _packs(t, packed)),
                      digits)
    exact = Decimal(digits)
    power = exact.adjusted()
    if -4 <= power < 21:
        plain = format(exact, "f")
        return plain.rstrip("0").rstrip(".") if "." in plain else plain
    significant = format(exact.normalize(), "e").partition("e")[0]
    return f"{significant}e{power:+03d}"


def _packs(text: str, packed: bytes) -> bool:
    try:
        return struct.pack("<f", float(text)) == packed
    except OverflowError:
        return False
