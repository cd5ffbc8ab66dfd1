"""Example data: deterministic, fully populated messages for any descriptor.

One engine serves the documentation's JSON examples and the mock server's responses. Values are chosen
from the field's type and name: ``e164`` is an E.164 number, a country's ``code`` and ``name`` are a
real ISO 3166-1 pair, ``imsi``/``imei``/``software_version`` have the right number of digits, ids look
like UUIDs, timestamps carry microseconds. Guarantees:

- the same descriptor and ``index`` give the same message on every run and machine (no randomness,
  no clock); different ``index`` values give distinct items, so a list of N examples can be made;
- a message agrees with itself (:mod:`.coherence`): a phone number and an IMSI belong to the country
  beside them, a type enum names the oneof member that is set, an error shows only beside a status
  that failed;
- every singular field is set (but an error beside a status that did not fail), every oneof has
  exactly one member set, maps hold one entry and repeated fields one or two items; a message type
  already being filled is not entered again, so recursive types terminate;
- the ProtoJSON form (:func:`example_json`) parses back with ``json_format.Parse`` into the message.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

from .coherence import COUNTRIES, COUNTRY_CODE_NAMES, is_phone, settle
from .wellknown import WRAPPERS

# Deeper nesting adds bulk to an example without telling the reader anything new.
MAX_DEPTH = 6
_UUID_NAMESPACE = uuid.UUID("6f1c9a52-3d0e-4b7a-9c61-2e5b8d4f7a10")
# 2025-03-14T09:26:53.589793Z: a fixed instant, so examples never depend on the clock.
_BASE_SECONDS = 1741944413
_BASE_NANOS = 589793000


@dataclass(frozen=True)
class _Slot:
    """Where a value goes: the field, the message holding it and the field that led there."""

    field: FieldDescriptor
    owner: str  # the holding message's name in snake case
    parent: str  # the name of the field whose value is the holding message ("" at the top)
    index: int

    @property
    def name(self) -> str:
        # ``value`` inside a wrapper or a value type (Imsi.value, StringValue.value) means whatever
        # the field holding it means, or the value type itself at the top.
        if self.field.name == "value":
            return self.parent or self.owner
        return self.field.name

    @property
    def country(self) -> tuple[str, str, str, str]:
        return COUNTRIES[self.index % len(COUNTRIES)]


def example_message(descriptor: Descriptor, *, index: int = 0, max_depth: int = MAX_DEPTH) -> Message:
    """A deterministic, fully populated instance of ``descriptor``'s message; see the module doc.

    Messages nested ``max_depth`` levels deep are left unset.
    """
    message = message_factory.GetMessageClass(descriptor)()
    _fill(message, descriptor, parent="", index=index, stack=(), limit=max_depth)
    return message


def example_json(descriptor: Descriptor, *, index: int = 0,
                 max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The ProtoJSON form of :func:`example_message` (JSON names, enums by name)."""
    message = example_message(descriptor, index=index, max_depth=max_depth)
    return json_format.MessageToDict(message, descriptor_pool=descriptor.file.pool)


def _fill(message: Any, descriptor: Descriptor, *, parent: str, index: int,
          stack: tuple[str, ...], limit: int) -> None:
    if _fill_well_known(message, descriptor, parent=parent, index=index):
        return
    stack = (*stack, descriptor.full_name)
    fields = [f for f in descriptor.fields if f.message_type is None or _may_enter(f, stack, limit)]
    chosen = {}
    for oneof in descriptor.oneofs:
        members = [f for f in oneof.fields if f in fields]
        if members:
            chosen[oneof.full_name] = members[index % len(members)]
    for field in fields:
        containing = field.containing_oneof
        if containing is not None and chosen[containing.full_name] is not field:
            continue
        slot = _Slot(field, _snake(descriptor.name), parent, index)
        if _is_map(field):
            _fill_map_entry(message, field, slot, stack, limit)
        elif field.is_repeated:
            count = 2 if len(stack) == 1 else 1
            for item in range(count):
                _add_item(message, field, _Slot(field, slot.owner, parent, index * 2 + item), stack,
                          limit)
        elif field.message_type is not None:
            # Sibling fields of one type (``previous``/``current``) get different values.
            _fill(getattr(message, field.name), field.message_type, parent=field.name,
                  index=index + field.index, stack=stack, limit=limit)
            getattr(message, field.name).SetInParent()
        else:
            setattr(message, field.name, _scalar(slot))
    settle(message, descriptor)


