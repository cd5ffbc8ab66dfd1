"""protovalidate rules as JSON Schema (2020-12) keywords, for the JSON Schemas and OpenAPI.

A schema must never reject a request the validator accepts, so a rule becomes a keyword only where
the keyword means the same thing on the ProtoJSON form: string lengths count characters in both;
bounds constrain numbers (a 64-bit integer sent as a decimal string is left to the server); ``const``
and ``in`` on integers list both the number and its decimal string, since ProtoJSON takes either.
Durations are ProtoJSON strings, so their bounds, ``const`` and ``in`` become patterns
(:func:`duration_pattern`); byte lengths bound the base64 text (:func:`base64_pattern`). Rules with
no JSON Schema counterpart (timestamps, CEL expressions, a string's byte lengths, a float's rules,
which its string form escapes) are the server's: listed in the description, and as their ProtoJSON
under ``x-protovalidate`` (:func:`server_rules`), so a reader and a tool still see them.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor

from ..schema.validation import IGNORE_ALWAYS, cel_rules, type_rules

Schema = dict[str, Any]
# dynamic messages of the Image's validate.proto: fields are read by name
Rules = Any

# ECMA-262 (unicode mode) allows escaping only its syntax characters, so re.escape will not do.
_SYNTAX = frozenset("\\^$.|?*+()[]{}/")


_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"  # no leading zero, as protovalidate
_IPV4 = rf"^{_OCTET}(\.{_OCTET}){{3}}$"


def _ipv6() -> str:
    """Eight groups of one to four hex digits, or fewer around one ``::`` (which stands for one
    group at least), the last two maybe an IPv4 address; then maybe a zone (``%eth0``), of any
    characters."""
    group = "[0-9a-fA-F]{1,4}"

    def joined(count: int) -> str:
        return group + (f"(:{group}){{{count - 1}}}" if count > 1 else "")

    def head(left: int) -> str:
        return (joined(left) if left else "") + "::"

    ipv4 = _IPV4[1:-1]
    forms = [joined(8), f"({group}:){{6}}{ipv4}"]
    forms += [head(left) + (f"({group}(:{group}){{0,{6 - left}}})?" if left < 6 else
                            f"({group})?" if left == 6 else "") for left in range(8)]
    forms += [head(left) + (f"({group}:){{0,{5 - left}}}" if left < 5 else "") + ipv4
              for left in range(6)]
    return "^(" + "|".join(forms) + ")(%.+)?$"


_IPV6 = _ipv6()
_IP = f"^({_IPV4[1:-1]}|{_IPV6[1:-1]})$"
_LABEL = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
# protovalidate's hostname: labels of 1 to 63 letters, digits and inner hyphens, the last not all
# digits, 253 characters at most, a final dot aside
_HOSTNAME: Schema = {"pattern": rf"^({_LABEL}\.)*{_LABEL}\.?$", "maxLength": 254,
                     "not": {"anyOf": [{"pattern": r"(^|\.)[0-9]+\.?$"},
                                       {"pattern": r"^.{253}[^.]$"}]}}
#: protovalidate's string formats, as keywords that hold exactly what it accepts (JSON Schema's
#: formats differ: "email" takes quoted local parts, "hostname" refuses a final dot, "ipv6" a zone)
_WELL_KNOWN: Mapping[str, Schema] = {
    # the HTML standard's "valid email address", which protovalidate checks
    "email": {"pattern": rf"^[a-zA-Z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(\.{_LABEL})*$"},
    "hostname": _HOSTNAME,
    "ipv4": {"pattern": _IPV4},
    "ipv6": {"pattern": _IPV6},
    "ip": {"pattern": _IP},
    "address": {"anyOf": [_HOSTNAME, {"pattern": _IP}]},
    "uuid": {"format": "uuid", "pattern": "^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$"},
    "tuuid": {"pattern": "^[0-9a-fA-F]{32}$"},
    "ulid": {"pattern": "^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$"},
}
_INTEGER_KINDS = frozenset({"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
                            "fixed64", "sfixed32", "sfixed64"})
#: each integer kind's range
INTEGER_RANGES = {
    **dict.fromkeys(("int32", "sint32", "sfixed32"), (-(2**31), 2**31 - 1)),
    **dict.fromkeys(("uint32", "fixed32"), (0, 2**32 - 1)),
    **dict.fromkeys(("int64", "sint64", "sfixed64"), (-(2**63), 2**63 - 1)),
    **dict.fromkeys(("uint64", "fixed64"), (0, 2**64 - 1)),
}


def _escaped(text: str) -> str:
    return "".join("\\" + c if c in _SYNTAX else c for c in text)


def _set(rules: Rules, name: str) -> bool:
    field = rules.DESCRIPTOR.fields_by_name.get(name)
    if field is None:
        return False
    return bool(getattr(rules, name)) if field.is_repeated else rules.HasField(name)


def merge(schema: Schema, keywords: Schema) -> Schema:
    """Add ``keywords`` to ``schema``; one already there with another value is kept, and the new
    one joins it under ``allOf`` (both must hold)."""
    for key, value in keywords.items():
        if key not in schema:
            schema[key] = value
        elif schema[key] != value:
            schema.setdefault("allOf", []).append({key: value})
    return schema


def _bounds(rules: Rules, kind: str) -> Schema:
    low = {"gt": "exclusiveMinimum", "gte": "minimum"}
    high = {"lt": "exclusiveMaximum", "lte": "maximum"}
    lower = next(({low[n]: getattr(rules, n)} for n in low if _set(rules, n)), {})
    upper = next(({high[n]: getattr(rules, n)} for n in high if _set(rules, n)), {})
    if kind in _INTEGER_KINDS:
        # an integer may come as a decimal string, which minimum and maximum do not judge (the
        # type's own pattern holds its range)
        least = rules.gt + 1 if _set(rules, "gt") else rules.gte if _set(rules, "gte") else None
        most = rules.lt - 1 if _set(rules, "lt") else rules.lte if _set(rules, "lte") else None
        outside = least is not None and most is not None and least > most
        if lower:
            lower["pattern"] = integer_pattern(least, None if outside else most)
        if upper:
            upper["pattern"] = integer_pattern(None if outside else least, most)
    if lower and upper and next(iter(lower.values())) > next(iter(upper.values())):
        # protovalidate reads gt > lt as "outside the range": either bound may hold
        return {"anyOf": [lower, upper]}
    return {**lower, **upper}


@functools.cache
def integer_pattern(low: int | None, high: int | None) -> str:
    """A pattern for the decimal strings of the integers from ``low`` to ``high`` (None: no bound),
    leading zeros and ``-0`` included, as json_format parses them."""
    parts = []
    zero = (low is None or low <= 0) and (high is None or high >= 0)
    if high is None or high >= 0:
        least = max(low, 0) if low is not None else 0
        parts.append("0*" + _group(_at_least(least) if high is None else _digits(least, high)))
    if low is None or low < 0:  # -m for m from the smallest magnitude (0 for "-0") to the largest
        least = 0 if zero else -high  # type: ignore[operator]  # not zero: high is below 0
        parts.append("-0*" + _group(_at_least(least) if low is None else _digits(least, -low)))
    elif zero:
        parts.append("-0+")
    return "^(" + "|".join(parts) + ")$"


def _at_least(low: int) -> list[str]:
    """Alternatives for the numbers from ``low`` (>= 0) up, without leading zeros."""
    width = len(str(low))
    return [*_digits(low, 10 ** width - 1), f"[1-9][0-9]{{{width},}}"]


def _digits(low: int, high: int) -> list[str]:
    """Alternatives for the numbers from ``low`` to ``high`` (0 <= low <= high), without leading
    zeros (from 0, with them: the caller allows them anyway): one run of equal lengths at a
    time."""
    width = len(str(high))
    if low == 0 and width > 1:  # every shorter string, then the full width padded with zeros
        shorter = "[0-9]" if width == 2 else f"[0-9]{{1,{width - 1}}}"
        return [shorter, *_same_length("0" * width, str(high))]
    out = []
    while low <= high:
        top = min(high, 10 ** len(str(low)) - 1)
        out += _same_length(str(low), str(top))
        low = top + 1
    return out


def _same_length(low: str, high: str) -> list[str]:
    """Alternatives for the digit strings of one length from ``low`` to ``high``."""
    if low == high:
        return [low]
    if len(low) == 1:
        return [f"[{low}-{high}]"]
    rest = len(low) - 1
    if low[0] == high[0]:
        return [low[0] + _group(_same_length(low[1:], high[1:]))]
    parts, tail, first, last = [], [], int(low[0]), int(high[0])
    if low[1:] != "0" * rest:  # low up to the end of its leading digit's run
        parts.append(low[0] + _group(_same_length(low[1:], "9" * rest)))
        first += 1
    if high[1:] != "9" * rest:  # the start of high's leading digit's run up to high
        tail.append(high[0] + _group(_same_length("0" * rest, high[1:])))
        last -= 1
    if first <= last:
        lead = str(first) if first == last else f"[{first}-{last}]"
        parts.append(lead + ("[0-9]" if rest == 1 else f"[0-9]{{{rest}}}"))
    return parts + tail


def _group(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(" + "|".join(alternatives) + ")"


def _listed(values: list[Any], kind: str) -> list[Any]:
    if kind in _INTEGER_KINDS:
        return [form for v in values for form in (v, str(v))]
    return list(values)


def _scalar(kind: str, rules: Rules) -> Schema:
    out: Schema = {}
    if _set(rules, "const"):
        out["enum"] = _listed([rules.const], kind)
    if _set(rules, "in"):
        out = merge(out, {"enum": _listed(list(getattr(rules, "in")), kind)})
    if _set(rules, "not_in"):
        out["not"] = {"enum": _listed(list(rules.not_in), kind)}
    return merge(out, _bounds(rules, kind))


def _string(rules: Rules) -> Schema:
    out = _scalar("string", rules)
    if _set(rules, "len"):
        out.update(minLength=rules.len, maxLength=rules.len)
    if _set(rules, "min_len"):
        out["minLength"] = rules.min_len
    if _set(rules, "max_len"):
        out["maxLength"] = rules.max_len
    patterns = [rules.pattern] if _set(rules, "pattern") else []
    if _set(rules, "prefix"):
        patterns.append("^" + _escaped(rules.prefix))
    if _set(rules, "suffix"):
        patterns.append(_escaped(rules.suffix) + "$")
    if _set(rules, "contains"):
        patterns.append(_escaped(rules.contains))
    for pattern in patterns:
        merge(out, {"pattern": pattern})
    if _set(rules, "not_contains"):
        merge(out, {"not": {"pattern": _escaped(rules.not_contains)}})
    kind = rules.WhichOneof("well_known")
    if kind in _WELL_KNOWN and getattr(rules, kind):
        merge(out, copy.deepcopy(_WELL_KNOWN[kind]))
    return out


def _enum(field: FieldDescriptor, rules: Rules) -> Schema:
    assert field.enum_type is not None
    values = field.enum_type.values_by_number

    def forms(numbers: list[int]) -> list[Any]:
        return [form for n in numbers for form in ((values[n].name, n) if n in values else (n,))]

    out: Schema = {}
    if _set(rules, "defined_only") and rules.defined_only:
        out["enum"] = forms(sorted(values))
    if _set(rules, "in"):
        merge(out, {"enum": forms(list(getattr(rules, "in")))})
    if _set(rules, "const"):
        merge(out, {"enum": forms([rules.const])})
    if _set(rules, "not_in"):
        out["not"] = {"enum": forms(list(rules.not_in))}
    return out


#: a number's zero value in each string form json_format parses ("0", "-0.0", "0e5", ".0")
ZERO_TEXT = r"^-?(0+(\.0*)?|\.0+)([eE][-+]?[0-9]+)?$"
# the buf.validate.Ignore values that skip a field's rules at its zero value: IGNORE_IF_ZERO_VALUE
# (once IGNORE_IF_UNPOPULATED) and the former IGNORE_IF_DEFAULT_VALUE
_IGNORE_IF_ZERO = frozenset({1, 2})


def zero_keywords(field: FieldDescriptor) -> Schema:
    """What a single value of the scalar or enum ``field`` is at its zero value, in every JSON form
    json_format parses."""
    if field.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES):
        return {"maxLength": 0}
    if field.type == FieldDescriptor.TYPE_BOOL:
        return {"const": False}
    if field.enum_type is not None:  # protovalidate's zero: the first value
        first = field.enum_type.values[0]
        return {"enum": [first.name, first.number]}
    return {"anyOf": [{"const": 0}, {"type": "string", "pattern": ZERO_TEXT}]}


def _unless_zero(rules: Rules | None, keywords: Schema, zero: Schema) -> Schema:
    """``keywords``, or ``zero`` too where the rules are ignored at the zero value."""
    if keywords and rules is not None and rules.ignore in _IGNORE_IF_ZERO:
        return {"anyOf": [zero, keywords]}
    return keywords


def value_keywords(field: FieldDescriptor, rules: Rules | None) -> Schema:
    """Keywords for one value of ``field`` from its ``FieldRules`` (an item's or a map value's
    rules for those), and ``x-protovalidate`` for the rules they leave to the server. A message
    is at its zero value when unset, which a value's keywords do not see."""
    keywords = _typed_keywords(field, rules)
    if field.message_type is None:
        keywords = _unless_zero(rules, keywords, zero_keywords(field))
    return merge(keywords, server_rules(rules))


