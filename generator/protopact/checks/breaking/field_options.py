"""Breaking rules over field defaults and language-specific field encodings (C++, Java)."""

from __future__ import annotations

import codecs
import math
import struct
from collections.abc import Iterator
from decimal import Decimal

from google.protobuf.descriptor_pb2 import Edition, FeatureSet, FieldDescriptorProto, FieldOptions

from ..findings import Finding, quote
from . import REGISTRY
from .adapters import FieldRef, Pairing, Side, field_pairs, pair_rule, syntax
from .features import custom_feature, edition, utf8_validation

F = FieldDescriptorProto
DEFAULT, FIELD_OPTIONS, CTYPE = (7,), (8,), (8, 1)
CPP_STRING_TYPE_FEATURE = (8, 21, 1000, 2)  # options.features.(pb.cpp).string_type
JAVA_UTF8_FEATURE = (8, 21, 1001, 2)  # options.features.(pb.java).utf8_validation
FILE_JAVA_STRING_CHECK_UTF8 = (8, 27)
STRINGS = (F.TYPE_STRING, F.TYPE_BYTES)
FLOATS = (F.TYPE_FLOAT, F.TYPE_DOUBLE)
# A field default as buf compares it: text for strings and bytes, else a bool, int or float.
Default = str | bool | int | float


# pb.CppFeatures.StringType and pb.JavaFeatures.Utf8Validation (google/protobuf/*_features.proto)
CPP_STRING_TYPES = {1: "VIEW", 2: "CORD", 3: "STRING"}
JAVA_UTF8_VERIFY = 2


def _cpp_string_type(side: Side, ref: FieldRef) -> tuple[str, bool]:
    """(string type, is string piece): ``ctype`` where set, else the inherited
    ``(pb.cpp).string_type`` feature, else the edition's default (VIEW from Edition 2024)."""
    if ref.field.options.HasField("ctype"):
        ctype = ref.field.options.ctype
        if ctype == FieldOptions.CORD:
            return "CORD", False
        return "STRING", ctype == FieldOptions.STRING_PIECE
    if syntax(ref.file) == "editions":
        feature = custom_feature(side, ref, extension=1000, message="pb.CppFeatures",
                                 name="string_type")
        if feature is not None:
            return CPP_STRING_TYPES.get(feature, "STRING"), False
        if edition(ref) >= Edition.EDITION_2024:
            return "VIEW", False
    return "STRING", False


