"""ProtoJSON read strictly where ``json_format`` reads loosely: a float in a string is a JSON
number (or ``NaN``/``Infinity``/``-Infinity``) within its type's range, bytes are base64, a
Duration is ``"1.5s"``, a Timestamp RFC 3339 as ProtoJSON writes it and a FieldMask lowerCamelCase
paths, in bodies, queries and paths, as the document's patterns say; and what is refused elsewhere
(one field under both its names, loose numbers and durations) is refused inside an ``Any`` too, at
any depth, on REST and Connect JSON."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from protopact.render.jsonschema import FLOAT_TEXT

from .gateway_harness import RecordingUpstream, compile_proto, gateway

PROTO = """
    syntax = "proto3";
    package strict.v1;
    import "google/api/annotations.proto";
    import "google/protobuf/any.proto";
    import "google/protobuf/duration.proto";
    import "google/protobuf/field_mask.proto";
    import "google/protobuf/timestamp.proto";
    import "google/protobuf/wrappers.proto";
    service Meter {
      rpc Record(Reading) returns (Reading) {
        option (google.api.http) = {post: "/v1/readings" body: "*"};
      }
      rpc Scale(Reading) returns (Reading) {
        option (google.api.http) = {get: "/v1/scales/{factor}"};
      }
    }
    message Reading {
      float level = 1;
      double factor = 2;
      google.protobuf.FloatValue maybe = 3;
      repeated double samples = 4;
      map<string, float> by_sensor = 5;
      google.protobuf.Any extra = 6;
      repeated google.protobuf.Any notes = 7;
      bytes blob = 8;
      google.protobuf.Duration wait = 9;
      google.protobuf.Timestamp at = 10;
      google.protobuf.FieldMask mask = 11;
    }
    message Note {
      string note_text = 1;
      int64 seen_count = 2;
      Note inner_note = 3;
      google.protobuf.Any attached = 4;
      double weight = 5;
    }
