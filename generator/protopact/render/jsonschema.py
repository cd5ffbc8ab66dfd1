"""JSON Schema (2020-12) of the ProtoJSON mapping, one schema per message, built as data.

The schemas accept what ``google.protobuf.json_format.MessageToDict`` produces and the alternative
forms its parser takes (integers as numbers or decimal strings, enums by name or number, floats as
numbers or numeric strings): properties under their ``json_name``; 64-bit integers printed as
decimal strings; enums printed by name; bytes as base64;
``float``/``double`` as numbers or ``"NaN"``/``"Infinity"``/``"-Infinity"``; the well-known types in
their special forms (``Timestamp`` RFC 3339, ``Duration`` ``"1.5s"``, wrappers as their bare value,
``FieldMask`` a comma-separated string, ``Struct``/``Value``/``ListValue`` free JSON, ``Any`` an
object with ``@type``); maps as objects; proto3 ``optional`` fields and wrappers are nullable, since
``null`` is how a client says "not set". The well-known types are inlined; every other message is a
``$ref`` whose target the caller chooses (``#/components/schemas/…`` in OpenAPI, a sibling file for
the standalone schemas), so one function serves both. Output is deterministic: properties follow field
declaration order and type lists are sorted by full name.
"""

from __future__ import annotations

import copy
import enum
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.descriptor_pb2 import DescriptorProto, FileDescriptorProto

from ..compile.image import Image
from ..schema.options import field_behaviors
from ..schema.validation import field_rules, message_rules, must_set, oneof_rules
from .constraints import (
    INTEGER_RANGES,
    SERVER_RULES,
    ZERO_TEXT,
    base64_pattern,
    container_keywords,
    integer_pattern,
    merge,
    rules_text,
    server_rules,
    value_keywords,
)
from .dumps import json_text
from .wellknown import ANY, PRINTED_SPECIAL, SPECIAL_TYPES, WELL_KNOWN, WRAPPERS

Schema = dict[str, Any]
# a message's full name and the form it is described in -> the reference to its schema ("": none,
# the schema is inline)
RefFor = Callable[[str, "Form"], str]
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# json_format prints 32-bit integers as numbers and 64-bit ones as decimal strings, but parses
# either form for both, so each schema accepts both with its printed form first. It parses a
# decimal string with leading zeros, or "-0", within the type's range: the pattern says exactly that.
def _integer(kind: str, *, text_first: bool) -> Schema:
    low, high = INTEGER_RANGES[kind]
    number = {"type": "integer", "format": kind, "minimum": low, "maximum": high}
    text = {"type": "string", **({"format": kind} if text_first else {}),
            "pattern": integer_pattern(low, high)}
    return {"anyOf": [text, number] if text_first else [number, text]}


_INT32 = _integer("int32", text_first=False)
_UINT32 = _integer("uint32", text_first=False)
_INT64 = _integer("int64", text_first=True)
_UINT64 = _integer("uint64", text_first=True)
#: the largest finite float (32-bit); json_format refuses a number beyond it for a float field
FLOAT_MAX = float.fromhex("0x1.fffffep+127")
#: a float's words, and the text of a number in a string: a JSON number, as ProtoJSON reads one
FLOAT_WORDS = ("NaN", "Infinity", "-Infinity")
FLOAT_TEXT = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$"


# Printed as a number or "NaN"/"Infinity"/"-Infinity"; a number in a string is accepted too, within
# the type's range, which no pattern can hold (the exponent and the digits' count add up), so the
# string form says it by its format and in words, and the gateway checks it.
def _float(bits: int, *, printed: bool) -> Schema:
    number: Schema = {"type": "number"}
    if bits == 32:
        number.update(minimum=-FLOAT_MAX, maximum=FLOAT_MAX)
    forms = [number, {"enum": list(FLOAT_WORDS)}]
    if not printed:
        kind = "float" if bits == 32 else "double"
        forms.append({"type": "string", "format": kind, "pattern": FLOAT_TEXT,
                      "description": f"A number within the {kind} range."})
    return {"anyOf": forms}


