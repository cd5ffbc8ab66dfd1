"""One field, one key: a JSON object that sets a field under both of its names (``retryLimit`` and
``retry_limit``) is refused, as a repeated key is. ``json_format`` takes either name and would
keep whichever comes last, silently; the OpenAPI document says ``not`` both."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from ..render.jsonschema import is_inlined, is_map
from .status import bad_request


def check_field(field: FieldDescriptor, value: Any, path: str) -> None:
    """Raise a 400 when ``value`` (the JSON of ``field``) names a field twice, at any depth."""
    target = field.message_type
    if target is None or is_inlined(target):
        return
    if is_map(field):
        target = target.fields_by_name["value"].message_type
        if target is None or is_inlined(target) or not isinstance(value, dict):
            return
        items: Any = ((f'{path}["{k}"]', v) for k, v in value.items())
    elif field.is_repeated:
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value)) if isinstance(value, list) else ()
    else:
        items = ((path, value),)
    for where, item in items:
        check_message(target, item, where)


def check_message(message: Descriptor, value: Any, path: str = "") -> None:
    """Raise a 400 when the JSON object ``value`` of ``message`` names a field twice."""
    if not isinstance(value, dict) or not _has_aliases(message):
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
        check_field(field, item, where)


@functools.cache
def _names(message: Descriptor) -> Mapping[str, FieldDescriptor]:
    return {**{f.name: f for f in message.fields}, **{f.json_name: f for f in message.fields}}


@functools.cache
def _has_aliases(message: Descriptor) -> bool:
    """Whether ``message``, or a message it can hold, has a field with two names."""
    seen, pending = set(), [message]
    while pending:
        current = pending.pop()
        if current.full_name in seen or is_inlined(current):
            continue
        seen.add(current.full_name)
        for f in current.fields:
            if f.name != f.json_name:
                return True
            if f.message_type is not None:
                pending.append(f.message_type)
    return False