@pair_rule(REGISTRY.rule, "FIELD_SAME_CPP_STRING_TYPE", over=field_pairs)
def field_same_cpp_string_type(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """The C++ string type (``ctype`` or ``(pb.cpp).string_type``) changes generated C++ APIs."""
    if p.previous.in_map_entry(prev) and p.current.in_map_entry(cur):
        return
    if prev.field.type not in STRINGS or cur.field.type not in STRINGS:
        return
    (before, before_piece) = _cpp_string_type(p.previous, prev)
    (after, after_piece) = _cpp_string_type(p.current, cur)
    if (before, before_piece) == (after, after_piece) or (before_piece and after == "STRING"):
        return
    was = "STRING_PIECE" if before_piece else before
    now = "STRING_PIECE" if after_piece else after
    yield p.finding("FIELD_SAME_CPP_STRING_TYPE", f'{cur.description()} changed C++ string type from '
                    f'"{was}" to "{now}".', cur.file, cur.path + CTYPE,
                    cur.path + CPP_STRING_TYPE_FEATURE, cur.path, against=prev.file)


def _java_utf8(p: Pairing, ref: FieldRef, side_is_current: bool
               ) -> FeatureSet.Utf8Validation.ValueType:
    side = p.current if side_is_current else p.previous
    default = utf8_validation(side, ref)
    if syntax(ref.file) != "editions" or ref.file.options.HasField("java_string_check_utf8"):
        return FeatureSet.VERIFY if ref.file.options.java_string_check_utf8 else default
    java = custom_feature(side, ref, extension=1001, message="pb.JavaFeatures",
                          name="utf8_validation")
    return FeatureSet.VERIFY if java == JAVA_UTF8_VERIFY else default


@pair_rule(REGISTRY.rule, "FIELD_SAME_JAVA_UTF8_VALIDATION", over=field_pairs)
def field_same_java_utf8_validation(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """Java's UTF-8 validation (``java_string_check_utf8`` or ``(pb.java).utf8_validation``)
    decides whether Java rejects invalid strings."""
    if prev.field.type != F.TYPE_STRING or cur.field.type != F.TYPE_STRING:
        return
    before, after = _java_utf8(p, prev, False), _java_utf8(p, cur, True)
    if before != after:
        name = FeatureSet.Utf8Validation.Name
        yield p.finding("FIELD_SAME_JAVA_UTF8_VALIDATION", f"{cur.description()} changed Java string "
                        f'UTF8 validation from "{name(before)}" to "{name(after)}".', cur.file,
                        FILE_JAVA_STRING_CHECK_UTF8, cur.path + JAVA_UTF8_FEATURE, cur.path,
                        against=prev.file)


def _go_float(value: float, single: bool) -> str:
    """Go's ``%v`` of a float: shortest digits, exponent form below 1e-4 or from 1e21."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    shortest = repr(value)
    if single:
        shortest = next((c for c in (f"{value:.{n}g}" for n in range(1, 10))
                         if struct.unpack("f", struct.pack("f", float(c)))[0] == value), shortest)
    sign, digits, exp = Decimal(shortest).normalize().as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    scientific = int(exp) + len(digits) - 1
    prefix = "-" if sign else ""
    if scientific < -4 or scientific >= 21:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'+' if scientific >= 0 else '-'}{abs(scientific):02d}"
    return format(Decimal(shortest).normalize(), "f")


def _default(p: Pairing, ref: FieldRef, current: bool) -> tuple[Default, str]:
    """(comparable, printable) of a field's default as buf computes them."""
    fd, text = ref.field, ref.field.default_value
    if fd.type == F.TYPE_BYTES:
        data = codecs.escape_decode(text.encode("latin-1"))[0] if text else b""
        return data.decode("latin-1"), "[" + ",".join(f"0x{b:X}" for b in data) + "]"
    if fd.type == F.TYPE_STRING:
        return text, quote(text)
    if fd.type == F.TYPE_ENUM:
        side = p.current if current else p.previous
        enum = side.all_enums.get(fd.type_name.lstrip("."))
        values = list(enum.element.enum.value) if enum else []
        chosen = next((v for v in values if v.name == text), values[0] if values else None)
        number = chosen.number if chosen else 0
        printable = f"{enum.element.enum.name}.{chosen.name}" if enum and chosen else str(number)
        return number, printable
    if fd.type == F.TYPE_BOOL:
        return text == "true", "true" if text == "true" else "false"
    if fd.type in FLOATS:
        value = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}.get(text, None)
        value = float(text) if value is None and text else (value or 0.0)
        if fd.type == F.TYPE_FLOAT:
            value = struct.unpack("f", struct.pack("f", value))[0]
        return value, _go_float(value, fd.type == F.TYPE_FLOAT)
    number = int(text) if text else 0
    return number, str(number)


def _zero(value: object) -> bool:
    return value in ("", 0, False) and not (isinstance(value, float) and math.copysign(1, value) < 0)


def _equal(before: Default, after: Default, before_type: int, after_type: int) -> bool:
    if isinstance(before, str) or isinstance(after, str):
        return before == after
    if {before_type, after_type} == {F.TYPE_FLOAT, F.TYPE_DOUBLE}:
        pack = lambda v: struct.unpack("f", struct.pack("f", v))[0]
        b, a = pack(before), pack(after)
        return (math.isnan(b) and math.isnan(a)) or b == a
    if isinstance(before, float) and isinstance(after, float) and math.isnan(before) and math.isnan(after):
        return True
    return float(before) == float(after) if isinstance(before, float) or isinstance(after, float) \
        else int(before) == int(after)


@pair_rule(REGISTRY.rule, "FIELD_SAME_DEFAULT", over=field_pairs)
def field_same_default(p: Pairing, prev: FieldRef, cur: FieldRef) -> Iterator[Finding]:
    """A changed default changes what readers see for an unset field."""
    for ref, side in ((prev, p.previous), (cur, p.current)):
        if ref.field.label == F.LABEL_REPEATED or ref.field.type in (F.TYPE_MESSAGE, F.TYPE_GROUP):
            return
    if syntax(prev.file) == "proto3" and syntax(cur.file) == "proto3":
        return
    before, before_text = _default(p, prev, False)
    after, after_text = _default(p, cur, True)
    if _zero(before) and _zero(after):
        return
    if not _equal(before, after, prev.field.type, cur.field.type):
        found = p.finding("FIELD_SAME_DEFAULT", f"{cur.description()} changed default value from "
                          f"{before_text} to {after_text}.", cur.file, cur.path + DEFAULT, cur.path,
                          against=prev.file)
        yield _whole_default_option(p, cur, found)


def _whole_default_option(p: Pairing, cur: FieldRef, found: Finding) -> Finding:
    """protoc locates a default by its value, buf by the whole ``default = value`` option. On the
    value's line the option starts where ``default = `` would (buf format's spacing), and never
    before the option brackets' first character."""
    value = found.span
    if value is None or found.source_path != cur.path + DEFAULT:
        return found
    start = value.start_column - len("default = ")
    brackets = p.current.sources[cur.file.name].span(cur.path + FIELD_OPTIONS)
    if brackets is not None and brackets.start_line == value.start_line:
        start = max(start, brackets.start_column + 1)
    if start < 1:
        return found
    return found._replace(span=value._replace(start_column=start))