def _typed_keywords(field: FieldDescriptor, rules: Rules | None) -> Schema:
    typed = type_rules(rules) if rules is not None and rules.ignore != IGNORE_ALWAYS else None
    if typed is None:
        return {}
    kind, specific = typed
    if kind == "string":
        return _string(specific)
    if kind == "enum" and field.enum_type is not None:
        return _enum(field, specific)
    if kind in _INTEGER_KINDS or kind in ("float", "double"):
        return _scalar(kind, specific)
    if kind == "bool" and _set(specific, "const"):
        return {"const": specific.const}
    if kind == "duration":
        return _duration(specific)
    if kind == "bytes":
        return _bytes(specific)
    return {}


def _nanos(duration: Any) -> int:
    return int(duration.seconds) * _NANOS + int(duration.nanos)


def _duration(rules: Rules) -> Schema:
    lower = next((n for n in ("gt", "gte") if _set(rules, n)), None)
    upper = next((n for n in ("lt", "lte") if _set(rules, n)), None)
    least = None if lower is None else _nanos(getattr(rules, lower)) + (lower == "gt")
    most = None if upper is None else _nanos(getattr(rules, upper)) - (upper == "lt")
    out: Schema = {}
    if lower and upper and _nanos(getattr(rules, lower)) > _nanos(getattr(rules, upper)):
        # protovalidate reads gt > lt as "outside the range": either bound may hold
        out["anyOf"] = [{"pattern": duration_pattern(least, None)},
                        {"pattern": duration_pattern(None, most)}]
    elif lower or upper:
        out["pattern"] = duration_pattern(least, most)

    def exactly(values: Any) -> list[Schema]:
        return [{"pattern": duration_pattern(_nanos(v), _nanos(v))} for v in values]

    if _set(rules, "const"):
        merge(out, exactly([rules.const])[0])
    if _set(rules, "in"):
        merge(out, {"anyOf": exactly(getattr(rules, "in"))})
    if _set(rules, "not_in"):
        out["not"] = {"anyOf": exactly(rules.not_in)}
    return out


