"""protovalidate rules become JSON Schema keywords that agree with the validator itself: each JSON
body below is judged by the schema and by ``protovalidate`` on the parsed message, and both verdicts
must match."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import protovalidate
import pytest
from google.protobuf import duration_pb2, json_format, message_factory
from hypothesis import given, settings
from hypothesis import strategies as st

from protopact.compile.image import Image
from protopact.render.constraints import base64_pattern, duration_pattern, integer_pattern
from protopact.render.jsonschema import render_json_schemas

from .validation.images import validated_image

PROTO = r'''
syntax = "proto3";
package shop.v1;
import "buf/validate/validate.proto";

enum Colour { COLOUR_DEFAULT = 0; COLOUR_RED = 1; COLOUR_BLUE = 2; }

message Order {
  option (buf.validate.message).cel = {id: "order.window", message: "from must precede to",
                                       expression: "this.from_day < this.to_day"};
  string phone_number = 1 [(buf.validate.field).string.pattern = "^\\+[1-9][0-9]{1,14}$",
                           (buf.validate.field).required = true];
  string country = 2 [(buf.validate.field).string = {len: 2, in: ["NO", "SE"]}];
  string name = 3 [(buf.validate.field).string = {min_len: 2, max_len: 5, prefix: "a.", not_contains: "x"}];
  string email = 4 [(buf.validate.field).string.email = true];
  string id = 5 [(buf.validate.field).string.uuid = true];
  int32 page_size = 6 [(buf.validate.field).int32 = {gte: 1, lte: 100}];
  uint32 max_in_flight = 7 [(buf.validate.field).uint32 = {lte: 200}];
  int64 big = 8 [(buf.validate.field).int64 = {not_in: [13]}];
  double ratio = 9 [(buf.validate.field).double = {gt: 0, lt: 1}];
  int32 outside = 10 [(buf.validate.field).int32 = {gt: 10, lt: 5}];
  Colour colour = 11 [(buf.validate.field).enum = {defined_only: true, not_in: [2]}];
  repeated string tags = 12 [(buf.validate.field).repeated = {max_items: 3, unique: true,
                                                              items: {string: {min_len: 1}}}];
  map<string, int32> counts = 13 [(buf.validate.field).map = {max_pairs: 2,
      keys: {string: {max_len: 3}}, values: {int32: {gte: 0}}}];
  optional string note = 14 [(buf.validate.field).string.const = "ok"];
  int32 from_day = 15;
  int32 to_day = 16 [(buf.validate.field).cel = {id: "to.week", message: "within a week",
                                                 expression: "this <= 7"}];
  // rules skipped at the zero value
  string alias = 17 [(buf.validate.field).ignore = IGNORE_IF_ZERO_VALUE,
                     (buf.validate.field).string.email = true];
  int32 floor = 18 [(buf.validate.field).ignore = IGNORE_IF_ZERO_VALUE,
                    (buf.validate.field).int32.gt = 5];
  repeated string codes = 19 [(buf.validate.field).ignore = IGNORE_IF_ZERO_VALUE,
                              (buf.validate.field).repeated.min_items = 2];
  Colour shade = 20 [(buf.validate.field).ignore = IGNORE_IF_ZERO_VALUE,
                     (buf.validate.field).enum.in = 2];
  map<string, string> props = 21 [(buf.validate.field).ignore = IGNORE_IF_ZERO_VALUE,
                                  (buf.validate.field).map.min_pairs = 2];
  repeated double levels = 22 [(buf.validate.field).repeated.items = {
      ignore: IGNORE_IF_ZERO_VALUE, double: {gte: 1}}];
  bool agreed = 23 [(buf.validate.field).ignore = IGNORE_IF_ZERO_VALUE,
                    (buf.validate.field).bool.const = true];
}
'''

VALID: dict[str, Any] = {"phoneNumber": "+4799990000", "country": "NO", "name": "a.b",
                         "email": "a@example.com", "id": "0c6f3b0e-5d5e-4c7a-9f5e-1d2b3c4d5e6f",
                         "pageSize": 10, "ratio": 0.5, "fromDay": 1, "toDay": 2}
CASES: list[tuple[dict[str, Any], bool]] = [
    ({}, True),
    # left out, a plain proto3 field is its zero value, which these rules reject
    ({"country": None}, False), ({"pageSize": None}, False), ({"email": None}, False),
    ({"country": ""}, False), ({"email": ""}, False),
    ({"phoneNumber": None}, False),
    ({"phoneNumber": "4799990000"}, False),
    ({"phone_number": "+4799990000", "phoneNumber": None}, True),
    ({"country": "NO"}, True), ({"country": "DK"}, False), ({"country": "NOR"}, False),
    ({"name": "a.b"}, True), ({"name": "b.b"}, False), ({"name": "a.bcdef"}, False),
    ({"name": "a.x"}, False), ({"name": "a"}, False),
    ({"email": "not an email"}, False), ({"id": "nope"}, False),
    ({"pageSize": 1}, True), ({"pageSize": 100}, True), ({"pageSize": 0}, False),
    ({"pageSize": 101}, False), ({"pageSize": "50"}, True),
    # a bound holds on an integer's string form too, leading zeros as json_format reads them
    ({"pageSize": "0"}, False), ({"pageSize": "-5"}, False), ({"pageSize": "101"}, False),
    ({"pageSize": "0100"}, True), ({"maxInFlight": "201"}, False), ({"maxInFlight": "0"}, True),
    ({"outside": "11"}, True), ({"outside": "-4"}, True), ({"outside": "7"}, False),
    ({"counts": {"a": "-1"}}, False), ({"counts": {"a": "-0"}}, True),
    ({"maxInFlight": 200}, True), ({"maxInFlight": 201}, False),
    ({"big": "13"}, False), ({"big": 13}, False), ({"big": "14"}, True),
    ({"ratio": 0.5}, True), ({"ratio": 1}, False), ({"ratio": 0}, False),
    ({"outside": 11}, True), ({"outside": 4}, True), ({"outside": 7}, False),
    ({"colour": "COLOUR_RED"}, True), ({"colour": 1}, True), ({"colour": "COLOUR_BLUE"}, False),
    ({"colour": 2}, False), ({"colour": 7}, False),
    ({"tags": ["a", "b", "c"]}, True), ({"tags": ["a", "b", "c", "d"]}, False),
    ({"tags": ["a", "a"]}, False), ({"tags": [""]}, False),
    ({"counts": {"abc": 1}}, True), ({"counts": {"abcd": 1}}, False),
    ({"counts": {"a": -1}}, False), ({"counts": {"a": 1, "b": 2, "c": 3}}, False),
    ({"note": None}, True), ({"note": "ok"}, True), ({"note": "ko"}, False),
    ({"alias": ""}, True), ({"alias": "a@b"}, True), ({"alias": "x"}, False),
    ({"floor": 0}, True), ({"floor": "0"}, True), ({"floor": "-00"}, True), ({"floor": 3}, False),
    ({"floor": 6}, True), ({"codes": []}, True), ({"codes": ["a"]}, False),
    ({"codes": ["a", "b"]}, True), ({"shade": "COLOUR_DEFAULT"}, True), ({"shade": 0}, True),
    ({"shade": "COLOUR_RED"}, False), ({"shade": 2}, True), ({"props": {}}, True),
    ({"props": {"a": "b"}}, False), ({"levels": [0, "0.0", 1, "-0e3"]}, True),
    ({"levels": [0.5]}, False), ({"agreed": False}, True), ({"agreed": True}, True),
]


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    return validated_image(tmp_path_factory.mktemp("validated"), {"shop/v1/shop.proto": PROTO})


@pytest.fixture(scope="module")
def validator(image: Image) -> jsonschema.Draft202012Validator:
    schemas = {name.removeprefix("schemas/"): json.loads(data)
               for name, data in render_json_schemas(image).items()}
    schema = schemas["shop.v1.Order.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _protovalidate_accepts(image: Image, body: dict[str, Any]) -> bool:
    cls = message_factory.GetMessageClass(image.pool.FindMessageTypeByName("shop.v1.Order"))
    message = json_format.ParseDict(body, cls())
    return not protovalidate.collect_violations(message)


@pytest.mark.parametrize(("change", "valid"), CASES, ids=[json.dumps(c) for c, _ in CASES])
def test_schema_and_protovalidate_agree(image: Image, validator: jsonschema.Draft202012Validator,
                                        change: dict[str, Any], valid: bool) -> None:
    body = {key: value for key, value in {**VALID, **change}.items() if value is not None}
    assert _protovalidate_accepts(image, body) is valid
    assert validator.is_valid(body) is valid, list(validator.iter_errors(body))


def test_rules_without_a_keyword_are_described(validator: jsonschema.Draft202012Validator) -> None:
    schema = validator.schema
    assert "`this.from_day < this.to_day` (order.window: from must precede to)" in schema["description"]
    assert "`this <= 7` (to.week: within a week)" in schema["properties"]["toDay"]["description"]


def test_an_image_without_validate_proto_has_no_rules(tmp_path: Path) -> None:
    # the same field number as an extension of another name is not a protovalidate rule
    image = validated_image(tmp_path, {"x.proto": '''
        syntax = "proto3";
        import "google/protobuf/descriptor.proto";
        extend google.protobuf.FieldOptions { int32 other = 1159; }
        message M { string s = 1 [(other) = 3]; }'''})
    schema = json.loads(render_json_schemas(image)["schemas/M.json"])
    assert schema["properties"]["s"] == {"type": "string"}


@pytest.mark.parametrize(("field", "text", "parsed"), [
    ("big", "9223372036854775807", True), ("big", "-009223372036854775808", True),
    ("big", "9223372036854775808", False), ("big", "-9223372036854775809", False),
    ("fromDay", "2147483647", True), ("fromDay", "2147483648", False),
    ("fromDay", "-0", True), ("fromDay", "0012", True),
])
def test_an_integers_string_form_is_what_json_format_parses(
        image: Image, validator: jsonschema.Draft202012Validator, field: str, text: str,
        parsed: bool) -> None:
    """Within the type's range, leading zeros and "-0" included. (json_format also reads "+1",
    "1_0" or "1e1", which the gateway refuses, as the schema does.)"""
    cls = message_factory.GetMessageClass(image.pool.FindMessageTypeByName("shop.v1.Order"))
    try:
        json_format.ParseDict({field: text}, cls())
    except json_format.ParseError:
        assert not parsed
    else:
        assert parsed
    assert validator.is_valid({**VALID, field: text}) is parsed


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.none(), st.integers(-10**20, 10**20)),
       st.one_of(st.none(), st.integers(-10**20, 10**20)),
       st.integers(-10**21, 10**21), st.integers(0, 2))
def test_integer_patterns_hold_exactly_the_range(low: int | None, high: int | None, number: int,
                                                 zeros: int) -> None:
    """The string form of a bound: the decimal strings (with leading zeros) of exactly the
    integers from ``low`` to ``high``."""
    if low is not None and high is not None and low > high:
        low, high = high, low
    pattern = re.compile(integer_pattern(low, high))
    inside = (low is None or low <= number) and (high is None or number <= high)
    for text in (str(number), ("-" if number < 0 else "") + "0" * zeros + str(abs(number))):
        assert bool(pattern.fullmatch(text)) is inside, (text, pattern.pattern)
    assert bool(pattern.fullmatch("-0")) is ((low is None or low <= 0) and (high is None or high >= 0))
    assert not pattern.fullmatch("+1") and not pattern.fullmatch("") and not pattern.fullmatch("1.0")


_SECOND = 10**9
_NANOS = st.one_of(st.none(), st.integers(-10**12 * _SECOND, 10**12 * _SECOND),
                   st.integers(-20, 20).map(lambda s: s * _SECOND),
                   st.integers(-20 * _SECOND, 20 * _SECOND))


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(_NANOS, _NANOS, st.booleans(), st.integers(0, 315_576_000_000) | st.integers(0, 25),
       st.none() | st.text("0123456789", min_size=1, max_size=9), st.integers(0, 2))
def test_duration_patterns_hold_exactly_the_range(low: int | None, high: int | None,
                                                  negative: bool, seconds: int,
                                                  fraction: str | None, zeros: int) -> None:
    """A duration rule's bounds as a pattern: exactly the durations json_format parses (leading
    zeros, "-0s", one to nine fractional digits) from ``low`` to ``high`` nanoseconds."""
    text = f"{'-' if negative else ''}{'0' * zeros}{seconds}{'.' + fraction if fraction else ''}s"
    parsed = duration_pb2.Duration()
    parsed.FromJsonString(text)
    value = parsed.seconds * _SECOND + parsed.nanos
    inside = (low is None or low <= value) and (high is None or value <= high)
    assert bool(re.fullmatch(duration_pattern(low, high), text)) is inside, (text, low, high)


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.integers(0, 12), st.none() | st.integers(0, 12), st.binary(max_size=16),
       st.booleans(), st.booleans())
def test_base64_patterns_hold_exactly_the_byte_lengths(low: int, high: int | None, data: bytes,
                                                       url: bool, padded: bool) -> None:
    """A byte length rule as a pattern on the base64 text, in each form json_format reads
    (standard or URL-safe, padded or not)."""
    text = (base64.urlsafe_b64encode if url else base64.b64encode)(data).decode()
    text = text if padded else text.rstrip("=")
    inside = low <= len(data) and (high is None or len(data) <= high)
    pattern = re.compile(base64_pattern(low, high))
    assert bool(pattern.fullmatch(text)) is inside, (text, low, high)
    if data:  # a character base64 does not use, or a padding that is not one
        assert not pattern.fullmatch(text[:-1] + "!") and not pattern.fullmatch(text + "===")