"""
AUTH = {"authorization": "Bearer t0ken"}
NOTE = "type.googleapis.com/strict.v1.Note"
WKT = "type.googleapis.com/google.protobuf."
CONNECT = {**AUTH, "connect-protocol-version": "1", "content-type": "application/json"}


@pytest.fixture(scope="module")
def meter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, RecordingUpstream]]:
    image = compile_proto(tmp_path_factory.mktemp("strict"), {"strict/v1/strict.proto": PROTO})
    with gateway(image) as pair:
        yield pair


LOOSE_FLOATS = ["+1.5", "1_0", ".5", "5.", "01.5", "inf", "-inf", "nan", "NAN", "infinity",
                " 1", "1 ", "\u0661", "0x10", "1e", "--1"]


@pytest.mark.parametrize("text", LOOSE_FLOATS)
def test_a_float_in_a_loose_string_form_is_400_in_body_query_and_path(meter: Any,
                                                                      text: str) -> None:
    client, upstream = meter
    before = len(upstream.calls)
    assert not re.fullmatch(FLOAT_TEXT, text)
    for body, field in (({"level": text}, "level"), ({"maybe": text}, "maybe"),
                        ({"samples": ["1", text]}, "samples"),
                        ({"bySensor": {"a": text}}, 'by_sensor["a"]')):
        response = client.post("/v1/readings", json=body, headers=AUTH)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["details"][0]["fieldViolations"][0]["field"] == field
    assert client.get("/v1/scales/1", params={"level": text}, headers=AUTH).status_code == 400
    if text.strip() == text and "/" not in text:
        assert client.get(f"/v1/scales/{text}", headers=AUTH).status_code == 400
    assert len(upstream.calls) == before


@pytest.mark.parametrize(("text", "value"), [
    ("1.5", 1.5), ("-0", -0.0), ("0", 0.0), ("1e3", 1000.0), ("-2.5E-1", -0.25),
    ("1E+2", 100.0), ("3.4028234663852886e38", 3.4028234663852886e38), ("NaN", math.nan),
    ("Infinity", math.inf), ("-Infinity", -math.inf),
])
def test_a_float_as_a_json_number_in_a_string_or_its_words_is_read(meter: Any, text: str,
                                                                   value: float) -> None:
    client, upstream = meter
    assert re.fullmatch(FLOAT_TEXT, text) or text in ("NaN", "Infinity", "-Infinity")
    assert client.post("/v1/readings", json={"level": text, "factor": text},
                       headers=AUTH).status_code == 200
    request = upstream.last()[1]
    for read in (request.level, request.factor):
        assert read == value or math.isnan(read) and math.isnan(value)
    assert client.get(f"/v1/scales/{text}", params={"level": text}, headers=AUTH).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"level": "3.5e38"}, "level"), ({"level": "-1e39"}, "level"), ({"maybe": "1e39"}, "maybe"),
    ({"factor": "1e309"}, "factor"), ({"samples": ["-2e308"]}, "samples"),
])
def test_a_float_string_beyond_the_types_range_is_400_not_infinity(meter: Any, body: Any,
                                                                   field: str) -> None:
    """json_format refuses 3.5e38 for a float, but reads "3.5e38" as infinity."""
    client, _ = meter
    response = client.post("/v1/readings", json=body, headers=AUTH)
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["fieldViolations"][0]["field"] == field
    [(key, text)] = body.items()
    if isinstance(text, str) and math.isfinite(float(text)):  # the same number, unquoted
        assert client.post("/v1/readings", json={key: float(text)}, headers=AUTH).status_code == 400


@pytest.mark.parametrize(("extra", "field"), [
    ({"@type": NOTE, "noteText": "a", "note_text": "b"}, "extra.note_text"),
    ({"@type": NOTE, "seenCount": "1_0"}, "extra.seen_count"),
    ({"@type": NOTE, "weight": "+1"}, "extra.weight"),
    ({"@type": NOTE, "innerNote": {"seenCount": "1", "seen_count": "2"}},
     "extra.inner_note.seen_count"),
    ({"@type": NOTE, "attached": {"@type": NOTE, "innerNote": {"weight": "inf"}}},
     "extra.attached.inner_note.weight"),
    ({"@type": "type.googleapis.com/google.protobuf.Int64Value", "value": "+5"}, "extra"),
    ({"@type": "type.googleapis.com/google.protobuf.Any",
      "value": {"@type": NOTE, "noteText": "a", "note_text": "b"}}, "extra.note_text"),
    ({"@type": WKT + "Duration", "value": "+1s"}, "extra"),
    ({"@type": WKT + "Duration", "value": "1.s"}, "extra"),
    ({"@type": WKT + "Timestamp", "value": "2024-1-5T01:02:03Z"}, "extra"),
    ({"@type": WKT + "FieldMask", "value": "a,,b"}, "extra"),
    ({"@type": WKT + "Any", "value": {"@type": WKT + "Duration", "value": "1_0s"}}, "extra"),
    ({"@type": NOTE, "attached": {"@type": WKT + "Duration", "value": "+1s"}}, "extra.attached"),
])
def test_what_is_refused_elsewhere_is_refused_inside_an_any(meter: Any, extra: Any,
                                                            field: str) -> None:
    client, upstream = meter
    before = len(upstream.calls)
    for body, where in (({"extra": extra}, field),
                        ({"notes": [{"@type": NOTE}, extra]}, field.replace("extra", "notes[1]"))):
        response = client.post("/v1/readings", json=body, headers=AUTH)
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["fieldViolations"][0]["field"] == where
    # Connect's JSON is ProtoJSON too
    response = client.post("/strict.v1.Meter/Record", json={"extra": extra}, headers=CONNECT)
    assert response.status_code == 400 and response.json()["code"] == "invalid_argument"
    assert len(upstream.calls) == before


def test_a_repeated_key_inside_an_any_is_400(meter: Any) -> None:
    client, _ = meter
    body = b'{"extra": {"@type": "%s", "innerNote": {"noteText": "a", "noteText": "b"}}}' % (
        NOTE.encode())
    response = client.post("/v1/readings", content=body, headers=AUTH)
    assert response.status_code == 400, response.text
    assert "appears twice" in response.json()["message"]


def test_an_any_in_its_strict_form_passes(meter: Any) -> None:
    client, upstream = meter
    extra = {"@type": NOTE, "noteText": "a", "seen_count": "-007", "weight": "2.5e1",
             "attached": {"@type": "type.googleapis.com/google.protobuf.DoubleValue",
                          "value": "NaN"}}
    response = client.post("/v1/readings", json={"extra": extra}, headers=AUTH)
    assert response.status_code == 200, response.text
    note = upstream.last()[1].extra
    assert note.type_url == NOTE
    for name, text in (("Duration", "-007.5s"), ("Timestamp", "2024-02-29T23:59:59.5-01:30"),
                       ("FieldMask", "noteText,innerNote.seenCount")):
        response = client.post("/v1/readings", json={"extra": {"@type": WKT + name,
                                                               "value": text}}, headers=AUTH)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(("field", "text", "served"), [
    ("blob", "AB", True), ("blob", "AB==", True), ("blob", "YW-_", True), ("blob", "YW+/", True),
    ("blob", "", True), ("blob", "!!!!", False), ("blob", "AB=", False), ("blob", "A", False),
    ("blob", "a b=", False), ("wait", "1.5s", True), ("wait", "-0s", True), ("wait", "007s", True),
    ("wait", "+1s", False), ("wait", "1_0s", False), ("wait", "1.s", False),
    ("wait", " 1s", False), ("wait", "1.0000000001s", False),
])
def test_bytes_and_durations_are_read_in_the_documents_form(meter: Any, field: str, text: str,
                                                            served: bool) -> None:
    """json_format skips what base64 does not use ("!!!!" is no bytes) and reads a duration's
    seconds as Python's int does ("+1s", "1_0s")."""
    from protopact.render.constraints import base64_pattern
    from protopact.render.wellknown import DURATION_TEXT

    assert bool(re.fullmatch(base64_pattern() if field == "blob" else DURATION_TEXT,
                             text)) is served
    client, _ = meter
    response = client.post("/v1/readings", json={field: text}, headers=AUTH)
    assert (response.status_code == 200) is served, response.text
    if not served:
        assert response.json()["details"][0]["fieldViolations"][0]["field"] == field
    query = client.get("/v1/scales/1", params={field: text}, headers=AUTH)
    assert (query.status_code == 200) is served, query.text


