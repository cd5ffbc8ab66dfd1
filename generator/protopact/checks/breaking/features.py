"""Resolved properties of fields, messages and enums, as buf resolves them (features included).

proto2 and proto3 files are answered from the descriptor protos directly; only Editions files go
through the Image's descriptor pool, whose ``_GetFeatures()`` resolves inherited features.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from google.protobuf import message_factory, unknown_fields
from google.protobuf.descriptor_pb2 import Edition, FeatureSet, FieldDescriptorProto

from ..findings import Finding
from .adapters import At, FieldRef, Pairing, Side, syntax

F = FieldDescriptorProto

# protoreflect.Kind names; "group" also covers Editions' delimited messages.
KIND_NAMES = {
    F.TYPE_DOUBLE: "double", F.TYPE_FLOAT: "float", F.TYPE_INT64: "int64", F.TYPE_UINT64: "uint64",
    F.TYPE_INT32: "int32", F.TYPE_FIXED64: "fixed64", F.TYPE_FIXED32: "fixed32", F.TYPE_BOOL: "bool",
    F.TYPE_STRING: "string", F.TYPE_GROUP: "group", F.TYPE_MESSAGE: "message", F.TYPE_BYTES: "bytes",
    F.TYPE_UINT32: "uint32", F.TYPE_ENUM: "enum", F.TYPE_SFIXED32: "sfixed32",
    F.TYPE_SFIXED64: "sfixed64", F.TYPE_SINT32: "sint32", F.TYPE_SINT64: "sint64",
}

EXPLICIT, IMPLICIT = "optional with explicit presence", "optional with implicit presence"
REQUIRED, REPEATED, MAP = "required", "repeated", "map"


def _editions(ref: FieldRef) -> bool:
    return syntax(ref.file) == "editions"


def kind(side: Side, ref: FieldRef) -> F.Type.ValueType:
    """The field's wire kind: TYPE_GROUP for proto2 groups and Editions' delimited messages."""
    if ref.field.type == F.TYPE_MESSAGE and _editions(ref):
        features = side.pool_field(ref)._GetFeatures()
        if features.message_encoding == FeatureSet.DELIMITED and not side.is_map(ref):
            return F.TYPE_GROUP
    return ref.field.type


def kind_name(ref: FieldRef, field_kind: F.Type.ValueType) -> str:
    if field_kind == F.TYPE_GROUP and syntax(ref.file) != "proto2":
        return "message (delimited encoding)"
    return KIND_NAMES[field_kind]


def cardinality(side: Side, ref: FieldRef) -> str:
    fd = ref.field
    if fd.label == F.LABEL_REPEATED:
        return MAP if side.is_map(ref) else REPEATED
    if _editions(ref):
        descriptor = side.pool_field(ref)
        if descriptor.is_required:
            return REQUIRED
        return EXPLICIT if descriptor.has_presence else IMPLICIT
    if fd.label == F.LABEL_REQUIRED:
        return REQUIRED
    if syntax(ref.file) == "proto2" or fd.proto3_optional or ref.oneof is not None:
        return EXPLICIT
    if fd.type in (F.TYPE_MESSAGE, F.TYPE_GROUP) or ref.is_extension:
        return EXPLICIT
    return IMPLICIT


def utf8_validation(side: Side, ref: FieldRef) -> FeatureSet.Utf8Validation.ValueType:
    if _editions(ref):
        return side.pool_field(ref)._GetFeatures().utf8_validation  # type: ignore[no-any-return]
    return FeatureSet.VERIFY if syntax(ref.file) == "proto3" else FeatureSet.NONE


# Where each declaration's children sit in its descriptor proto, by source-path field number.
_CHILDREN = {4: "message_type", 3: "nested_type", 2: "field", 6: "extension", 7: "extension"}


def _declared_features(ref: FieldRef) -> list[FeatureSet]:
    """The features set explicitly on the field, its oneof, its messages and its file, nearest
    first: the order in which an Editions feature is inherited."""
    chain: list[Any] = [ref.file]
    node: Any = ref.file
    for number, index in zip(ref.path[::2], ref.path[1::2]):
        node = getattr(node, _CHILDREN[number])[index]
        chain.append(node)
    field, parent = chain[-1], chain[-2]
    if field.HasField("oneof_index") and not field.proto3_optional:
        chain.insert(-1, parent.oneof_decl[field.oneof_index])
    return [c.options.features for c in reversed(chain) if c.options.HasField("features")]


def custom_feature(side: Side, ref: FieldRef, *, extension: int, message: str, name: str
                   ) -> int | None:
    """A language feature such as ``(pb.cpp).string_type`` as the field inherits it, or None where
    no declaration sets it (the edition's default applies). The FeatureSet extension arrives as
    an unknown field: it is read with the extension's own message type from the Image."""
    for features in _declared_features(ref):
        found = None
        for unknown in unknown_fields.UnknownFieldSet(features):  # type: ignore[attr-defined]
            if unknown.field_number == extension:
                cls = message_factory.GetMessageClass(side.image.pool.FindMessageTypeByName(message))
                value = cls.FromString(unknown.data)
                if value.HasField(name):
                    found = getattr(value, name)
        if found is not None:
            return int(found)
    return None


def edition(ref: FieldRef) -> int:
    return ref.file.edition if _editions(ref) else Edition.EDITION_LEGACY


def json_format(side: Side, element: At, *, enum: bool  # type: ignore[type-arg]
                ) -> FeatureSet.JsonFormat.ValueType:
    if syntax(element.file) == "editions":
        pool = side.image.pool
        found = (pool.FindEnumTypeByName if enum else pool.FindMessageTypeByName)(
            element.element.full_name)
        # _GetFeatures() (resolved, inherited features) is private, so the stubs leave it out.
        features: FeatureSet = cast(Any, found)._GetFeatures()
        return features.json_format
    return FeatureSet.ALLOW if syntax(element.file) == "proto3" else FeatureSet.LEGACY_BEST_EFFORT


def enum_closed(side: Side, enum: At) -> bool:  # type: ignore[type-arg]
    if syntax(enum.file) == "editions":
        return side.image.pool.FindEnumTypeByName(enum.element.full_name).is_closed  # type: ignore[no-any-return]
    return syntax(enum.file) == "proto2"


def lost_json_support(p: Pairing, rule: str, label: str, prev: At, cur: At,  # type: ignore[type-arg]
                      feature_path: tuple[int, ...], *, enum: bool) -> Iterator[Finding]:
    """buf's ``*_SAME_JSON_FORMAT``: only a change away from ``ALLOW`` breaks."""
    before = json_format(p.previous, prev, enum=enum)
    after = json_format(p.current, cur, enum=enum)
    if before == FeatureSet.ALLOW and after != FeatureSet.ALLOW:
        name = FeatureSet.JsonFormat.Name
        yield p.finding(rule, f"{label} JSON format support changed from {name(before)} to "
                        f"{name(after)}.", cur.file, cur.element.path + feature_path,
                        cur.element.path, against=prev.file)