def _bytes(rules: Rules) -> Schema:
    least = rules.len if _set(rules, "len") else rules.min_len if _set(rules, "min_len") else 0
    most = rules.len if _set(rules, "len") else rules.max_len if _set(rules, "max_len") else None
    return {"pattern": base64_pattern(least, most)} if (least, most) != (0, None) else {}


# the rules of each type that the keywords above hold exactly; the others are the server's
_HELD: Mapping[str, frozenset[str]] = {
    "string": frozenset({"const", "in", "not_in", "len", "min_len", "max_len", "pattern", "prefix",
                         "suffix", "contains", "not_contains", *_WELL_KNOWN}),
    "bytes": frozenset({"len", "min_len", "max_len"}),
    "bool": frozenset({"const"}),
    "enum": frozenset({"const", "in", "not_in", "defined_only"}),
    **dict.fromkeys(("duration", *_INTEGER_KINDS),
                    frozenset({"const", "in", "not_in", "gt", "gte", "lt", "lte"})),
}


#: the key of the rules a schema leaves to the server
SERVER_RULES = "x-protovalidate"


def server_rules(rules: Rules | None) -> Schema:
    """``x-protovalidate``: the ProtoJSON of the rules of a ``FieldRules`` (its type's rules and
    its CEL rules) or a ``MessageRules`` that no keyword holds; or nothing."""
    fields = rules.DESCRIPTOR.fields_by_name if rules is not None else {}
    if rules is None or "ignore" in fields and rules.ignore == IGNORE_ALWAYS:
        return {}
    out: Schema = {}
    typed = type_rules(rules) if "type" in rules.DESCRIPTOR.oneofs_by_name else None
    if typed is not None and typed[0] not in ("repeated", "map"):
        kind, specific = typed
        left = type(specific)()
        left.CopyFrom(specific)
        for name in (*_HELD.get(kind, ()), "example"):
            if name in left.DESCRIPTOR.fields_by_name:
                left.ClearField(name)
        if left.ListFields():
            out[kind] = json_format.MessageToDict(left)
    if "oneof" in fields and list(rules.oneof):
        out["oneof"] = [json_format.MessageToDict(o) for o in rules.oneof]
    cel = [{k: v for k, v in (("id", rule_id), ("message", message), ("expression", expression))
            if v} for rule_id, message, expression in cel_rules(rules)]
    if cel:
        out["cel"] = cel
    return {SERVER_RULES: out} if out else {}