# json_format reads each of these (one-digit fields, any offset, a fraction as a float, other
# scripts' digits, an empty fraction); the document's pattern does not
LOOSE_TIMES = ["2020-1-1T1:2:3Z", "2020-01-01T00:00:00+5:0", "2020-01-01T00:00:00+99:99",
               "2020-01-01T00:00:00.5e-1Z", "2020-01-01T00:00:00.1_0Z", "2020-01-01T00:00:00.Z",
               "2020-01-01T00:00:00+ 1:00", "2020-01-01T00:00:00+-1:00", "\u0662020-01-01T00:00:00Z",
               "2020-01-01T00:00:00.+01:00", "2020-01-01T00:00:00+24:00",
               "0001-01-01T05:00:00+01:00", "9999-12-31T01:00:00-00:30"]


@pytest.mark.parametrize(("text", "served"), [
    *((text, False) for text in LOOSE_TIMES),
    ("2020-01-01T00:00:00Z", True), ("2020-02-29T23:59:59.999999999Z", True),
    ("2000-02-29T00:00:00.1+23:59", True), ("0001-01-01T00:00:00Z", True),
    ("0001-01-01T00:00:00-23:59", True), ("0001-01-01T00:00:00+00:00", True),
    ("9999-12-31T23:59:59.999999999Z", True), ("9999-12-31T23:59:59+10:00", True),
    ("9999-12-31T23:59:59-00:00", True), ("2020-01-01T00:00:00.12345Z", True),
    # what json_format refuses the pattern refuses too
    ("2021-02-29T00:00:00Z", False), ("1900-02-29T00:00:00Z", False),
    ("2020-04-31T00:00:00Z", False), ("2020-01-01T00:00:60Z", False),
    ("2020-01-01t00:00:00Z", False), ("2020-01-01T00:00:00z", False),
    ("0000-01-01T00:00:00Z", False), ("2020-01-01T00:00:00.1234567891Z", False),
    ("2020-01-01T00:00:00+0100", False), ("2020-01-01T24:00:00Z", False),
])
def test_a_timestamp_is_read_in_the_documents_form(meter: Any, text: str, served: bool) -> None:
    from google.protobuf import json_format, timestamp_pb2

    from protopact.render.wellknown import SPECIAL_TEXT

    assert bool(re.fullmatch(SPECIAL_TEXT["google.protobuf.Timestamp"], text)) is served
    if text in LOOSE_TIMES:  # json_format alone would take it
        json_format.Parse(json.dumps(text), timestamp_pb2.Timestamp())
    client, _ = meter
    response = client.post("/v1/readings", json={"at": text}, headers=AUTH)
    assert (response.status_code == 200) is served, response.text
    if not served:
        assert response.json()["details"][0]["fieldViolations"][0]["field"] == "at"
    assert (client.get("/v1/scales/1", params={"at": text}, headers=AUTH).status_code
            == 200) is served


def test_the_timestamp_pattern_holds_every_real_date_and_no_other() -> None:
    """Every day of every year json_format takes, against the calendar: the pattern is exact."""
    import calendar
    import datetime

    from protopact.render.wellknown import SPECIAL_TEXT

    pattern = re.compile(SPECIAL_TEXT["google.protobuf.Timestamp"])
    for year in range(1, 10000):
        leap = f"{year:04}-02-29T12:00:00Z"
        assert bool(pattern.fullmatch(leap)) is calendar.isleap(year), leap
    for year in (1, 4, 100, 400, 1900, 2000, 2023, 2024, 9999):
        for month in range(1, 13):
            for day in range(1, 33):
                text = f"{year:04}-{month:02}-{day:02}T00:00:00Z"
                real = day <= calendar.monthrange(year, month)[1]
                assert bool(pattern.fullmatch(text)) is real, text
    assert not pattern.fullmatch(f"{datetime.MAXYEAR + 1}-01-01T00:00:00Z")


