"""What ``PROTOVALIDATE`` finds in one field's ``(buf.validate.field)`` rules, in buf's words.

Each problem is a path of field numbers inside ``FieldRules`` (``(14, 6)`` is ``string.pattern``),
where buf places it, and the message. Rules nested in ``repeated.items``, ``map.keys`` and
``map.values`` are checked against the item's, key's or value's type, under that base path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import FieldDescriptor

from .validate_text import cel_problems, pattern_problem

Rules = Any  # dynamic messages of the Image's validate.proto
Problem = tuple[tuple[int, ...], str]

_REQUIRED, _IGNORE, _CEL = 25, 27, 23
_REPEATED, _MAP = 18, 19
_IF_ZERO_VALUE, _ALWAYS = 1, 3
_IGNORE_NAMES = {_IF_ZERO_VALUE: "IGNORE_IF_ZERO_VALUE", _ALWAYS: "IGNORE_ALWAYS"}
_T = FieldDescriptor
# FieldRules' type rules by field number: the scalar kind they fit, and the message they fit
_SCALARS = {1: _T.TYPE_FLOAT, 2: _T.TYPE_DOUBLE, 3: _T.TYPE_INT32, 4: _T.TYPE_INT64,
            5: _T.TYPE_UINT32, 6: _T.TYPE_UINT64, 7: _T.TYPE_SINT32, 8: _T.TYPE_SINT64,
            9: _T.TYPE_FIXED32, 10: _T.TYPE_FIXED64, 11: _T.TYPE_SFIXED32, 12: _T.TYPE_SFIXED64,
            13: _T.TYPE_BOOL, 14: _T.TYPE_STRING, 15: _T.TYPE_BYTES, 16: _T.TYPE_ENUM}
_WRAPPED = {1: "FloatValue", 2: "DoubleValue", 3: "Int32Value", 4: "Int64Value", 5: "UInt32Value",
            6: "UInt64Value", 13: "BoolValue", 14: "StringValue", 15: "BytesValue"}
_MESSAGES = {**{n: f"google.protobuf.{w}" for n, w in _WRAPPED.items()},
             20: "google.protobuf.Any", 21: "google.protobuf.Duration",
             22: "google.protobuf.Timestamp", 28: "google.protobuf.FieldMask"}
_KIND_NAMES = {v: k[5:].lower() for k, v in vars(_T).items()
               if k.startswith("TYPE_") and isinstance(v, int)}
_KIND_NAMES[_T.TYPE_GROUP] = "group"


@dataclass(frozen=True)
class Scope:
    """The field under check, and where its rules sit inside ``FieldRules``."""

    field: FieldDescriptor  # the field, or a map entry's key or value
    rules_root: Any  # the FieldRules descriptor, to name rule paths
    base: tuple[int, ...] = ()
    name: str = ""  # the field's own name, for the messages
    type_name: str = ""  # the field's own type as buf names it (a map's, for its keys and values)

    def rule_name(self, *path: int) -> str:
        """buf's ``(buf.validate.field).repeated.items.string.max_len`` for ``base + path``."""
        name, fields = "(buf.validate.field)", self.rules_root
        for number in self.base + path:
            found = fields.fields_by_number.get(number)
            if found is None:
                return name
            name += "." + found.name
            if found.message_type is None:
                return name
            fields = found.message_type
        return name

    def at(self, *path: int) -> tuple[int, ...]:
        return self.base + path


def pretty_type(field: FieldDescriptor) -> str:
    """buf's name of a field's type: ``int32``, ``map<string, int32>``, ``acme.v1.Item``."""
    if field.type not in (_T.TYPE_MESSAGE, _T.TYPE_GROUP):
        return _KIND_NAMES[field.type]
    entry = field.message_type
    if entry.GetOptions().map_entry:
        return (f"map<{pretty_type(entry.fields_by_name['key'])}, "
                f"{pretty_type(entry.fields_by_name['value'])}>")
    return entry.full_name