_FLOAT, _DOUBLE = _float(32, printed=False), _float(64, printed=False)
_T = FieldDescriptor
_SCALARS: Mapping[int, Schema] = {
    _T.TYPE_INT32: _INT32, _T.TYPE_SINT32: _INT32, _T.TYPE_SFIXED32: _INT32,
    _T.TYPE_UINT32: _UINT32, _T.TYPE_FIXED32: _UINT32,
    _T.TYPE_INT64: _INT64, _T.TYPE_SINT64: _INT64, _T.TYPE_SFIXED64: _INT64,
    _T.TYPE_UINT64: _UINT64, _T.TYPE_FIXED64: _UINT64,
    _T.TYPE_FLOAT: _FLOAT, _T.TYPE_DOUBLE: _DOUBLE,
    _T.TYPE_BOOL: {"type": "boolean"},
    _T.TYPE_STRING: {"type": "string"},
    _T.TYPE_BYTES: {"type": "string", "contentEncoding": "base64", "pattern": base64_pattern()},
}
# What json_format prints, no more: 32-bit integers as numbers, 64-bit ones as strings.
_PRINTED: Mapping[int, Schema] = {
    **_SCALARS,
    **{t: _INT32["anyOf"][0] for t in (_T.TYPE_INT32, _T.TYPE_SINT32, _T.TYPE_SFIXED32)},
    **{t: _UINT32["anyOf"][0] for t in (_T.TYPE_UINT32, _T.TYPE_FIXED32)},
    **{t: {"type": "string", "format": "int64", "pattern": "^-?[0-9]+$"}
       for t in (_T.TYPE_INT64, _T.TYPE_SINT64, _T.TYPE_SFIXED64)},
    **{t: {"type": "string", "format": "uint64", "pattern": "^[0-9]+$"}
       for t in (_T.TYPE_UINT64, _T.TYPE_FIXED64)},
    _T.TYPE_FLOAT: _float(32, printed=True), _T.TYPE_DOUBLE: _float(64, printed=True),
    # standard base64 with its padding
    _T.TYPE_BYTES: {"type": "string", "contentEncoding": "base64",
                    "pattern": "^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"},
}
_MAP_KEY_PATTERNS: Mapping[int, str] = {
    **{t: _INT32["anyOf"][1]["pattern"] for t in (_T.TYPE_INT32, _T.TYPE_SINT32, _T.TYPE_SFIXED32)},
    **{t: _UINT32["anyOf"][1]["pattern"] for t in (_T.TYPE_UINT32, _T.TYPE_FIXED32)},
    **{t: _INT64["anyOf"][0]["pattern"] for t in (_T.TYPE_INT64, _T.TYPE_SINT64, _T.TYPE_SFIXED64)},
    **{t: _UINT64["anyOf"][0]["pattern"] for t in (_T.TYPE_UINT64, _T.TYPE_FIXED64)},
    _T.TYPE_BOOL: "^(true|false)$",
}


class Form(enum.Enum):
    """The side of the wire a schema describes."""

    #: what json_format prints and what it parses: the standalone schemas
    ANY = "any"
    #: what a request may carry: every form the parser takes, ``null`` for any field (it clears
    #: the field), the required fields; OUTPUT_ONLY fields ``readOnly`` (the gateway ignores them)
    REQUEST = "request"
    #: exactly what the printer writes: one form per value, never ``null`` or a required field
    #: (a field at its default is left out), no INPUT_ONLY field
    RESPONSE = "response"
    #: the resource of a partial update (AIP-134): a REQUEST whose REQUIRED fields are required
    #: only where the update mask reaches, which the body cannot say, so none is; one that is
    #: present is set (neither ``null`` nor its zero value, which would clear it), and a message
    #: holding REQUIRED fields is not ``{}`` (which replaces it whole). Lists and maps are replaced
    #: whole: their values are REQUEST forms.
    UPDATE = "update"
    #: a message inside an ``Any`` of a request: every form the parser takes and ``null``, but no
    #: rule and nothing required, since neither protovalidate nor ``field_behavior`` looks inside
    #: an ``Any`` (see :mod:`.anyschema`)
    PAYLOAD = "payload"


