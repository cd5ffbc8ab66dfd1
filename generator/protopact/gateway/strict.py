"""What ``json_format`` takes loosely, the gateway refuses, as the OpenAPI document does:

- one field under both of its names (``retryLimit`` and ``retry_limit``): json_format keeps
  whichever comes last, silently; refused as a repeated key is, and the document says ``not`` both;
- an integer in a string that is not plain decimal digits (``"+1"``, ``"1_000"``, ``"1e3"``,
  other scripts' digits): json_format reads whatever Python's ``int`` or ``float`` reads; the
  document, as ProtoJSON, says decimal digits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from ..render.jsonschema import WRAPPERS, is_inlined, is_map
from .status import bad_request

_DECIMAL = re.compile(r"-?[0-9]+")
_INTEGERS = frozenset({FieldDescriptor.CPPTYPE_INT32, FieldDescriptor.CPPTYPE_INT64,
                       FieldDescriptor.CPPTYPE_UINT32, FieldDescriptor.CPPTYPE_UINT64})


def check_text(field: FieldDescriptor, text: str, path: str) -> None:
    """Raise a 400 when ``text`` stands for an integer (of ``field``, or of its wrapper) in
    another form than decimal digits."""
    if field.message_type is not None and field.message_type.full_name in WRAPPERS:
        field = field.message_type.fields_by_name["value"]
    if field.cpp_type in _INTEGERS and not _DECIMAL.fullmatch(text):
        raise bad_request(f'Field "{path}" must be an integer in decimal digits, not "{text}"',
                          path)


def check_field(field: FieldDescriptor, value: Any, path: str) -> None:
    """Raise a 400 when ``value`` (the JSON of ``field``) names a field twice or holds an integer
    in a loose string form, at any depth."""
    target = field.message_type
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
    if field.is_repeated:
        items: Any = ((f"{path}[{i}]", v) for i, v in enumerate(value)) if isinstance(
            value, list) else ()
    else:
        items = ((path, value),)
    for where, item in items:
        check_message(target, item, where)


def check_message(message: Descriptor, value: Any, path: str = "") -> None:
    """Raise a 400 when the JSON object ``value`` of ``message`` names a field twice or holds an
    integer in a loose string form."""
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
    return field.cpp_type in _INTEGERS or field.message_type is not None
