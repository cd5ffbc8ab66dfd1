"""Breaking rules over fields and extensions: deletion, name, JSON name, type, cardinality, oneof,
and the options and features that change their encoding or generated code."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.descriptor_pb2 import FeatureSet, FieldDescriptorProto, FieldOptions

from ...schema import walk
from ..engine import BreakingContext
from ..findings import Finding, quote
from . import REGISTRY, advice
from .adapters import At, FieldRef, Pairing, field_pairs, message_pairs, pair_rule, pairing
from .deletions import deleted_from_file, deleted_from_package, extension_index
from .features import (
    EXPLICIT,
    IMPLICIT,
    MAP,
    REPEATED,
    REQUIRED,
    cardinality,
    kind,
    kind_name,
    utf8_validation,
)

F = FieldDescriptorProto
Message = At[walk.MessageAt]
NAME, TYPE, TYPE_NAME, JSON_NAME, JSTYPE = (1,), (5,), (6,), (10,), (8, 6)
UTF8_FEATURE = (8, 21, 4)  # options.features.utf8_validation

WIRE_GROUPS = {
    F.TYPE_INT32: 1, F.TYPE_INT64: 1, F.TYPE_UINT32: 1, F.TYPE_UINT64: 1, F.TYPE_BOOL: 1,
    F.TYPE_SINT32: 2, F.TYPE_SINT64: 2, F.TYPE_STRING: 3, F.TYPE_BYTES: 4, F.TYPE_FIXED32: 5,
    F.TYPE_SFIXED32: 5, F.TYPE_FIXED64: 6, F.TYPE_SFIXED64: 6, F.TYPE_DOUBLE: 7, F.TYPE_FLOAT: 8,
    F.TYPE_GROUP: 9, F.TYPE_MESSAGE: 10, F.TYPE_ENUM: 11,
}
WIRE_JSON_GROUPS = {
    F.TYPE_INT32: 1, F.TYPE_UINT32: 1, F.TYPE_INT64: 2, F.TYPE_UINT64: 2, F.TYPE_FIXED32: 3,
    F.TYPE_SFIXED32: 3, F.TYPE_FIXED64: 4, F.TYPE_SFIXED64: 4, F.TYPE_BOOL: 5, F.TYPE_SINT32: 6,
    F.TYPE_SINT64: 7, F.TYPE_STRING: 8, F.TYPE_BYTES: 9, F.TYPE_DOUBLE: 10, F.TYPE_FLOAT: 11,
    F.TYPE_GROUP: 12, F.TYPE_MESSAGE: 13, F.TYPE_ENUM: 14,
}
CARDINALITY_WIRE = {EXPLICIT: 1, IMPLICIT: 1, REQUIRED: 2, REPEATED: 3, MAP: 3}
CARDINALITY_WIRE_JSON = {EXPLICIT: 1, IMPLICIT: 1, REQUIRED: 2, REPEATED: 3, MAP: 4}
UPDATING = ("See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire "
            "compatibility rules")
JSON_RULES = "https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules"
NAMED_KINDS = (F.TYPE_MESSAGE, F.TYPE_ENUM, F.TYPE_GROUP)
INT64_KINDS = (F.TYPE_INT64, F.TYPE_SINT64, F.TYPE_UINT64, F.TYPE_FIXED64, F.TYPE_SFIXED64)


# -- deletion ---------------------------------------------------------------------------------
def _field_deletions(p: Pairing, rule: str, prev: Message, cur: Message, *,
                     number_reserved: bool = False, name_reserved: bool = False
                     ) -> Iterator[Finding]:
    after = {f.number for f in cur.element.message.field}
    message = cur.element.message
    for number, ref in p.previous.fields(prev).items():
        if number in after:
            continue
        suffix = ""
        if number_reserved:
            if any(r.start <= number < r.end for r in message.reserved_range):
                continue
            suffix = f' without reserving the number "{number}"'
        if name_reserved:
            if ref.field.name in message.reserved_name:
                continue
            suffix = f' without reserving the name "{ref.field.name}"'
        description = ref.description()
        yield p.finding(rule, f"Previously present {description[0].lower()}{description[1:]} was "
                        f"deleted{suffix}.", cur.file, cur.element.path, against=prev.file,
                        against_path=ref.path, advice=advice.deleted_field(ref, message))


@pair_rule(REGISTRY.rule, "FIELD_NO_DELETE", over=message_pairs)
def field_no_delete(p: Pairing, prev: Message, cur: Message) -> Iterator[Finding]:
    """A deleted field breaks the code that uses it; its number and name may later be reused."""
    yield from _field_deletions(p, "FIELD_NO_DELETE", prev, cur)


@pair_rule(REGISTRY.rule, "FIELD_NO_DELETE_UNLESS_NAME_RESERVED", over=message_pairs)
def field_no_delete_unless_name_reserved(p: Pairing, prev: Message, cur: Message
                                         ) -> Iterator[Finding]:
    """A deleted field's name must be reserved, so JSON never changes meaning."""
    yield from _field_deletions(p, "FIELD_NO_DELETE_UNLESS_NAME_RESERVED", prev, cur,
                                name_reserved=True)