def container_keywords(rules: Rules | None) -> tuple[Schema, Rules | None, Rules | None]:
    """Keywords of a repeated field or map itself, and the rules of its items (or map keys and
    values) to apply to those."""
    typed = type_rules(rules) if rules is not None and rules.ignore != IGNORE_ALWAYS else None
    if typed is None or typed[0] not in ("repeated", "map"):
        return {}, None, None
    kind, specific = typed
    names: Mapping[str, str] = ({"min_items": "minItems", "max_items": "maxItems"}
                                if kind == "repeated"
                                else {"min_pairs": "minProperties", "max_pairs": "maxProperties"})
    out: Schema = {names[n]: getattr(specific, n) for n in names if _set(specific, n)}
    if kind == "repeated" and _set(specific, "unique") and specific.unique:
        out["uniqueItems"] = True
    out = _unless_zero(rules, out, {"maxItems": 0} if kind == "repeated" else {"maxProperties": 0})
    if kind == "repeated":
        return out, (specific.items if _set(specific, "items") else None), None
    return (out, specific.keys if _set(specific, "keys") else None,
            specific.values if _set(specific, "values") else None)


def rules_text(rules: Rules | None) -> str:
    """The CEL rules of a ``FieldRules``/``MessageRules`` as lines for a description."""
    if rules is None:
        return ""
    lines = [f"- `{expression}`" + (f" ({rule_id}: {message})" if rule_id or message else "")
             for rule_id, message, expression in cel_rules(rules)]
    return ("Validation rules (CEL):\n" + "\n".join(lines)) if lines else ""


