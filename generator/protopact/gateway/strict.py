"""What ``json_format`` takes loosely, the gateway refuses, as the OpenAPI document does:

- one field under both of its names (``retryLimit`` and ``retry_limit``): json_format keeps
  whichever comes last, silently; refused as a repeated key is, and the document says ``not`` both;
- an integer in a string that is not plain decimal digits (``"+1"``, ``"1_000"``, ``"1e3"``,
  other scripts' digits): json_format reads whatever Python's ``int`` or ``float`` reads; the
  document, as ProtoJSON, says decimal digits;
- a float in a string that is not a JSON number nor ``NaN``/``Infinity``/``-Infinity``
  (``"+1.5"``, ``"1_0"``, ``".5"``, ``"inf"``, ``" 1"``), or beyond the type's range (json_format
  reads ``"1e39"`` for a float as infinity, and refuses the same number unquoted);
- bytes that are not base64 (json_format skips the characters base64 does not use: ``"!!"`` is
  empty), a Duration that is not ``"1.5s"`` with one to nine fractional digits (it reads ``"+1s"``
  or ``"1_0s"``), a Timestamp that is not RFC 3339 as ProtoJSON writes it (it reads
  ``"2024-1-5T1:2:3Z"``, an offset ``"+99:99"``, a fraction ``".5e-1"``), a FieldMask that is not
  lowerCamelCase paths joined by commas (it reads ``"a,,b"`` or ``"a-b"``): the document's
  patterns;
- any of these inside an ``Any`` (by its ``@type``), at any depth: json_format refuses a key
  repeated there as elsewhere, but reads a payload's fields as loosely.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from ..render.constraints import base64_pattern
from ..render.jsonschema import (
    FLOAT_MAX,
    FLOAT_TEXT,
    FLOAT_WORDS,
    SPECIAL_TEXT,
    WRAPPERS,
    is_inlined,
    is_map,
)
from .status import bad_request

_DECIMAL = re.compile(r"-?[0-9]+")
_FLOAT_TEXT = re.compile(FLOAT_TEXT)
_BASE64 = re.compile(base64_pattern())
# the well-known types whose JSON is one string: the pattern of that string, and its words
_TEXT_FORMS = {name: (re.compile(pattern), words) for name, pattern, words in (
    ("google.protobuf.Duration", SPECIAL_TEXT["google.protobuf.Duration"],
     'a duration in seconds ("1.5s", up to nine fractional digits)'),
    ("google.protobuf.Timestamp", SPECIAL_TEXT["google.protobuf.Timestamp"],
     'an RFC 3339 time ("2024-05-01T12:00:00.5Z" or with an offset "+02:00", a real date of the '
     'years 1 to 9999, up to nine fractional digits)'),
    ("google.protobuf.FieldMask", SPECIAL_TEXT["google.protobuf.FieldMask"],
     'field paths in lowerCamelCase joined by commas ("displayName,owner.email"), or "*"'),
)}
_INTEGERS = frozenset({FieldDescriptor.CPPTYPE_INT32, FieldDescriptor.CPPTYPE_INT64,
                       FieldDescriptor.CPPTYPE_UINT32, FieldDescriptor.CPPTYPE_UINT64})
_FLOATS = {FieldDescriptor.CPPTYPE_FLOAT: FLOAT_MAX, FieldDescriptor.CPPTYPE_DOUBLE: sys.float_info.max}
_ANY = "google.protobuf.Any"


def check_text(field: FieldDescriptor, text: str, path: str) -> None:
    """Raise a 400 when ``text``, the value of ``field`` (or of its wrapper) in a string, is not
    in the document's form: an integer in decimal digits, a float as a JSON number or its words
    within its type's range, bytes in base64, a Duration, a Timestamp or a FieldMask in the form
    the document's pattern says."""
    if field.message_type is not None and field.message_type.full_name in WRAPPERS:
        field = field.message_type.fields_by_name["value"]
    if field.type == FieldDescriptor.TYPE_BYTES and not _BASE64.fullmatch(text):
        raise bad_request(f'Field "{path}" must be base64 (standard or URL-safe, padded or not)',
                          path)
    if field.message_type is not None:
        _check_form(field.message_type.full_name, text, path)
    if field.cpp_type in _INTEGERS and not _DECIMAL.fullmatch(text):
        raise bad_request(f'Field "{path}" must be an integer in decimal digits, not "{text}"',
                          path)
    limit = _FLOATS.get(field.cpp_type)
    if limit is None or text in FLOAT_WORDS:
        return
    if not _FLOAT_TEXT.fullmatch(text):
        raise bad_request(f'Field "{path}" must be a number as JSON writes one, or NaN, Infinity '
                          f'or -Infinity, not "{text}"', path)
    if not abs(float(text)) <= limit:
        # the document's string form says the range by its format, which no pattern can hold
        kind = "float" if field.cpp_type == FieldDescriptor.CPPTYPE_FLOAT else "double"
        raise bad_request(f'Field "{path}" is out of the {kind} range: "{text}"', path,
                          reason=f"format.{kind}")


