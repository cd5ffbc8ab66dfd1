"""The example-data engine: deterministic, name-aware values that round-trip through ProtoJSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import Descriptor

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.render.examples import example_json, example_message

from .conftest import REPO, write_tree

FIXTURE = {
    "buf.yaml": "version: v2\n",
    "shapes/v1/shapes.proto": """
        syntax = "proto3";
        package shapes.v1;
        import "google/protobuf/any.proto";
        import "google/protobuf/duration.proto";
        import "google/protobuf/field_mask.proto";
        import "google/protobuf/struct.proto";
        import "google/protobuf/timestamp.proto";
        import "google/protobuf/wrappers.proto";
        enum Colour { COLOUR_DEFAULT = 0; COLOUR_RED = 1; COLOUR_BLUE = 2; }
        message Node {
          string id = 1;
          Node parent = 2;
          repeated Node children = 3;
          map<string, Node> by_name = 4;
        }
        message Everything {
          string email = 1;
          Colour colour = 2;
          oneof choice { string text = 3; int32 amount = 4; Node node = 5; }
          map<string, int64> counts = 6;
          repeated string tags = 7;
          google.protobuf.Timestamp created_at = 8;
          google.protobuf.Duration ttl = 9;
          google.protobuf.StringValue msisdn = 10;
          google.protobuf.Struct attributes = 11;
          google.protobuf.Value extra = 12;
          google.protobuf.FieldMask update_mask = 13;
          google.protobuf.Any detail = 14;
          bytes blob = 15;
          double ratio = 16;
          optional uint64 user_id = 17;
          string country_code = 18;
          fixed32 f32 = 19;
          sint64 s64 = 20;
          repeated Colour colours = 21;
        }
    """,
    "scout/v1/scout.proto": """
        syntax = "proto3";
        package scout.v1;
        message Territory { string code = 1; string name = 2; }
        message Msisdn { string value = 1; }
        message SimId { string imsi = 1; }
        message Sighting { Msisdn msisdn = 1; SimId sim = 2; Territory roaming_country = 3; }
        enum ProbeHealth { PROBE_HEALTH_DEFAULT = 0; PROBE_HEALTH_NOMINAL = 1;
                           PROBE_HEALTH_FAULTY = 2; PROBE_HEALTH_WARMING_UP = 3; }
        message Probe { ProbeHealth health = 1; string last_error = 2; string label = 3; }
        enum NoticeKind { NOTICE_KIND_DEFAULT = 0; NOTICE_KIND_SIGHTING = 1; NOTICE_KIND_ALERT = 2; }
        message Notice { NoticeKind kind = 1; oneof body { Sighting sighting = 2; Probe probe_alert = 3; } }
    """,
}


def _messages(image: Image) -> list[Descriptor]:
    found: list[Descriptor] = []

    def walk(descriptors):  # type: ignore[no-untyped-def]
        for d in descriptors:
            if not d.GetOptions().map_entry:
                found.append(d)
                walk(d.nested_types)

    for f in image.files:
        walk(image.pool.FindFileByName(f.name).message_types_by_name.values())
    return found


@pytest.fixture(scope="module")
def repo_image() -> Image:
    return load_input("proto", cwd=REPO, cache=Cache(None)).image


@pytest.fixture(scope="module")
def fixture_image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    root = write_tree(tmp_path_factory.mktemp("shapes"), FIXTURE)
    return load_input(".", cwd=root, cache=Cache(None)).image


def _round_trips(descriptor: Descriptor, index: int) -> None:
    data = example_json(descriptor, index=index)
    parsed = message_factory.GetMessageClass(descriptor)()
    json_format.Parse(json.dumps(data), parsed, descriptor_pool=descriptor.file.pool)
    assert parsed == example_message(descriptor, index=index), descriptor.full_name


def test_every_repo_message_round_trips_through_protojson(repo_image: Image) -> None:
    messages = _messages(repo_image)
    assert len(messages) > 50
    for descriptor in messages:
        for index in range(3):
            _round_trips(descriptor, index)


def test_every_googleapis_message_round_trips(tmp_path: Path) -> None:
    import google.api

    site = Path(google.api.__path__[0]).parents[1]
    files = {str(p.relative_to(site)): p.read_text() for p in sorted((site / "google").rglob("*.proto"))
             if p.parts[len(site.parts) + 1] != "protobuf"}
    root = write_tree(tmp_path, {"buf.yaml": "version: v2\n", **files})
    image = load_input(".", cwd=root, cache=Cache(None)).image
    messages = _messages(image)
    assert len(messages) > 100
    for descriptor in messages:
        _round_trips(descriptor, 0)


def _json(image: Image, name: str, index: int = 0) -> dict:
    return example_json(image.pool.FindMessageTypeByName(name), index=index)


def test_telecom_values_are_name_aware(repo_image: Image) -> None:
    assert _json(repo_image, "protopact.v1.PhoneNumber") == {"e164": "+4799990000"}
    assert _json(repo_image, "protopact.v1.Country") == {"code": "NO", "name": "Norway"}
    assert _json(repo_image, "protopact.v1.Country", 1) == {"code": "SE", "name": "Sweden"}
    assert re.fullmatch(r"\d{15}", _json(repo_image, "protopact.v1.Imsi")["value"])
    imei_sv = _json(repo_image, "protopact.v1.ImeiSv")
    assert re.fullmatch(r"\d{14}", imei_sv["imei"])
    assert re.fullmatch(r"\d{2}", imei_sv["softwareVersion"])
    event = _json(repo_image, "protopact.example.events.v1.StreamCountryChangeEventsResponse")
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.fullmatch(uuid, event["metadata"]["ackId"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", event["metadata"]["timestamp"])
    # Two fields of one type in one message differ.
    change = event["countryChangeEvent"]
    assert change["previous"]["code"] != change["current"]["code"]


def test_every_kind_of_field_is_populated(fixture_image: Image) -> None:
    data = _json(fixture_image, "shapes.v1.Everything")
    assert data["email"] == "user0@example.com"
    assert data["colour"] == "COLOUR_RED"  # the first value that is not the zero value
    assert [k for k in ("text", "amount", "node") if k in data] == ["text"]
    assert len(data["counts"]) == 1
    assert len(data["tags"]) == 2 and data["tags"][0] != data["tags"][1]
    assert data["ttl"].endswith("s")
    assert re.fullmatch(r"\+\d{8,15}", data["msisdn"])
    assert data["countryCode"] == "NO"
    assert data["detail"]["@type"] == "type.googleapis.com/google.protobuf.Timestamp"
    assert data["updateMask"] == "updateMask"
    expected = {f.json_name for f in fixture_image.pool.FindMessageTypeByName(
        "shapes.v1.Everything").fields} - {"amount", "node"}
    assert set(data) == expected


def test_oneof_member_varies_with_index(fixture_image: Image) -> None:
    chosen = [next(k for k in ("text", "amount", "node") if k in _json(fixture_image,
              "shapes.v1.Everything", i)) for i in range(3)]
    assert chosen == ["text", "amount", "node"]


def test_recursive_messages_terminate(fixture_image: Image) -> None:
    node = _json(fixture_image, "shapes.v1.Node")
    assert set(node) == {"id"}  # every message field would re-enter Node


def test_same_index_is_deterministic_and_indexes_differ(repo_image: Image) -> None:
    descriptor = repo_image.pool.FindMessageTypeByName("protopact.example.webhooks.v1.Webhook")
    assert example_json(descriptor, index=3) == example_json(descriptor, index=3)
    items = [json.dumps(example_json(descriptor, index=i), sort_keys=True) for i in range(20)]
    assert len(set(items)) == 20


def test_a_message_agrees_with_itself_whatever_its_types_are_called(fixture_image: Image) -> None:
    calling = {"NO": "+47", "SE": "+46", "DK": "+45", "FI": "+358"}
    mobile = {"NO": "242", "SE": "240", "DK": "238", "FI": "244"}
    kinds, healths = set(), set()
    for index in range(8):
        sighting = _json(fixture_image, "scout.v1.Sighting", index)
        country = sighting["roamingCountry"]["code"]
        assert sighting["msisdn"]["value"].startswith(calling[country])
        assert sighting["sim"]["imsi"].startswith(mobile[country])
        probe = _json(fixture_image, "scout.v1.Probe", index)
        healths.add(probe["health"])
        assert ("lastError" in probe) == (probe["health"] == "PROBE_HEALTH_FAULTY"), probe
        notice = _json(fixture_image, "scout.v1.Notice", index)
        kinds.add(notice["kind"])
        assert ("sighting" in notice) == (notice["kind"] == "NOTICE_KIND_SIGHTING"), notice
    assert len(kinds) == 2 and len(healths) == 3  # every case was seen