_NANOS = 10**9
#: the largest duration json_format parses, in nanoseconds (seconds at the limit may still carry
#: a fraction)
DURATION_MAX_NANOS = 315_576_000_000 * _NANOS + _NANOS - 1


def duration_pattern(low: int | None, high: int | None) -> str:
    """A pattern for the ProtoJSON durations (``"-1.5s"``; leading zeros, ``-0s`` and one to nine
    fractional digits, as json_format parses them) from ``low`` to ``high`` nanoseconds (None: no
    bound)."""
    low = -DURATION_MAX_NANOS if low is None else max(low, -DURATION_MAX_NANOS)
    high = DURATION_MAX_NANOS if high is None else min(high, DURATION_MAX_NANOS)
    parts = []
    if high >= 0:  # m nanoseconds written without a sign
        parts += _magnitudes(max(low, 0), high)
    if low <= 0:  # -m: from the smallest magnitude (0 for "-0s") to the largest
        parts += ["-" + p for p in _magnitudes(max(-high, 0), -low)]
    return "^(" + "|".join(parts or ["(?!)"]) + ")s$"


def _magnitudes(low: int, high: int) -> list[str]:
    """Alternatives for the unsigned durations from ``low`` to ``high`` nanoseconds."""
    if low > high:
        return []
    (low_s, low_f), (high_s, high_f) = divmod(low, _NANOS), divmod(high, _NANOS)
    if low_s == high_s:
        return [_seconds(low_s, low_s) + _fraction(low_f, high_f)]
    out = []
    first, last = low_s + (low_f > 0), high_s - (high_f < _NANOS - 1)
    if low_f > 0:
        out.append(_seconds(low_s, low_s) + _fraction(low_f, _NANOS - 1))
    if first <= last:
        out.append(_seconds(first, last) + _fraction(0, _NANOS - 1))
    if high_f < _NANOS - 1:
        out.append(_seconds(high_s, high_s) + _fraction(0, high_f))
    return out