def field_problems(field: FieldDescriptor, rules: Rules) -> Iterator[Problem]:
    scope = Scope(field, rules.DESCRIPTOR, (), field.name, pretty_type(field))
    yield from _rules(scope, rules, field, expect_repeated=field.is_repeated)


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _rules(scope: Scope, rules: Rules, field: FieldDescriptor, *,
           expect_repeated: bool) -> Iterator[Problem]:
    oneof = field.containing_oneof
    if oneof is not None and not _synthetic(field) and rules.required and not scope.base:
        yield scope.at(_REQUIRED), (
            f'Field "{scope.name}" has {scope.rule_name(_REQUIRED)} but is in a oneof '
            f"({oneof.name}). Oneof fields must not have {scope.rule_name(_REQUIRED)}.")
    yield from _flags(scope, rules, field)
    for index, text in cel_problems(rules, f'field "{scope.name}"', f'Field "{scope.name}"',
                                    scope.rule_name(_CEL)):
        yield scope.at(_CEL, index), text
    kind = rules.WhichOneof("type")
    if kind is None:
        return
    number = rules.DESCRIPTOR.fields_by_name[kind].number
    typed = getattr(rules, kind)
    if number == _MAP:
        yield from _map(scope, typed, field)
    elif number == _REPEATED:
        yield from _repeated(scope, typed, field)
    elif _fits(scope, field, number, expect_repeated):
        yield from _typed(scope, number, typed)
    elif expect_repeated:
        yield scope.at(number), (
            f'Field "{scope.name}" is of type repeated {scope.type_name} but has '
            f"{scope.rule_name(number)} rules.")
    else:
        yield scope.at(number), (
            f'Field "{scope.name}" is of type {scope.type_name} but has '
            f"{scope.rule_name(number)} rules.")


def _synthetic(field: FieldDescriptor) -> bool:
    oneof = field.containing_oneof
    return oneof is not None and getattr(oneof, "is_synthetic", False) or bool(
        getattr(field, "has_presence", False) and oneof is not None and oneof.name.startswith("_")
        and len(oneof.fields) == 1 and oneof.name == "_" + field.name)


def _fits(scope: Scope, field: FieldDescriptor, number: int, expect_repeated: bool) -> bool:
    if expect_repeated:
        return False
    if _SCALARS.get(number) == field.type:
        return True
    message = field.message_type
    return message is not None and _MESSAGES.get(number) == message.full_name


def _flags(scope: Scope, rules: Rules, field: FieldDescriptor) -> Iterator[Problem]:
    count = len(rules.ListFields())
    ignore = rules.ignore
    if ignore == _ALWAYS and count > 1:
        yield scope.at(_IGNORE), (
            f'Field "{scope.name}" has {scope.rule_name(_IGNORE)}=IGNORE_ALWAYS and therefore '
            f"other rules in {scope.rule_name()} are not applied and should be removed.")
    if rules.required and ignore == _IF_ZERO_VALUE:
        text = (f'Field "{scope.name}" has both {scope.rule_name(_REQUIRED)} and '
                f"{scope.rule_name(_IGNORE)}=IGNORE_IF_ZERO_VALUE. A field cannot be empty if it "
                "is required.")
        yield scope.at(_REQUIRED), text
        yield scope.at(_IGNORE), text
    if ignore == _IF_ZERO_VALUE and field.has_presence and not field.is_extension \
            and not scope.base:
        yield scope.at(_IGNORE), (
            f'Field "{scope.name}" has {scope.rule_name(_IGNORE)}=IGNORE_IF_ZERO_VALUE and tracks '
            "presence. This is the same as the default and the ignore option can be removed.")


def _repeated(scope: Scope, rules: Rules, field: FieldDescriptor) -> Iterator[Problem]:
    if not field.is_repeated or _is_map(field):
        yield scope.at(_REPEATED), (
            f'Field "{scope.name}" is not repeated but has {scope.rule_name(_REPEATED)} rules.')
        return
    if rules.unique and field.message_type is not None and \
            field.message_type.full_name not in {f"google.protobuf.{w}" for w in _WRAPPED.values()}:
        yield scope.at(_REPEATED, 3), (
            f'Field "{scope.name}" is of type {scope.type_name} but has '
            f"{scope.rule_name(_REPEATED, 3)} set to true, which is only allowed for scalar types "
            "and wrapper types.")
    yield from _min_max(scope, rules, _REPEATED, "min_items", "max_items")
    items = Scope(field, scope.rules_root, scope.base + (_REPEATED, 4), scope.name,
                  scope.type_name)
    if rules.HasField("items"):
        if rules.items.required:
            yield items.at(_REQUIRED), (
                f'Field "{scope.name}" has {items.rule_name(_REQUIRED)} on repeated item rules, '
                f"which is unenforceable. The {items.rule_name(_REQUIRED)} constraint cannot be "
                "applied to individual items in a repeated field.")
        yield from _rules(items, rules.items, field, expect_repeated=False)


def _map(scope: Scope, rules: Rules, field: FieldDescriptor) -> Iterator[Problem]:
    if not _is_map(field):
        yield scope.at(_MAP), (
            f'Field "{scope.name}" is not a map but has {scope.rule_name(_MAP)}.')
        return
    yield from _min_max(scope, rules, _MAP, "min_pairs", "max_pairs")
    entry = field.message_type
    for name, number, what in (("keys", 4, "key"), ("values", 5, "value")):
        if not rules.HasField(name):
            continue
        nested = Scope(entry.fields_by_name[what], scope.rules_root, scope.base + (_MAP, number),
                       scope.name, scope.type_name)
        if getattr(rules, name).required:
            yield nested.at(_REQUIRED), (
                f'Field "{scope.name}" has {nested.rule_name(_REQUIRED)} on map {what} rules, '
                f"which is unenforceable. The {nested.rule_name(_REQUIRED)} constraint cannot be "
                f"applied to map {what}s.")
        yield from _rules(nested, getattr(rules, name), entry.fields_by_name[what],
                          expect_repeated=False)