@cache
def _snake(name: str) -> str:
    # Called for every field filled: a large tree fills millions.
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _may_enter(field: FieldDescriptor, stack: tuple[str, ...], limit: int) -> bool:
    target: Descriptor | None = field.message_type
    if target is not None and _is_map(field):
        target = target.fields_by_name["value"].message_type
    return target is None or (len(stack) < limit and target.full_name not in stack)


def _is_map(field: FieldDescriptor) -> bool:
    return (field.message_type is not None and field.is_repeated
            and field.message_type.GetOptions().map_entry)


def _add_item(message: Any, field: FieldDescriptor, slot: _Slot, stack: tuple[str, ...],
              limit: int) -> None:
    container = getattr(message, field.name)
    if field.message_type is None:
        container.append(_scalar(slot))
        return
    _fill(container.add(), field.message_type, parent=field.name, index=slot.index, stack=stack,
          limit=limit)


def _fill_map_entry(message: Any, field: FieldDescriptor, slot: _Slot,
                    stack: tuple[str, ...], limit: int) -> None:
    entry_type: Any = field.message_type  # a map field always has its entry type
    key_field = entry_type.fields_by_name["key"]
    value_field = entry_type.fields_by_name["value"]
    key = _scalar(_Slot(key_field, slot.owner, field.name, slot.index))
    container = getattr(message, field.name)
    if value_field.message_type is None:
        container[key] = _scalar(_Slot(value_field, slot.owner, field.name, slot.index))
    else:
        entry = container[key]
        _fill(entry, value_field.message_type, parent=field.name, index=slot.index, stack=stack,
              limit=limit)
        entry.SetInParent()


def _fill_well_known(message: Any, descriptor: Descriptor, *, parent: str, index: int) -> bool:
    """Well-known types whose JSON form is special get values that read well in that form."""
    name = descriptor.full_name
    if name == "google.protobuf.Timestamp":
        # Microsecond precision, as the contract promises; items differ by a day and a minute.
        message.seconds = _BASE_SECONDS + index * 86_460
        message.nanos = _BASE_NANOS
    elif name == "google.protobuf.Duration":
        message.seconds = 30 + 30 * index
    elif name == "google.protobuf.FieldMask":
        message.paths.append(parent or "name")
    elif name == "google.protobuf.Struct":
        message.fields[parent or "key"].string_value = f"value-{index}"
    elif name == "google.protobuf.Value":
        message.string_value = f"value-{index}"
    elif name == "google.protobuf.ListValue":
        message.values.add().string_value = f"value-{index}"
    elif name == "google.protobuf.Any":
        # Packs a type every pool holds, so the JSON form resolves without extra registrations.
        timestamp = descriptor.file.pool.FindMessageTypeByName("google.protobuf.Timestamp")
        message.Pack(example_message(timestamp, index=index))
    elif name in WRAPPERS:
        value_field = descriptor.fields_by_name["value"]
        message.value = _scalar(_Slot(value_field, _snake(descriptor.name), parent, index))
    else:
        return False
    return True


def _scalar(slot: _Slot) -> Any:
    field = slot.field
    if field.enum_type is not None:
        return _enum_value(field.enum_type, slot.index)
    if field.type == FieldDescriptor.TYPE_STRING:
        return _string(slot)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return f"{slot.name}-{slot.index}".encode()
    if field.type == FieldDescriptor.TYPE_BOOL:
        return slot.name not in _USUALLY_FALSE
    if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return 1.5 + slot.index
    return _integer(slot)