def _seconds(low: int, high: int) -> str:
    return "0*" + _group(_digits(low, high))


def _fraction(low: int, high: int) -> str:
    """The optional fraction (``.5``, ``.500``: one to nine digits) of the nanoseconds from
    ``low`` to ``high`` within one second; none stands for 0."""
    if (low, high) == (0, _NANOS - 1):
        return r"(\.[0-9]{1,9})?"
    alternatives = []
    for width in range(1, 10):
        unit = 10 ** (9 - width)
        least, most = -(-low // unit), high // unit  # the width-digit fractions in range
        if least <= most:
            alternatives += _same_length(str(least).zfill(width), str(most).zfill(width))
    if not alternatives:
        return "" if low == 0 else "(?!)"
    fraction = r"\." + _group(alternatives)
    return f"({fraction})?" if low == 0 else fraction


#: bytes in ProtoJSON: base64, standard or URL-safe, with or without padding, as json_format reads
BASE64_CHARACTER = "[A-Za-z0-9+/_-]"


def base64_pattern(low: int = 0, high: int | None = None) -> str:
    """A pattern for the base64 text of ``low`` to ``high`` bytes (None: no bound)."""
    group, parts = f"{BASE64_CHARACTER}{{4}}", []
    for tail, rest in ((0, ""), (1, f"{BASE64_CHARACTER}{{2}}(==)?"),
                       (2, f"{BASE64_CHARACTER}{{3}}=?")):
        least = max(0, -(-(low - tail) // 3))
        most = None if high is None else (high - tail) // 3
        if most is not None and most < least:
            continue
        count = "*" if (least, most) == (0, None) else (
            f"{{{least},}}" if most is None else
            f"{{{least}}}" if least == most else f"{{{least},{most}}}")
        parts.append(f"({group}){count}{rest}")
    return "^(" + "|".join(parts or ["(?!)"]) + ")$"
