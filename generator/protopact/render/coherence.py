"""Example messages that agree with themselves: the example engine's last step for each message.

Fields filled one by one can contradict one another. These rules settle a filled message, judging
fields by their names and types alone (so an API's own types count as much as protopact's):

- a **phone number** starts with the calling code of the country the message is about, and an
  **IMSI** with that country's mobile country code (the country: the one country code among the
  message's fields and those of its message fields, when there is exactly one);
- a **type enum** beside a oneof (one whose values name at least two of its members, e.g.
  ``COUNTRY_CHANGE`` for ``country_change_event``) names the member that is set;
- an **error** (a field called ``error``, ``failure`` or ``fault``, or containing such a word as in
  ``error_message``, ``failure_reason``) is kept only when a status of the message says something
  failed (an enum value such as ``FAILED``, ``ERROR``, ``DEGRADED``, or a ``success`` flag that is
  false), and cleared otherwise.

A plan per message type is worked out once; a type no rule concerns costs one lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from ..checks.lint.case import lower_snake

# (ISO 3166-1 alpha-2, English short name, E.164 calling code, mobile country code)
COUNTRIES = (("NO", "Norway", "47", "242"), ("SE", "Sweden", "46", "240"),
             ("DK", "Denmark", "45", "238"), ("FI", "Finland", "358", "244"))
_BY_CODE = {country[0]: country for country in COUNTRIES}
COUNTRY_CODE_NAMES = ("code", "country", "country_code", "region_code")
_ERROR = re.compile(r"(?:.*_)?(?:errors?|failures?|fault)(?:_.*)?\Z")
_STATUS = re.compile(r"(?:.*_)?(?:status|state|health|result|outcome|condition)\Z")
_SUCCESS_FLAGS = frozenset({"success", "succeeded", "successful", "ok", "healthy", "delivered"})
_FAILING = frozenset({"ERROR", "ERRORED", "FAILED", "FAILURE", "FAIL", "FAILING", "DEGRADED",
                      "UNHEALTHY", "REJECTED", "UNDELIVERABLE", "UNDELIVERED", "INVALID", "EXPIRED",
                      "TIMEOUT", "BOUNCED", "ABORTED", "CRASHED", "DOWN", "BROKEN", "FAULT",
                      "FAULTY"})

Path = tuple[str, ...]


def is_phone(name: str) -> bool:
    """Whether a string field of this name holds a phone number."""
    return name == "e164" or name.endswith("_e164") or "phone" in name or "msisdn" in name


@dataclass(frozen=True)
class _Plan:
    country: Path | None = None
    phones: tuple[Path, ...] = ()
    imsis: tuple[Path, ...] = ()
    # (oneof, enum field, member name -> the enum number naming it)
    discriminators: tuple[tuple[str, str, dict[str, int]], ...] = ()
    # (status field, the enum numbers that say something failed; None for a success flag)
    statuses: tuple[tuple[str, frozenset[int] | None], ...] = ()
    errors: tuple[str, ...] = ()


def settle(message: Any, descriptor: Descriptor) -> None:
    """Make a filled ``message`` of ``descriptor`` agree with itself; see the module doc."""
    plan = _plan(descriptor)
    if plan is None:
        return
    if plan.country is not None:
        country = _BY_CODE.get(_get(message, plan.country))
        if country is not None:
            for path in plan.phones:
                if number := _get(message, path):
                    _set(message, path, _with_calling_code(number, country[2]))
            for path in plan.imsis:
                imsi = _get(message, path)
                if len(imsi) > 3 and imsi.isdigit():
                    _set(message, path, country[3] + imsi[3:])
    for oneof, field, numbers in plan.discriminators:
        chosen = message.WhichOneof(oneof)
        if chosen in numbers:
            setattr(message, field, numbers[chosen])
    if plan.errors and not any(_failing(message, field, numbers)
                               for field, numbers in plan.statuses):
        for name in plan.errors:
            message.ClearField(name)


def _failing(message: Any, field: str, numbers: frozenset[int] | None) -> bool:
    value = getattr(message, field)
    return not value if numbers is None else value in numbers


@cache
def _plan(descriptor: Descriptor) -> _Plan | None:
    countries, phones, imsis = [], [], []
    for path, field, holder in _strings(descriptor):
        name = path[-1] if path[-1] != "value" or len(path) == 1 else path[0]
        if name in COUNTRY_CODE_NAMES and ("country" in holder or name != "code"):
            countries.append(path)
        elif is_phone(name):
            phones.append(path)
        elif name == "imsi":
            imsis.append(path)
    statuses = tuple(s for f in descriptor.fields if (s := _status(f)) is not None)
    named = {name for name, _ in statuses}
    errors = tuple(f.name for f in descriptor.fields if _ERROR.match(f.name)
                   and f.containing_oneof is None and f.name not in named) if statuses else ()
    plan = _Plan(country=countries[0] if len(countries) == 1 else None, phones=tuple(phones),
                 imsis=tuple(imsis), discriminators=tuple(_discriminators(descriptor)),
                 statuses=statuses, errors=errors)
    useful = (plan.country is not None and (plan.phones or plan.imsis)) or plan.discriminators \
        or plan.errors
    return plan if useful else None


def _strings(descriptor: Descriptor) -> list[tuple[Path, FieldDescriptor, str]]:
    """The singular string fields of ``descriptor`` and of its singular message fields, each with
    its path and the snake-case name of what holds it (field and type name, for a nested one)."""
    found = []
    own = lower_snake(descriptor.name)
    for field in descriptor.fields:
        if field.is_repeated:
            continue
        if field.type == field.TYPE_STRING:
            found.append(((field.name,), field, own))
        elif field.message_type is not None and field.message_type is not descriptor:
            holder = f"{field.name} {lower_snake(field.message_type.name)}"
            found += [((field.name, inner.name), inner, holder) for inner in field.message_type.fields
                      if inner.type == inner.TYPE_STRING and not inner.is_repeated]
    return found


def _status(field: FieldDescriptor) -> tuple[str, frozenset[int] | None] | None:
    if field.is_repeated or field.containing_oneof is not None:
        return None
    if field.type == field.TYPE_BOOL and field.name in _SUCCESS_FLAGS:
        return field.name, None
    if field.enum_type is None or not (_STATUS.match(field.name)
                                       or _STATUS.match(lower_snake(field.enum_type.name))):
        return None
    failing = frozenset(v.number for v in field.enum_type.values
                        if _FAILING & set(v.name.upper().split("_")))
    return field.name, failing


def _discriminators(descriptor: Descriptor) -> list[tuple[str, str, dict[str, int]]]:
    found = []
    for oneof in descriptor.oneofs:
        if len(oneof.fields) < 2:
            continue
        for field in descriptor.fields:
            if field.enum_type is None or field.is_repeated or field.containing_oneof is not None:
                continue
            numbers = {m.name: n for m in oneof.fields
                       if (n := _naming(field.enum_type, m)) is not None}
            if len(numbers) >= 2:
                found.append((oneof.name, field.name, numbers))
                break
    return found


def _naming(enum: Any, member: FieldDescriptor) -> int | None:
    """The number of the enum value that names ``member``: the same words, or one name's words
    starting or ending the other's (``COUNTRY_CHANGE`` for ``country_change_event``)."""
    prefix = lower_snake(enum.name).upper() + "_"
    wanted = {lower_snake(member.name).upper()}
    if member.message_type is not None:
        wanted.add(lower_snake(member.message_type.name).upper())
    near = []
    for value in enum.values:
        if value.number == 0:
            continue
        token = value.name.removeprefix(prefix)
        if token in wanted:
            return int(value.number)
        if any(_affix(token, w) or _affix(w, token) for w in wanted):
            near.append(int(value.number))
    return near[0] if len(near) == 1 else None


def _affix(short: str, long: str) -> bool:
    return long.startswith(short + "_") or long.endswith("_" + short)


def _with_calling_code(number: str, code: str) -> str:
    for country in COUNTRIES:
        if number.startswith("+" + country[2]):
            return f"+{code}{number[1 + len(country[2]):]}"
    return number


def _get(message: Any, path: Path) -> str:
    for name in path[:-1]:
        if not message.HasField(name):
            return ""
        message = getattr(message, name)
    return str(getattr(message, path[-1]))


def _set(message: Any, path: Path, value: str) -> None:
    for name in path[:-1]:
        message = getattr(message, name)
    setattr(message, path[-1], value)