def _min_max(scope: Scope, rules: Rules, number: int, low: str, high: str) -> Iterator[Problem]:
    """buf's messages for a lower count above the upper one (items, pairs)."""
    if not (rules.HasField(low) and rules.HasField(high)):
        return
    lo, hi = getattr(rules, low), getattr(rules, high)
    if lo <= hi:
        return
    n_low = rules.DESCRIPTOR.fields_by_name[low].number
    n_high = rules.DESCRIPTOR.fields_by_name[high].number
    yield scope.at(number, n_low), (
        f'Field "{scope.name}" has value {lo} for {scope.rule_name(number, n_low)}, which must be '
        f"lower than value {hi} for {scope.rule_name(number, n_high)}.")
    yield scope.at(number, n_high), (
        f'Field "{scope.name}" has value {hi} for {scope.rule_name(number, n_high)}, which must be '
        f"higher than value {lo} for {scope.rule_name(number, n_low)}.")


def _typed(scope: Scope, number: int, rules: Rules) -> Iterator[Problem]:
    values = {f.name: v for f, v in rules.ListFields()}
    if "const" in values and len(values) > 1:
        const = rules.DESCRIPTOR.fields_by_name["const"].number
        yield scope.at(number, const), (
            f'Field "{scope.name}" has {scope.rule_name(number, const)}, therefore other rules in '
            f"{scope.rule_name(number)} are not applied and should be removed.")
    if number in (14, 15):
        yield from _lengths(scope, number, rules, "len", "min_len", "max_len")
    if number == 14:
        yield from _lengths(scope, number, rules, "len_bytes", "min_bytes", "max_bytes")
    if number in (14, 15) and "pattern" in values:
        reason = pattern_problem(values["pattern"])
        if reason is not None:
            n = rules.DESCRIPTOR.fields_by_name["pattern"].number
            yield scope.at(number, n), (
                f'Field "{scope.name}" has a {scope.rule_name(number, n)} that fails to compile: '
                f"{reason}.")
    if number <= 12 or number in (21, 22):  # numbers, durations, timestamps
        yield from _equal_bounds(scope, number, rules, values)


def _lengths(scope: Scope, number: int, rules: Rules, exact: str, low: str,
             high: str) -> Iterator[Problem]:
    fields = rules.DESCRIPTOR.fields_by_name
    has = {n: rules.HasField(n) for n in (exact, low, high)}
    if has[exact]:
        for other in (low, high):
            if has[other]:
                yield scope.at(number, fields[other].number), (
                    f'Field "{scope.name}" has {scope.rule_name(number, fields[exact].number)} and '
                    f"therefore, {scope.rule_name(number, fields[other].number)} is redundant and "
                    "should be removed.")
    yield from _min_max(scope, rules, number, low, high)
    if has[low] and has[high] and getattr(rules, low) == getattr(rules, high):
        n_low = fields[low].number
        text = (f'Field "{scope.name}" has equal {scope.rule_name(number, n_low)} and {high}, use '
                f"{scope.rule_name(number)}.{exact} instead.")
        yield scope.at(number, n_low), text
        yield scope.at(number, fields[high].number), text


def _equal_bounds(scope: Scope, number: int, rules: Rules,
                  values: dict[str, Any]) -> Iterator[Problem]:
    lower = next((n for n in ("gt", "gte") if n in values), None)
    upper = next((n for n in ("lt", "lte") if n in values), None)
    if lower is None or upper is None or _key(values[lower]) != _key(values[upper]):
        return
    fields = rules.DESCRIPTOR.fields_by_name
    low_name = scope.rule_name(number, fields[lower].number)
    high_name = scope.rule_name(number, fields[upper].number)
    if lower == "gte" and upper == "lte":
        text = (f'Field "{scope.name}" has equal {low_name} and {high_name}, use '
                f"{scope.rule_name(number)}.const instead.")
    else:
        text = (f'Field "{scope.name}" has equal {low_name} and {high_name}. All values are '
                "rejected by these checks.")
    yield scope.at(number, fields[lower].number), text
    yield scope.at(number, fields[upper].number), text


def _key(value: Any) -> Any:
    return (value.seconds, value.nanos) if hasattr(value, "nanos") else value
