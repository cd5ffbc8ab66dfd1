"""What ``PROTOVALIDATE`` finds in one field's ``(buf.validate.field)`` rules, in buf's words.

Each problem is a path of field numbers inside ``FieldRules`` (``(14, 6)`` is ``string.pattern``),
where buf places it, and the message. Rules nested in ``repeated.items``, ``map.keys`` and
``map.values`` are checked against the item's, key's or value's type, under that base path.
"""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.descriptor import FieldDescriptor

from .validate_examples import example_problems
from .validate_cel import cel_problems, field_type
from .validate_typed import Problem, Rules, Scope, min_max, typed_problems

_REQUIRED, _IGNORE, _CEL, _CEL_EXPRESSION = 25, 27, 23, 29
_REPEATED, _MAP = 18, 19
_IF_ZERO_VALUE, _ALWAYS = 1, 3
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
    scope = Scope(field, rules.DESCRIPTOR, (), field.name, pretty_type(field),
                  None if field.is_extension else field.containing_type)
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
    if field.is_extension:
        yield from _extension(scope, rules)
    yield from _flags(scope, rules, field)
    for at, text in cel_problems(rules, field_type(field, items=not expect_repeated),
                                 field.file.pool, f'field "{scope.name}"', f'Field "{scope.name}"',
                                 scope.rule_name(_CEL), short_name=scope.rule_name(_CEL_EXPRESSION)):
        yield scope.at(*at), text
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
        yield from example_problems(scope, rules, number, typed)
        yield from typed_problems(scope, number, typed)
    elif expect_repeated:
        yield scope.at(number), (
            f'Field "{scope.name}" is of type repeated {scope.type_name} but has '
            f"{scope.rule_name(number)} rules.")
    else:
        yield scope.at(number), (
            f'Field "{scope.name}" is of type {scope.type_name} but has '
            f"{scope.rule_name(number)} rules.")


def _extension(scope: Scope, rules: Rules) -> Iterator[Problem]:
    """Rules about presence that an extension, never part of its message's own fields, cannot
    take."""
    if rules.required:
        yield scope.at(_REQUIRED), (f'Field "{scope.name}" is an extension field and cannot have '
                                    f"{scope.rule_name(_REQUIRED)}.")
    if rules.ignore == _IF_ZERO_VALUE:
        yield scope.at(_IGNORE), (f'Field "{scope.name}" is an extension field and cannot have '
                                  f"{scope.rule_name(_IGNORE)}=IGNORE_IF_ZERO_VALUE.")


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
    yield from min_max(scope, rules, _REPEATED, "min_items", "max_items")
    items = Scope(field, scope.rules_root, scope.base + (_REPEATED, 4), scope.name,
                  scope.type_name, scope.message)
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
    yield from min_max(scope, rules, _MAP, "min_pairs", "max_pairs")
    entry = field.message_type
    for name, number, what in (("keys", 4, "key"), ("values", 5, "value")):
        if not rules.HasField(name):
            continue
        nested = Scope(entry.fields_by_name[what], scope.rules_root, scope.base + (_MAP, number),
                       scope.name, scope.type_name, scope.message, field)
        if getattr(rules, name).required:
            yield nested.at(_REQUIRED), (
                f'Field "{scope.name}" has {nested.rule_name(_REQUIRED)} on map {what} rules, '
                f"which is unenforceable. The {nested.rule_name(_REQUIRED)} constraint cannot be "
                f"applied to map {what}s.")
        yield from _rules(nested, getattr(rules, name), entry.fields_by_name[what],
                          expect_repeated=False)