@pair_rule(REGISTRY.rule, "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", over=message_pairs)
def field_no_delete_unless_number_reserved(p: Pairing, prev: Message, cur: Message
                                           ) -> Iterator[Finding]:
    """A deleted field's number must be reserved, so the wire never changes meaning."""
    yield from _field_deletions(p, "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", prev, cur,
                                number_reserved=True)


@REGISTRY.rule("EXTENSION_NO_DELETE")
def extension_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """A deleted extension breaks the code that sets or reads it."""
    yield from deleted_from_file(pairing(context), "EXTENSION_NO_DELETE", "extension",
                                 extension_index)


@REGISTRY.rule("PACKAGE_EXTENSION_NO_DELETE")
def package_extension_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """An extension deleted from its package (not merely moved to another file) breaks its users."""
    yield from deleted_from_package(pairing(context), "PACKAGE_EXTENSION_NO_DELETE", "extension",
                                    extension_index)


# -- names --------------------------------------------------------------------------------------
@pair_rule(REGISTRY.rule, "FIELD_SAME_NAME", over=field_pairs)
def field_same_name(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """Renaming a field breaks generated code and JSON."""
    before = prev.full_name if prev.is_extension else prev.field.name
    after = cur.full_name if cur.is_extension else cur.field.name
    if before != after:
        yield p.finding("FIELD_SAME_NAME", f'{cur.description(with_name=False)} changed name from '
                        f'"{before}" to "{after}".', cur.file, cur.path + NAME, against=prev.file)


def json_name(field: FieldDescriptorProto) -> str:
    if field.HasField("json_name"):
        return field.json_name
    head, *rest = field.name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@pair_rule(REGISTRY.rule, "FIELD_SAME_JSON_NAME", over=field_pairs)
def field_same_json_name(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """A new JSON name breaks every JSON client of the field."""
    if prev.is_extension:
        return
    before, after = json_name(prev.field), json_name(cur.field)
    if before != after:
        yield p.finding("FIELD_SAME_JSON_NAME", f'{cur.description()} changed option "json_name" '
                        f"from {quote(before)} to {quote(after)}.", cur.file, cur.path + JSON_NAME, cur.path,
                        against=prev.file)


@pair_rule(REGISTRY.rule, "FIELD_SAME_ONEOF", over=field_pairs)
def field_same_oneof(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """Moving a field into, out of or between oneofs changes which fields exclude each other."""
    if prev.is_extension or (prev.oneof is None and cur.oneof is None):
        return
    if prev.oneof is not None and cur.oneof is not None:
        if prev.oneof.name != cur.oneof.name:
            # buf's message has a stray "q" after the field description; kept for parity.
            yield p.finding("FIELD_SAME_ONEOF", f'{cur.description()}q moved from oneof '
                            f'"{prev.oneof.name}" to oneof "{cur.oneof.name}".', cur.file, cur.path,
                            against=prev.file)
        return
    was, now = ("outside", "inside") if cur.oneof is not None else ("inside", "outside")
    yield p.finding("FIELD_SAME_ONEOF", f"{cur.description()} moved from {was} to {now} a oneof.",
                    cur.file, cur.path, against=prev.file)


# -- cardinality ------------------------------------------------------------------------------
def _cardinality_rule(rule: str, groups: dict[str, int] | None):  # type: ignore[no-untyped-def]
    def check(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
        if p.previous.in_map_entry(prev) and p.current.in_map_entry(cur):
            return
        before, after = cardinality(p.previous, prev), cardinality(p.current, cur)
        changed = before != after if groups is None else groups[before] != groups[after]
        if changed:
            yield p.finding(rule, f'{cur.description()} changed cardinality from "{before}" to '
                            f'"{after}".', cur.file, cur.path, against=prev.file)
    return check


field_same_cardinality = pair_rule(REGISTRY.rule, "FIELD_SAME_CARDINALITY", over=field_pairs)(
    _cardinality_rule("FIELD_SAME_CARDINALITY", None))
field_same_cardinality.__doc__ = "Changing repeated, map, required or presence changes the API."
field_wire_compatible_cardinality = pair_rule(
    REGISTRY.rule, "FIELD_WIRE_COMPATIBLE_CARDINALITY", over=field_pairs)(
    _cardinality_rule("FIELD_WIRE_COMPATIBLE_CARDINALITY", CARDINALITY_WIRE))
field_wire_json_compatible_cardinality = pair_rule(
    REGISTRY.rule, "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", over=field_pairs)(
    _cardinality_rule("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", CARDINALITY_WIRE_JSON))


# -- types ----------------------------------------------------------------------------------------
def _changed_type(p: Pairing, rule: str, prev: FieldRef, cur: FieldRef, before: F.Type.ValueType,
                  after: F.Type.ValueType, extra: str = "") -> Finding:
    where = cur.path + (TYPE_NAME if after in NAMED_KINDS else TYPE)
    return p.finding(rule, f'{cur.description()} changed type from "{kind_name(prev, before)}" to '
                     f'"{kind_name(cur, after)}".{extra}', cur.file, where, against=prev.file,
                     advice=advice.changed_type(prev, cur))


def _changed_type_name(p: Pairing, rule: str, prev: FieldRef, cur: FieldRef) -> Finding:
    return p.finding(rule, f'{cur.description()} changed type from "{prev.field.type_name.lstrip(".")}"'
                     f' to "{cur.field.type_name.lstrip(".")}".', cur.file, cur.path + TYPE_NAME,
                     against=prev.file, advice=advice.changed_type(prev, cur))


def _same_enum(p: Pairing, prev: FieldRef, cur: FieldRef) -> bool:
    """buf's wire check for enums: same short name and every baseline value still present."""
    before = p.previous.all_enums.get(prev.field.type_name.lstrip("."))
    after = p.current.all_enums.get(cur.field.type_name.lstrip("."))
    if before is None or after is None or before.element.enum.name != after.element.enum.name:
        return False
    values = {(v.name, v.number) for v in after.element.enum.value}
    return all((v.name, v.number) in values for v in before.element.enum.value)


@pair_rule(REGISTRY.rule, "FIELD_SAME_TYPE", over=field_pairs)
def field_same_type(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """Changing a field's type changes its wire and JSON encoding and its generated code."""
    before, after = kind(p.previous, prev), kind(p.current, cur)
    if before != after:
        yield _changed_type(p, "FIELD_SAME_TYPE", prev, cur, before, after)
    elif cur.field.type in NAMED_KINDS and prev.field.type_name != cur.field.type_name:
        yield _changed_type_name(p, "FIELD_SAME_TYPE", prev, cur)


@pair_rule(REGISTRY.rule, "FIELD_WIRE_COMPATIBLE_TYPE", over=field_pairs)
def field_wire_compatible_type(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """A type change is allowed only when the wire encoding stays compatible."""
    rule = "FIELD_WIRE_COMPATIBLE_TYPE"
    before, after = kind(p.previous, prev), kind(p.current, cur)
    if WIRE_GROUPS[before] != WIRE_GROUPS[after]:
        if before == F.TYPE_STRING and after == F.TYPE_BYTES:
            return
        extra = f" {UPDATING}."
        if before == F.TYPE_BYTES and after == F.TYPE_STRING:
            extra += (" Note that while string and bytes are compatible if the data is valid UTF-8, "
                      "there is no way to enforce that a bytes field is UTF-8, so these fields may be "
                      "incompatible.")
        yield _changed_type(p, rule, prev, cur, before, after, extra)
    else:
        yield from _named_type_change(p, rule, prev, cur)


@pair_rule(REGISTRY.rule, "FIELD_WIRE_JSON_COMPATIBLE_TYPE", over=field_pairs)
def field_wire_json_compatible_type(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """A type change is allowed only when both the wire and the JSON encoding stay compatible."""
    rule = "FIELD_WIRE_JSON_COMPATIBLE_TYPE"
    before, after = kind(p.previous, prev), kind(p.current, cur)
    if WIRE_JSON_GROUPS[before] != WIRE_JSON_GROUPS[after]:
        yield _changed_type(p, rule, prev, cur, before, after, f" {UPDATING} and {JSON_RULES}.")
    else:
        yield from _named_type_change(p, rule, prev, cur)


def _named_type_change(p: Pairing, rule: str, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    if prev.field.type_name == cur.field.type_name:
        return
    if cur.field.type == F.TYPE_ENUM:
        if not _same_enum(p, prev, cur):
            yield _changed_type_name(p, rule, prev, cur)
    elif cur.field.type in (F.TYPE_MESSAGE, F.TYPE_GROUP):
        yield _changed_type_name(p, rule, prev, cur)


@pair_rule(REGISTRY.rule, "FIELD_SAME_JSTYPE", over=field_pairs)
def field_same_jstype(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """``jstype`` decides whether JavaScript sees a 64-bit integer as a number or a string."""
    if prev.field.type not in INT64_KINDS or cur.field.type not in INT64_KINDS:
        return
    before, after = prev.field.options.jstype, cur.field.options.jstype
    if before != after:
        name = FieldOptions.JSType.Name
        yield p.finding("FIELD_SAME_JSTYPE", f'{cur.description()} changed option "jstype" from '
                        f'"{name(before)}" to "{name(after)}".', cur.file, cur.path + JSTYPE,
                        cur.path, against=prev.file)


@pair_rule(REGISTRY.rule, "FIELD_SAME_UTF8_VALIDATION", over=field_pairs)
def field_same_utf8_validation(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """Changing UTF-8 validation makes one side reject strings the other accepts."""
    if prev.field.type != F.TYPE_STRING or cur.field.type != F.TYPE_STRING:
        return
    before, after = utf8_validation(p.previous, prev), utf8_validation(p.current, cur)
    if before != after:
        name = FeatureSet.Utf8Validation.Name
        yield p.finding("FIELD_SAME_UTF8_VALIDATION", f"{cur.description()} changed UTF8 validation "
                        f"from {name(before)} to {name(after)}.", cur.file, cur.path + UTF8_FEATURE,
                        cur.path, against=prev.file)