#: the forms of what a client sends
REQUESTS = frozenset({Form.REQUEST, Form.UPDATE, Form.PAYLOAD})
#: the forms that hold protovalidate's rules and REQUIRED fields
_RULED = frozenset(Form) - {Form.PAYLOAD}
REQUIRED = "REQUIRED"


def is_inlined(message: Descriptor) -> bool:
    """Well-known types with a special JSON form are inlined rather than referenced (but for an
    ``Any`` in a request, see :func:`message_ref`)."""
    return message.full_name in WELL_KNOWN


def is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def is_proto3_optional(field: FieldDescriptor) -> bool:
    """A scalar with explicit presence outside a real oneof: ``null``/omitted differs from zero."""
    oneof = field.containing_oneof
    synthetic = oneof is not None and len(oneof.fields) == 1 and oneof.name == "_" + field.name
    return (field.has_presence and field.type != _T.TYPE_MESSAGE and not field.is_repeated
            and (oneof is None or synthetic))


def _nullable(schema: Schema) -> Schema:
    kind = schema.get("type")
    if isinstance(kind, str) and "enum" not in schema:
        return {**schema, "type": [kind, "null"]}
    if list(schema) == ["anyOf"]:
        return {"anyOf": [*schema["anyOf"], {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}


def value_schema(field: FieldDescriptor, ref: RefFor, form: Form = Form.ANY) -> Schema:
    """The schema of one value of ``field`` (an item when repeated)."""
    if field.enum_type is not None:
        if field.enum_type.full_name == "google.protobuf.NullValue":
            return {"type": "null"}
        # printed by name, or by number when an open enum holds an unknown value; json_format also
        # parses a known value's number (any int32 for an open enum)
        names = {"type": "string", "enum": [v.name for v in field.enum_type.values]}
        if not field.enum_type.is_closed:
            return {"anyOf": [names, {"type": "integer", "format": "int32",
                                      "minimum": -(2**31), "maximum": 2**31 - 1}]}
        if form is Form.RESPONSE:
            return names
        return {"anyOf": [names, {"enum": sorted({v.number for v in field.enum_type.values})}]}
    if field.message_type is None:
        # deep copies: a shared sub-object would print as a YAML anchor and alias
        return copy.deepcopy((_PRINTED if form is Form.RESPONSE else _SCALARS)[field.type])
    return message_ref(field.message_type, ref, form)


def message_ref(message: Descriptor, ref: RefFor, form: Form = Form.ANY) -> Schema:
    """The schema of a whole message: a ``$ref``, or the inline form of a well-known type (which
    has no schema of its own to refer to)."""
    name = message.full_name
    if name in WRAPPERS:
        return value_schema(message.fields_by_name["value"], ref, form)
    if name == ANY and form in REQUESTS and (target := ref(name, Form.REQUEST)):
        return {"$ref": target}  # the types it may hold (see .anyschema), where the caller has it
    if form is Form.RESPONSE and name in PRINTED_SPECIAL:
        return copy.deepcopy(PRINTED_SPECIAL[name])
    if name in SPECIAL_TYPES:
        return copy.deepcopy(SPECIAL_TYPES[name])
    return {"$ref": ref(name, form)}


def _is_wrapper(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.full_name in WRAPPERS


def _nullable_in(field: FieldDescriptor, form: Form) -> bool:
    """Whether ``null`` may stand for the field: json_format parses it for any field (it clears the
    field), but prints it for none; the standalone schemas allow it where it says "not set"."""
    if form is Form.ANY:
        return is_proto3_optional(field) or _is_wrapper(field) and not field.is_repeated
    return form in REQUESTS and not (
        field.message_type is not None and field.message_type.full_name == "google.protobuf.Value")


def set_keywords(field: FieldDescriptor) -> Schema:
    """What a field's JSON value must be for the field to count as set, as protovalidate's
    ``required`` reads it: not empty for a list or a map, not the zero value for a scalar without
    presence (a request cannot tell it from unset); present is enough for any other field."""
    if is_map(field):
        return {"minProperties": 1}
    if field.is_repeated:
        return {"minItems": 1}
    if field.has_presence:
        return {}
    if field.type in (_T.TYPE_STRING, _T.TYPE_BYTES):
        return {"minLength": 1}
    if field.type == _T.TYPE_BOOL:
        return {"const": True}
    if field.enum_type is not None:
        zero = field.enum_type.values_by_number[field.default_value]
        return {"not": {"enum": [zero.name, zero.number]}}
    return {"not": {"anyOf": [{"const": 0}, {"type": "string", "pattern": ZERO_TEXT}]}}


def required_names(message: Descriptor, form: Form) -> frozenset[str]:
    """The fields a ``form`` schema of ``message`` requires: those its protovalidate rules refuse
    unset and, but in a partial update, the REQUIRED ones (``google.api.field_behavior`` is the
    contract's word even where no validator enforces it). A response requires nothing: a field at
    its default is left out."""
    if form not in _RULED or form is Form.RESPONSE:
        return frozenset()
    names = must_set(message)
    if form is Form.UPDATE:
        return names
    return names | {f.name for f in message.fields if REQUIRED in field_behaviors(f)}


def field_schema(field: FieldDescriptor, ref: RefFor, description: str = "",
                 form: Form = Form.ANY, *, set_when_sent: bool = False) -> Schema:
    """``set_when_sent``: the field, when sent, must be set (see :func:`set_keywords`), never
    ``null``."""
    rules = field_rules(field) if form in _RULED else None
    nullable = _nullable_in(field, form) and not set_when_sent
    behaviours, update = field_behaviors(field), form is Form.UPDATE
    if update and (field.is_repeated or is_map(field)):
        form = Form.REQUEST  # a list or a map is replaced whole, each value a whole message
    server = None  # a single value's rules the schema leaves to the server
    if is_map(field):
        assert field.message_type is not None
        key, value = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
        schema, key_rules, value_rules = container_keywords(rules)
        schema = {"type": "object",
                  "additionalProperties": merge(value_schema(value, ref, form),
                                                value_keywords(value, value_rules)), **schema}
        names = merge({"pattern": _MAP_KEY_PATTERNS[key.type]} if key.type in _MAP_KEY_PATTERNS
                      else {}, value_keywords(key, key_rules))
        if names:
            schema["propertyNames"] = names
    elif field.is_repeated:
        schema, item_rules, _ = container_keywords(rules)
        schema = {"type": "array", "items": merge(value_schema(field, ref, form),
                                                  value_keywords(field, item_rules)), **schema}
    else:
        schema, keywords = value_schema(field, ref, form), value_keywords(field, rules)
        server = keywords.pop(SERVER_RULES, None)
        if keywords and nullable:
            # null says "not set", and rules do not apply to an unset field
            keywords = {"anyOf": [{"type": "null"}, keywords]}
        schema = merge(schema, keywords)
    if set_when_sent:
        schema = merge(schema, set_keywords(field))
    if form is Form.UPDATE and field.message_type is not None and not is_inlined(
            field.message_type) and any(REQUIRED in field_behaviors(f)
                                        for f in field.message_type.fields):
        schema["minProperties"] = 1  # {} would replace the message whole, unset REQUIRED fields
    if nullable:
        schema = _nullable(schema)
    if server:
        schema[SERVER_RULES] = server
    if "OUTPUT_ONLY" in behaviours:
        schema["readOnly"] = True
    if "INPUT_ONLY" in behaviours:
        schema["writeOnly"] = True
    notes = ("Immutable: set when the resource is created, never changed after."
             if "IMMUTABLE" in behaviours else "",
             "Output only: ignored in a request." if "OUTPUT_ONLY" in behaviours
             and form in REQUESTS and form in _RULED else "",
             "Required where the update mask names it (or `*`): then it must be set." if
             update and REQUIRED in behaviours else "")
    description = "\n\n".join(text for text in (description, *notes, rules_text(rules)) if text)
    if description:
        schema["description"] = description
    if field.GetOptions().deprecated:
        schema["deprecated"] = True
    return schema


def kept_fields(message: Descriptor, form: Form) -> list[FieldDescriptor]:
    """The fields a schema of ``form`` describes: responses leave INPUT_ONLY out (the gateway
    never prints one); requests keep OUTPUT_ONLY, ``readOnly``, as the gateway takes and
    ignores one (AIP-203), so that what a response gave may be sent back."""
    if form is not Form.RESPONSE:
        return list(message.fields)
    return [f for f in message.fields if "INPUT_ONLY" not in field_behaviors(f)]


def message_schema(message: Descriptor, ref: RefFor, descriptions: Mapping[str, str],
                   form: Form = Form.ANY, *, leave_out: frozenset[str] = frozenset(),
                   replace: Mapping[str, Schema] | None = None) -> Schema:
    """The object schema of a (non-inlined) message; ``leave_out`` names fields it must not hold
    (those a request path sets), ``replace`` gives some fields' schemas by field name."""
    fields = [f for f in kept_fields(message, form) if f.name not in leave_out]
    replace = replace or {}
    names = required_names(message, form)
    # present means set: a field that must be set when sent (all required ones, and REQUIRED ones in
    # a partial update) is never null nor empty
    set_when_sent = names | {f.name for f in fields if REQUIRED in field_behaviors(f)} if (
        form in REQUESTS and form in _RULED) else frozenset()
    properties = {f.json_name: replace.get(f.name) or
                  field_schema(f, ref, descriptions.get(f.full_name, ""), form,
                               set_when_sent=f.name in set_when_sent) for f in fields}
    schema: Schema = {"type": "object", "title": message.name}
    own_rules = message_rules(message) if form in _RULED else None
    description = "\n\n".join(text for text in (descriptions.get(message.full_name, ""),
                                                 rules_text(own_rules)) if text)
    if description:
        schema["description"] = description
    schema.update(server_rules(own_rules))
    schema["properties"] = properties
    rules = _oneof_rules(message, fields, form)
    # a field named twice (both spellings, even one null) is refused, as a repeated key is
    twice = [[f.json_name, f.name] for f in fields if f.name != f.json_name]
    if twice and form is not Form.RESPONSE:
        rules.append({"not": {"anyOf": [{"required": pair} for pair in twice]}})
    # json_format takes a field under either name, so either one satisfies "required"
    rules[:0] = [{"required": [f.json_name]} if f.name == f.json_name
                 else {"anyOf": [{"required": [f.json_name]}, {"required": [f.name]}]}
                 for f in fields if f.name in names]
    if rules:
        schema["allOf"] = rules
    # json_format also accepts a field under its proto name; the printer writes the JSON name
    aliases = {f"^{re.escape(f.name)}$": properties[f.json_name] for f in fields
               if f.name != f.json_name}
    if aliases and form is not Form.RESPONSE:
        schema["patternProperties"] = aliases
    schema["additionalProperties"] = False
    if message.GetOptions().deprecated:
        schema["deprecated"] = True
    return schema


def _spellings(field: FieldDescriptor, form: Form) -> list[str]:
    if form is Form.RESPONSE or field.name == field.json_name:
        return [field.json_name]
    return [field.json_name, field.name]


def _oneof_rules(message: Descriptor, fields: list[FieldDescriptor], form: Form) -> list[Schema]:
    """At most one member of each oneof: json_format refuses two that are not ``null`` (two
    spellings of one member included), and prints at most one. A request sets one of a oneof
    protovalidate requires (``(buf.validate.oneof).required``), unless the URL path may."""
    rules: list[Schema] = []
    for oneof in message.oneofs:
        names = [n for f in oneof.fields if f in fields for n in _spellings(f, form)]
        # a dynamic message of the Image's validate.proto
        options: Any = oneof_rules(oneof) if form in _RULED else None
        if (form is not Form.RESPONSE and options is not None and options.required
                and all(f in fields for f in oneof.fields)):
            rules.append({"anyOf": [{"required": [n], "properties": {n: {"not": {"type": "null"}}}}
                                    for n in names]})
        if len(names) < 2:
            continue
        pairs = [[a, b] for i, a in enumerate(names) for b in names[i + 1:]]
        rules.append({"not": {"anyOf": [
            {"required": pair} if form is Form.RESPONSE else
            {"required": pair, "properties": {n: {"not": {"type": "null"}} for n in pair}}
            for pair in pairs]}})
    return rules


def referenced_messages(roots: Iterable[Descriptor], form: Form = Form.ANY) -> list[Descriptor]:
    """``roots`` and every message they reach through the fields ``form`` keeps, sorted by full
    name; inlined types and map entries left out (a map's value type is followed)."""
    seen: dict[str, Descriptor] = {}
    stack = list(roots)
    while stack:
        message = stack.pop()
        if message.full_name in seen or is_inlined(message):
            continue
        if not message.GetOptions().map_entry:
            seen[message.full_name] = message
        stack.extend(f.message_type for f in kept_fields(message, form)
                     if f.message_type is not None)
    return [seen[name] for name in sorted(seen)]


def target_messages(image: Image) -> Iterator[Descriptor]:
    """Every message declared in a target file, nested ones included. Vendored Google files (e.g.
    ``google/api/http.proto`` as a module of its own) are not part of the contract's JSON face."""
    def walk(messages: Iterable[Descriptor]) -> Iterator[Descriptor]:
        for message in messages:
            yield message
            yield from walk(message.nested_types)

    for file in image.target_files():
        if not file.package.startswith("google."):
            yield from walk(image.pool.FindFileByName(file.name).message_types_by_name.values())


def descriptions(image: Image) -> dict[str, str]:
    """Leading comments by full element name (messages, fields, enums, services, methods)."""
    out: dict[str, str] = {}
    for file in image.files:
        _describe(file, out)
    return {name.lstrip("."): text for name, text in out.items()}


def _describe(file: FileDescriptorProto, out: dict[str, str]) -> None:
    # Only commented locations are kept: a tree's files hold millions of locations, few with
    # comments. Backwards, so that a declaration's location wins over later ones of its path.
    comments = {tuple(location.path): text
                for location in reversed(file.source_code_info.location)
                if (text := location.leading_comments.strip())}
    if not comments:
        return

    def add(name: str, path: tuple[int, ...]) -> None:
        text = comments.get(path)
        if text:
            # a comment's lines start with the space after "//"
            out[name] = "\n".join(line.removeprefix(" ").rstrip() for line in text.splitlines())

    def walk_messages(messages: Iterable[DescriptorProto], prefix: str, path: tuple[int, ...]) -> None:
        for i, message in enumerate(messages):
            name, here = f"{prefix}.{message.name}", (*path, i)
            add(name, here)
            for j, field in enumerate(message.field):
                add(f"{name}.{field.name}", (*here, 2, j))
            walk_messages(message.nested_type, name, (*here, 3))

    prefix = file.package
    walk_messages(file.message_type, prefix, (4,))
    for i, service in enumerate(file.service):
        add(f"{prefix}.{service.name}", (6, i))
        for j, method in enumerate(service.method):
            add(f"{prefix}.{service.name}.{method.name}", (6, i, 2, j))


def schema_file_name(full_name: str) -> str:
    return f"{full_name}.json"


def render_json_schemas(image: Image, *, prefix: str = "schemas/",
                        roots: Iterable[Descriptor] = (),
                        texts: Mapping[str, str] | None = None,
                        form: Form = Form.ANY) -> dict[str, bytes]:
    """One standalone 2020-12 schema per message (target messages, ``roots`` and all they
    reach); references point at sibling files. ``texts`` are :func:`descriptions` when made."""
    texts = descriptions(image) if texts is None else texts
    out: dict[str, bytes] = {}
    for message in referenced_messages([*target_messages(image), *roots], form):
        schema = {"$schema": JSON_SCHEMA_DIALECT, "$id": schema_file_name(message.full_name),
                  **message_schema(message, _file_ref, texts, form)}
        out[prefix + schema_file_name(message.full_name)] = dump_json(schema)
    return out


def _file_ref(full_name: str, _form: Form) -> str:
    # one file per message holds one form of it, so the payloads of an Any (which have their own
    # form) have none: an Any is an object with its @type here
    return "" if full_name == ANY else schema_file_name(full_name)


def dump_json(data: Any) -> bytes:
    return (json_text(data) + "\n").encode()