def _enum_value(enum: EnumDescriptor, index: int) -> int:
    # The zero value means "not set" and a deprecated value is one to avoid: show a real choice.
    usable = [v.number for v in enum.values if v.number != 0 and not v.GetOptions().deprecated]
    usable = usable or [v.number for v in enum.values if v.number != 0] or [enum.values[0].number]
    return usable[index % len(usable)]


_USUALLY_FALSE = frozenset({"is_redelivered", "redelivered", "approximated_total", "deleted",
                            "is_deleted", "dry_run", "validate_only"})
_INTEGERS = {"size": 100, "page_size": 100, "limit": 100, "total": 1234, "total_size": 1234,
             "total_pages": 13, "http_status": 200, "status_code": 200, "max_in_flight": 50,
             "retry_limit": 3, "attempt": 1, "port": 443}


def _integer(slot: _Slot) -> int:
    name = slot.name
    if name in _INTEGERS:
        return _INTEGERS[name]
    if name == "page":
        return slot.index
    if name == "id" or name.endswith("_id"):
        return 1001 + slot.index
    return slot.field.number + slot.index


def _uuid(slot: _Slot) -> str:
    return str(uuid.uuid5(_UUID_NAMESPACE, f"{slot.owner}.{slot.name}:{slot.index}"))


def _phone(slot: _Slot) -> str:
    return f"+{slot.country[2]}9999{slot.index:04d}"


def _cursor(slot: _Slot) -> str:
    return base64.urlsafe_b64encode(f"{slot.name}:{slot.index + 1}".encode()).decode().rstrip("=")


def _string(slot: _Slot) -> str:
    name, owner = slot.name, slot.owner
    if "country" in owner or "country" in slot.parent or name in COUNTRY_CODE_NAMES[1:]:
        if name in COUNTRY_CODE_NAMES:
            return slot.country[0]
        if name in ("name", "display_name"):
            return slot.country[1]
    make = _string_rule(name)
    return make(slot) if make is not None else f"{name.replace('_', '-')}-{slot.index}"


@cache
def _string_rule(name: str) -> Callable[[_Slot], str] | None:
    # The rule depends on the name alone, and a tree has far fewer names than fields.
    return next((make for matches, make in _STRING_RULES if matches(name)), None)


_STRING_RULES: tuple[tuple[Callable[[str], bool], Callable[[_Slot], str]], ...] = (
    (is_phone, _phone),
    (lambda n: n == "imsi", lambda s: f"{s.country[3]}01{s.index:010d}"),
    (lambda n: n == "imei", lambda s: f"86700000{s.index:06d}"),
    (lambda n: n == "software_version", lambda s: f"{64 + s.index % 36:02d}"),
    (lambda n: n == "email" or n.endswith("_email"), lambda s: f"user{s.index}@example.com"),
    (lambda n: n in ("sender_id", "from_sender_id", "alphanumeric_sender"),
     lambda s: f"Protopact{s.index % 100}"),
    (lambda n: n == "url" or n.endswith(("_url", "_uri")) or n == "uri",
     lambda s: f"https://example.com/{s.owner}/{s.index}"),
    (lambda n: n.endswith(("cursor", "page_token")), _cursor),
    (lambda n: n in ("id", "uuid", "ppid", "etag") or n.endswith(("_id", "_uuid")), _uuid),
    (lambda n: n in ("content", "text", "body"), lambda s: f"Hello from protopact, message {s.index + 1}."),
    (lambda n: n in ("description", "comment", "summary"),
     lambda s: f"An example {s.owner} ({s.index + 1})."),
    (lambda n: n in ("language", "language_code", "locale"), lambda s: "en"),
    (lambda n: n == "currency_code", lambda s: "NOK"),
    (lambda n: n in ("time_zone", "timezone"), lambda s: "Europe/Oslo"),
)