def _check_form(type_name: str, text: str, path: str) -> None:
    """Raise a 400 when ``text``, the JSON of a well-known type with a string form, is not in the
    document's form."""
    form = _TEXT_FORMS.get(type_name)
    if form is not None and not form[0].fullmatch(text):
        raise bad_request(f'Field "{path}" must be {form[1]}, not "{text}"', path)


def check_field(field: FieldDescriptor, value: Any, path: str) -> None:
    """Raise a 400 when ``value`` (the JSON of ``field``) names a field twice or holds a string
    :func:`check_text` refuses, at any depth."""
    target = field.message_type
    if target is not None and target.full_name == _ANY:
        for where, item in _items(field, value, path):
            check_any(target, item, where)
        return
    if target is None or is_inlined(target):  # a scalar, a list of them, or a wrapper's value
        for item in (value if isinstance(value, list) else [value]):
            if isinstance(item, str):
                check_text(field, item, path)
        return
    if is_map(field):
        if isinstance(value, dict):
            key_field, entry = target.fields_by_name["key"], target.fields_by_name["value"]
            for key, item in value.items():
                check_text(key_field, key, path)
                check_field(entry, item, f'{path}["{key}"]')
        return
    for where, item in _items(field, value, path):
        check_message(target, item, where)


def _items(field: FieldDescriptor, value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """The values of a message field with their paths: its list's items when it is repeated."""
    if not field.is_repeated:
        yield path, value
    elif isinstance(value, list):
        yield from ((f"{path}[{i}]", v) for i, v in enumerate(value))


def check_any(any_type: Descriptor, value: Any, path: str) -> None:
    """Raise a 400 when the JSON of an ``Any`` holds what :func:`check_message` refuses, read as
    the message its ``@type`` names (the value of a well-known type's special form, under
    ``value``); json_format itself names an unknown type or a malformed URL."""
    if not isinstance(value, dict) or not isinstance(value.get("@type"), str):
        return
    try:
        message = any_type.file.pool.FindMessageTypeByName(value["@type"].rsplit("/", 1)[-1])
    except KeyError:
        return
    if not is_inlined(message):
        check_message(message, {k: v for k, v in value.items() if k != "@type"}, path)
    elif message.full_name == _ANY:  # an Any in an Any: its special form, under "value"
        check_any(message, value.get("value"), path)
    elif message.full_name in WRAPPERS and "value" in value:
        check_field(message.fields_by_name["value"], value["value"], path)
    elif isinstance(value.get("value"), str):  # a Duration, a Timestamp, a FieldMask
        _check_form(message.full_name, value["value"], path)


def check_message(message: Descriptor, value: Any, path: str = "") -> None:
    """Raise a 400 when the JSON object ``value`` of ``message`` names a field twice or holds a
    string :func:`check_text` refuses."""
    if not isinstance(value, dict):
        return
    names = _names(message)
    seen: dict[str, str] = {}
    for key, item in value.items():
        field = names.get(key)
        if field is None:
            continue  # json_format names the unknown key
        where = f"{path}.{field.name}" if path else field.name
        if field.name in seen:
            raise bad_request(f'Field "{where}" is given twice, as "{seen[field.name]}" and '
                              f'"{key}"', where)
        seen[field.name] = key
        if _needs_walk(field):
            check_field(field, item, where)


@functools.cache
def _names(message: Descriptor) -> Mapping[str, FieldDescriptor]:
    return {**{f.name: f for f in message.fields}, **{f.json_name: f for f in message.fields}}


def _needs_walk(field: FieldDescriptor) -> bool:
    return (field.cpp_type in _INTEGERS or field.cpp_type in _FLOATS
            or field.type == FieldDescriptor.TYPE_BYTES or field.message_type is not None)
