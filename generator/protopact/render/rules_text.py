"""protovalidate rules in words, for the documentation: one :class:`Said` per rule of a field
(``at most 11 characters``, ``matches`` ``^\\+[1-9][0-9]{1,14}$``, ``1 to 100 items``) or of a
message (its CEL rules).

Each phrase is plain text plus an optional literal (a pattern, a value, a CEL expression) that the
templates show as code; both come from a ``.proto``, so the HTML templates escape them and the
Markdown ones quote them. A rule the phrases below do not know is still shown, by its name and
value, so the documentation never hides a rule the servers enforce.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor

from ..schema.validation import IGNORE_ALWAYS, cel_rules, field_rules, message_rules, type_rules

Rules = Any  # dynamic messages of the Image's validate.proto: fields are read by name


@dataclass(frozen=True)
class Said:
    text: str
    code: str = ""


_IGNORE = {1: "not checked when unset or empty", 3: "never checked"}
_UNITS = {"len": "characters", "bytes": "bytes", "items": "items", "pairs": "entries"}
_BOUNDS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
_SUBSTRINGS = {"prefix": "starts with", "suffix": "ends with", "contains": "contains",
               "not_contains": "does not contain"}
_SKIPPED = frozenset({"example", "strict"})
_FORMATS = {"email": "an email address", "hostname": "a hostname", "ip": "an IP address",
            "ipv4": "an IPv4 address", "ipv6": "an IPv6 address", "uri": "an absolute URI",
            "uri_ref": "a URI reference", "address": "a hostname or an IP address",
            "uuid": "a UUID", "tuuid": "a UUID without dashes", "ulid": "a ULID",
            "host_and_port": "a host and a port", "ip_with_prefixlen": "an IP address with a "
            "prefix length", "ip_prefix": "an IP prefix"}


def field_said(field: FieldDescriptor) -> tuple[Said, ...]:
    """``field``'s rules in words; none when it has none."""
    rules = field_rules(field)
    return tuple(_field(rules)) if rules is not None else ()


def message_said(message: Any) -> tuple[Said, ...]:
    """The rules of a whole message (CEL, and which fields form a oneof) in words."""
    rules = message_rules(message)
    if rules is None:
        return ()
    said = [Said("exactly one of" if o.required else "at most one of", ", ".join(o.fields))
            for o in getattr(rules, "oneof", ())]
    return tuple(said + _cel(rules))


def _field(rules: Rules, prefix: str = "") -> list[Said]:
    if rules.ignore == IGNORE_ALWAYS:
        return [Said(prefix + _IGNORE[IGNORE_ALWAYS])]
    said = []
    if rules.required:
        said.append(Said(prefix + "required"))
    if rules.ignore in _IGNORE:
        said.append(Said(prefix + _IGNORE[rules.ignore]))
    typed = type_rules(rules)
    if typed is not None:
        said += _typed(*typed, prefix)
    return said + [Said(prefix + s.text, s.code) for s in _cel(rules)]


def _typed(kind: str, rules: Rules, prefix: str) -> list[Said]:
    if kind in ("repeated", "map"):
        nested = {"items": "each item: ", "keys": "each key: ", "values": "each value: "}
        out = [Said(prefix + s.text, s.code) for s in _plain(kind, rules, set(nested))]
        if kind == "repeated" and rules.unique:
            out.append(Said(prefix + "items unique"))
        for name, lead in nested.items():
            if name in rules.DESCRIPTOR.fields_by_name and rules.HasField(name):
                out += _field(getattr(rules, name), prefix + lead)
        return out
    return [Said(prefix + s.text, s.code) for s in _plain(kind, rules, set())]


