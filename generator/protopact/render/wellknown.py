"""The well-known types with a JSON form of their own, as JSON Schema: Timestamp, Duration and
FieldMask as patterned strings (the form the gateway takes, and the one json_format prints),
wrappers as their bare value, Struct, Value and ListValue as free JSON, Empty as ``{}``, Any as
an object with its ``@type`` (a request's, see :mod:`.anyschema`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Schema = dict[str, Any]

# A time is RFC 3339 as ProtoJSON writes it: a real date of the years 1 to 9999, an upper-case T and
# Z, or an offset of at most 23:59; one to nine fractional digits when parsed, 0, 3, 6 or 9 printed.
# json_format parses much more (one-digit fields, "+5:0", "1.5e-1" as a fraction, other scripts'
# digits), which the gateway refuses with this pattern. On the range's first and last days an offset
# that could move the time outside the range is refused too: a pattern cannot compare the time
# with the offset, and json_format refuses the times it moves outside.
_DATE = (r"(([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)-((0[1-9]|1[0-2])"
         r"-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
         r"|([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][48]|[13579][26]|[2468]0)00)-02-29)")
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_IN_RANGE = r"(?!0001-01-01T[^+]*\+(?!00:00)|9999-12-31T[^-]*-(?!00:00))"
_NANOS = r"(\.([0-9]{3}){1,3})?"
# Durations are parsed with up to nine fractional digits within ±315,576,000,000 s and printed like
# times' fractions. FieldMask paths are camelCase, joined by commas, or the mask is "*" (every
# field, AIP-134 and AIP-157).
PARSED_SPECIAL: Mapping[str, Schema] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time", "pattern": (
        f"^{_IN_RANGE}{_DATE}T{_CLOCK}" r"(\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")},
    "google.protobuf.Duration": {"type": "string", "pattern": (
        r"^-?(([0-9]{1,11}|[12][0-9]{11}|30[0-9]{10}|31[0-4][0-9]{9}|315[0-4][0-9]{8}"
        r"|3155[0-6][0-9]{7}|31557[0-5][0-9]{6}|315576000000)(\.[0-9]{1,9})?)s$")},
    "google.protobuf.FieldMask": {"type": "string",
                                  "pattern": r"^(\*|[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*"
                                             r"(,[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*)*)?$"},
}
#: the text of each well-known type whose JSON is one string, as the schemas (and the gateway)
#: take it
SPECIAL_TEXT = {name: schema["pattern"] for name, schema in PARSED_SPECIAL.items()}
DURATION_TEXT = SPECIAL_TEXT["google.protobuf.Duration"]
PRINTED_SPECIAL: Mapping[str, Schema] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time",
                                  "pattern": f"^{_DATE}T{_CLOCK}{_NANOS}Z$"},
    "google.protobuf.Duration": {"type": "string", "pattern": r"^-?[0-9]+" + _NANOS + "s$"},
}
SPECIAL_TYPES: Mapping[str, Schema] = {
    **PARSED_SPECIAL,
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array"},
    "google.protobuf.Empty": {"type": "object", "maxProperties": 0},
    # an Any that is set but empty prints as {}; any other needs its @type
    "google.protobuf.Any": {"type": "object", "properties": {"@type": {"type": "string"}},
                            "anyOf": [{"required": ["@type"]}, {"maxProperties": 0}]},
}
WRAPPERS = frozenset(f"google.protobuf.{name}Value" for name in (
    "Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"))
#: the well-known types with a JSON form of their own, inlined in the schemas
WELL_KNOWN = frozenset(SPECIAL_TYPES) | WRAPPERS
ANY = "google.protobuf.Any"
