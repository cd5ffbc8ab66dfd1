"""google.api.field_behavior through the gateway, as the OpenAPI document states it: an output-only
field a request sets (at any depth) never reaches the upstream, nor a PATCH's derived mask; an
input-only field never reaches a REST response."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf import message_factory
from starlette.testclient import TestClient

from .gateway_harness import RecordingUpstream, compile_proto, gateway

PROTO = """
    syntax = "proto3";
    package shelf.v1;
    import "google/api/annotations.proto";
    import "google/api/field_behavior.proto";
    import "google/protobuf/field_mask.proto";
    service Shelves {
      rpc CreateShelf(Shelf) returns (Shelf) {
        option (google.api.http) = {post: "/v1/shelves" body: "*"};
      }
      rpc UpdateShelf(UpdateShelfRequest) returns (Shelf) {
        option (google.api.http) = {patch: "/v1/{shelf.name=shelves/*}" body: "shelf"};
      }
    }
    message Note {
      string text = 1;
      string author = 2 [(google.api.field_behavior) = OUTPUT_ONLY];
      string draft = 3 [(google.api.field_behavior) = INPUT_ONLY];
    }
    message Shelf {
      string name = 1;
      string create_time = 2 [(google.api.field_behavior) = OUTPUT_ONLY];
      string secret = 3 [(google.api.field_behavior) = INPUT_ONLY];
      string title = 4;
      repeated Note notes = 5;
      map<string, Note> by_key = 6;
      Note pinned = 7 [(google.api.field_behavior) = OUTPUT_ONLY];
    }
    message UpdateShelfRequest { Shelf shelf = 1; google.protobuf.FieldMask update_mask = 2; }
"""
AUTH = {"authorization": "Bearer t0ken"}


def echo(method: Any, request: Any, context: grpc.ServicerContext) -> Any:
    """The shelf as the upstream stores it: what it was sent, with what only it sets."""
    shelf = message_factory.GetMessageClass(method.output_type)()
    shelf.CopyFrom(request if method.name == "CreateShelf" else request.shelf)
    shelf.create_time, shelf.secret = "2026-01-01T00:00:00Z", "kept upstream"
    shelf.notes.add(text="t", author="server", draft="d")
    shelf.by_key["k"].draft = "d"
    return shelf


@pytest.fixture(scope="module")
def shelves(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient,
                                                                        RecordingUpstream]]:
    image = compile_proto(tmp_path_factory.mktemp("shelves"), {"shelf/v1/shelf.proto": PROTO})
    with gateway(image, echo) as pair:
        yield pair


def test_output_only_fields_a_request_sets_are_ignored(shelves: Any) -> None:
    client, upstream = shelves
    sent = {"title": "t", "createTime": "yesterday", "pinned": {"text": "p"},
            "notes": [{"text": "n", "author": "me"}], "byKey": {"a": {"author": "me"}}}
    response = client.post("/v1/shelves", json=sent, headers=AUTH)
    assert response.status_code == 201, response.text
    _, request, _ = upstream.last()
    assert request.title == "t" and not request.create_time and not request.HasField("pinned")
    assert request.notes[0].text == "n" and not request.notes[0].author
    assert not request.by_key["a"].author
    assert response.json()["createTime"] == "2026-01-01T00:00:00Z"


def test_a_patch_mask_leaves_output_only_fields_out(shelves: Any) -> None:
    client, upstream = shelves
    response = client.patch("/v1/shelves/s1", json={"title": "u", "createTime": "x",
                                                    "pinned": {"text": "p"}}, headers=AUTH)
    assert response.status_code == 200, response.text
    _, request, _ = upstream.last()
    assert list(request.update_mask.paths) == ["title"]
    assert request.shelf.name == "shelves/s1" and not request.shelf.create_time


def test_input_only_fields_never_reach_a_response(shelves: Any) -> None:
    client, _ = shelves
    shelf = client.post("/v1/shelves", json={"title": "t", "secret": "s"}, headers=AUTH).json()
    assert "secret" not in shelf
    assert shelf["notes"] == [{"text": "t", "author": "server"}]
    assert shelf["byKey"] == {"k": {}}
    assert "secret" not in client.patch("/v1/shelves/s1", json={"secret": "s"}, headers=AUTH).json()