def _plain(kind: str, rules: Rules, nested: set[str]) -> list[Said]:
    """The rules of one type-specific message that are not nested rules."""
    values = {f.name: v for f, v in rules.ListFields() if f.name not in nested | _SKIPPED}
    out = [*_lengths(values, "bytes" if kind == "bytes" else "len"), *_bounds(values)]
    for name, value in values.items():
        if name == "const":
            out.append(Said("equals", _literal(value, quoted=False)))
        elif name in ("in", "not_in"):
            out.append(Said("one of" if name == "in" else "none of",
                            ", ".join(_literal(v) for v in value)))
        elif name == "pattern":
            out.append(Said("matches", value))
        elif name in _SUBSTRINGS:
            out.append(Said(_SUBSTRINGS[name], _literal(value, quoted=False)))
        elif name == "defined_only" and value:
            out.append(Said("a value the enum defines"))
        elif name == "within":
            out.append(Said("within", _literal(value) + " of now"))
        elif name in ("lt_now", "gt_now") and value:
            out.append(Said("in the past" if name == "lt_now" else "in the future"))
        elif name == "well_known_regex":
            out.append(Said("a valid HTTP header " + ("name" if value == 1 else "value")))
        elif isinstance(value, bool) and kind in ("string", "bytes") and value:
            out.append(Said(_FORMATS.get(name, "a valid " + name.replace("_", " "))))
        elif not _said_elsewhere(name):
            out.append(Said(name.replace("_", " "), _literal(value)))
    return out


def _said_elsewhere(name: str) -> bool:
    return name in _BOUNDS or name in {"len", "len_bytes", "min_len", "max_len", "min_bytes",
                                       "max_bytes", "min_items", "max_items", "min_pairs",
                                       "max_pairs", "unique", "defined_only", "lt_now", "gt_now"}


def _lengths(values: dict[str, Any], length_unit: str) -> list[Said]:
    """Length rules; ``len``/``min_len``/``max_len`` count ``length_unit`` (bytes of a bytes
    field, characters of a string)."""
    out = []
    for unit, (exact, low, high) in {
            "len": ("len", "min_len", "max_len"), "bytes": ("len_bytes", "min_bytes", "max_bytes"),
            "items": ("", "min_items", "max_items"), "pairs": ("", "min_pairs", "max_pairs")
    }.items():
        words = _UNITS[length_unit if unit == "len" else unit]

        def counted(n: int, words: str = words) -> str:
            return f"{n} {words[:-1] if n == 1 else words}"

        if exact in values:
            out.append(Said(f"exactly {counted(values[exact])}"))
        lo, hi = values.get(low), values.get(high)
        if lo is not None and hi is not None:
            out.append(Said(f"{lo} to {counted(hi)}"))
        elif lo is not None:
            out.append(Said(f"at least {counted(lo)}"))
        elif hi is not None:
            out.append(Said(f"at most {counted(hi)}"))
    return out


def _bounds(values: dict[str, Any]) -> list[Said]:
    lower = next(((n, values[n]) for n in ("gt", "gte") if n in values), None)
    upper = next(((n, values[n]) for n in ("lt", "lte") if n in values), None)
    if lower and upper and lower[0] == "gte" and upper[0] == "lte" and _key(lower[1]) <= \
            _key(upper[1]):
        return [Said(f"{_literal(lower[1])} to {_literal(upper[1])}")]
    said = [f"{_BOUNDS[b[0]]} {_literal(b[1])}" for b in (lower, upper) if b is not None]
    if lower and upper and _key(lower[1]) > _key(upper[1]):
        return [Said(" or ".join(said))]  # protovalidate reads gt above lt as outside the range
    return [Said(" and ".join(said))] if said else []


def _key(value: Any) -> Any:
    return (value.seconds, value.nanos) if hasattr(value, "nanos") else value


def _literal(value: Any, *, quoted: bool = True) -> str:
    """``value`` as the code part of a phrase; a string in quotes where it stands in a list."""
    if hasattr(value, "DESCRIPTOR"):  # a Duration or Timestamp bound
        return str(json_format.MessageToJson(value)).strip('"')
    if isinstance(value, str):
        return f'"{value}"' if quoted else value
    if isinstance(value, bytes):
        return repr(value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _cel(rules: Rules) -> list[Said]:
    return [Said(f"{message or rule_id or 'holds'}:", expression)
            for rule_id, message, expression in cel_rules(rules)]
