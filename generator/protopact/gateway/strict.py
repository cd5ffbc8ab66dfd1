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
  repeated there as elsewhere, but reads a payload's fields as loosely;
- an ``Any`` of a type the document does not list, or not in ProtoJSON's form (:class:`Strict`).
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from ..render.anyschema import TYPE_URL_PREFIX, VALUE_FORM
from ..render.constraints import base64_pattern
from ..render.jsonschema import FLOAT_MAX, FLOAT_TEXT, FLOAT_WORDS, is_inlined, is_map
from ..render.wellknown import SPECIAL_TEXT, WRAPPERS
from .status import bad_request

_DECIMAL = re.compile(r"-?[0-9]+")
_FLOAT_TEXT = re.compile(FLOAT_TEXT)
_BASE64 = re.compile(base64_pattern())
# the well-known types whose JSON is one string: the pattern of that string, and its words
_TEXT_FORMS = {name: (re.compile(pattern), words) for name, pattern, words in (
    ("google.protobuf.Duration", SPECIAL_TEXT["google.protobuf.Duration"],
     'a duration in seconds ("1.5s", up to nine fractional digits)'),
    ("google.protobuf.Timestamp", SPECIAL_TEXT["google.protobuf.Timestamp"],
     ('an RFC 3339 time ("2024-05-01T12:00:00.5Z" or with an offset "+02:00", a real date of '
      'the years 1 to 9999, up to nine fractional digits)')),
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


class Strict:
    """The checks of a request's JSON that reach into an ``Any``: those of :func:`check_text`, a
    field named twice, and an ``Any`` of a type the document does not list (``payloads``, by full
    name: see :mod:`protopact.render.anyschema`) or not in ProtoJSON's form (``"@type"`` as
    ``type.googleapis.com/<full name>``; for a well-known type with a JSON form of its own,
    ``"value"`` and nothing else beside it). json_format would take any prefix, resolve any type
    of the Image, and skip the keys it does not read."""

    def __init__(self, payloads: Mapping[str, Descriptor]) -> None:
        self.payloads = payloads

    def field(self, field: FieldDescriptor, value: Any, path: str) -> None:
        """Raise a 400 when ``value`` (the JSON of ``field``) names a field twice or holds a
        string :func:`check_text` refuses or an ``Any`` the document does not allow, at any
        depth."""
        target = field.message_type
        if target is not None and target.full_name == _ANY:
            for where, item in _items(field, value, path):
                self.any(item, where)
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
                    self.field(entry, item, f'{path}["{key}"]')
            return
        for where, item in _items(field, value, path):
            self.message(target, item, where)

    def any(self, value: Any, path: str) -> None:
        """Raise a 400 when the JSON of an ``Any`` names a type the document does not list, or
        holds what :meth:`message` refuses, read as the message its ``@type`` names (the value
        of a well-known type's special form, under ``value``). ``{}`` is an ``Any`` set to
        nothing; a value that is no object is json_format's to refuse."""
        if not isinstance(value, dict) or not value:
            return
        url = value.get("@type")
        name = url[len(TYPE_URL_PREFIX):] if isinstance(url, str) and url.startswith(
            TYPE_URL_PREFIX) else None
        message = self.payloads.get(name) if name is not None else None
        if message is None:
            raise bad_request(f'Field "{path}" must name its type in "@type" as '
                              f'"{TYPE_URL_PREFIX}" and a message of this API or a well-known '
                              f"type, not {json.dumps(url)}", path)
        if message.full_name not in VALUE_FORM:
            self.message(message, {k: v for k, v in value.items() if k != "@type"}, path)
            return
        if set(value) != {"@type", "value"}:
            raise bad_request(f'Field "{path}" holds a {message.full_name}: "@type" and "value", '
                              f"nothing else", path)
        inner = value["value"]
        if message.full_name == _ANY:
            self.any(inner, path)
        elif message.full_name in WRAPPERS:
            self.field(message.fields_by_name["value"], inner, path)
        elif isinstance(inner, str):  # a Duration, a Timestamp, a FieldMask
            _check_form(message.full_name, inner, path)

    def message(self, message: Descriptor, value: Any, path: str = "") -> None:
        """Raise a 400 when the JSON object ``value`` of ``message`` names a field twice or holds
        what :meth:`field` refuses."""
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
                self.field(field, item, where)


def _items(field: FieldDescriptor, value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """The values of a message field with their paths: its list's items when it is repeated."""
    if not field.is_repeated:
        yield path, value
    elif isinstance(value, list):
        yield from ((f"{path}[{i}]", v) for i, v in enumerate(value))


@functools.cache
def _names(message: Descriptor) -> Mapping[str, FieldDescriptor]:
    return {**{f.name: f for f in message.fields}, **{f.json_name: f for f in message.fields}}


def _needs_walk(field: FieldDescriptor) -> bool:
    return (field.cpp_type in _INTEGERS or field.cpp_type in _FLOATS
            or field.type == FieldDescriptor.TYPE_BYTES or field.message_type is not None)