@pytest.mark.parametrize(("text", "served"), [
    ("", True), ("displayName", True), ("a.b,c1", True), ("*", True), ("a,*", False), ("a,,b", False), ("a-b", False),
    (",", False), ("Abc", False), ("a b", False), ("a..b", False), ("1a", False),
])
def test_a_field_mask_is_read_in_the_documents_form(meter: Any, text: str, served: bool) -> None:
    from protopact.render.wellknown import SPECIAL_TEXT

    assert bool(re.fullmatch(SPECIAL_TEXT["google.protobuf.FieldMask"], text)) is served
    client, _ = meter
    response = client.post("/v1/readings", json={"mask": text}, headers=AUTH)
    assert (response.status_code == 200) is served, response.text


@pytest.fixture(scope="module")
def document_any(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A validator of the document's ``google.protobuf.Any`` (a request's) for the meter API."""
    import jsonschema
    import yaml

    from protopact.config.settings import Settings
    from protopact.render.openapi import render_openapi

    image = compile_proto(tmp_path_factory.mktemp("doc"), {"strict/v1/strict.proto": PROTO})
    document = yaml.safe_load(render_openapi(image, Settings(name="m", version="1"))[
        "openapi.yaml"])
    return jsonschema.Draft202012Validator({"$ref": "#/components/schemas/google.protobuf.Any",
                                            "components": document["components"]})


@pytest.mark.parametrize(("extra", "served"), [
    ({}, True), ({"@type": NOTE}, True), ({"@type": NOTE, "noteText": "a", "seenCount": 3}, True),
    ({"@type": WKT + "Duration", "value": "1s"}, True),
    ({"@type": WKT + "Int64Value", "value": 5}, True),
    ({"@type": WKT + "Any", "value": {"@type": NOTE, "innerNote": {}}}, True),
    ({"@type": WKT + "Any", "value": {}}, True),
    ({"@type": "type.googleapis.com/strict.v1.Reading", "wait": "2s"}, True),
    # json_format takes each of these; the document does not list it
    ({"@type": "example.com/strict.v1.Note"}, False), ({"@type": "strict.v1.Note"}, False),
    ({"@type": "/strict.v1.Note"}, False),
    ({"@type": WKT + "FileDescriptorProto", "name": "a.proto"}, False),
    ({"@type": "type.googleapis.com/google.api.HttpRule", "get": "/v1"}, False),
    ({"@type": WKT + "Duration", "value": "1s", "note": 1}, False),
    # json_format refuses these too
    ({"@type": WKT + "Duration"}, False), ({"@type": NOTE + "Nope"}, False),
    ({"noteText": "a"}, False), ({"@type": None}, False), ({"@type": 5}, False),
    ({"@type": WKT + "Int64Value", "value": None}, False),
])
def test_an_any_holds_a_type_the_document_lists_in_its_form(meter: Any, document_any: Any,
                                                            extra: Any, served: bool) -> None:
    """The document lists the API's messages and the well-known types under
    ``type.googleapis.com/``, each in its ProtoJSON form, and the gateway takes those, no more."""
    client, upstream = meter
    assert document_any.is_valid(extra) is served
    before = len(upstream.calls)
    response = client.post("/v1/readings", json={"extra": extra}, headers=AUTH)
    assert (response.status_code == 200) is served, response.text
    if not served:
        assert response.json()["details"][0]["fieldViolations"][0]["field"] == "extra"
        assert len(upstream.calls) == before
    connect = client.post("/strict.v1.Meter/Record", json={"extra": extra}, headers=CONNECT)
    assert (connect.status_code == 200) is served, connect.text


def test_the_document_lists_the_apis_messages_and_the_well_known_types(document_any: Any) -> None:
    schema = document_any.schema["components"]["schemas"]["google.protobuf.Any"]
    assert schema["oneOf"][0] == {"type": "object", "maxProperties": 0}
    members = [m["properties"]["@type"]["const"] for m in schema["oneOf"][1:]]
    assert "type.googleapis.com/strict.v1.Note" in members
    assert "type.googleapis.com/google.protobuf.Timestamp" in members
    assert not [m for m in members if "Descriptor" in m or "google.api." in m]
    assert members == sorted(members)
