"""``google.api.field_behavior = REQUIRED`` on the REST wire, as the OpenAPI document states it: a
request that leaves a required field unset (at any depth, list items and map values included) is
400 with a BadRequest naming each field, joined with protovalidate's violations, and never reaches
the upstream; the URL path sets what it binds; a partial update requires only what its mask
reaches; gRPC-Web and Connect carry the gRPC contract unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from .gateway_harness import RecordingUpstream, gateway
from .validation.images import validated_image

PROTO = """
    syntax = "proto3";
    package lib.v1;
    import "buf/validate/validate.proto";
    import "google/api/annotations.proto";
    import "google/api/field_behavior.proto";
    import "google/protobuf/field_mask.proto";
    service Library {
      rpc CreateBook(CreateBookRequest) returns (Book) {
        option (google.api.http) = {post: "/v1/{parent=shelves/*}/books" body: "book"};
      }
      rpc UpdateBook(UpdateBookRequest) returns (Book) {
        option (google.api.http) = {patch: "/v1/{book.name=shelves/*/books/*}" body: "book"};
      }
      rpc SearchBooks(SearchBooksRequest) returns (Book) {
        option (google.api.http) = {get: "/v1/{parent=shelves/*}/books:search"};
      }
    }
    message Author {
      string given_name = 1 [(google.api.field_behavior) = REQUIRED];
      string family_name = 2;
    }
    message Book {
      string name = 1;
      string title = 2 [(google.api.field_behavior) = REQUIRED];
      Author author = 3;
      repeated Author editors = 4;
      map<string, Author> translators = 5;
      int32 pages = 6 [(buf.validate.field).int32.gte = 0];
    }
    message CreateBookRequest {
      string parent = 1 [(google.api.field_behavior) = REQUIRED];
      Book book = 2 [(google.api.field_behavior) = REQUIRED];
    }
    message UpdateBookRequest {
      Book book = 1 [(google.api.field_behavior) = REQUIRED];
      google.protobuf.FieldMask update_mask = 2 [(google.api.field_behavior) = OPTIONAL];
    }
    message SearchBooksRequest {
      string parent = 1 [(google.api.field_behavior) = REQUIRED];
      string query = 2 [(google.api.field_behavior) = REQUIRED];
      repeated string tags = 3 [(google.api.field_behavior) = REQUIRED];
      int32 limit = 4;
    }
"""
AUTH = {"authorization": "Bearer t0ken"}
BOOKS = "/v1/shelves/s1/books"
BOOK = "/v1/shelves/s1/books/b1"


@pytest.fixture(scope="module")
def tmp_image(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return validated_image(tmp_path_factory.mktemp("library"), {"lib/v1/lib.proto": PROTO})


@pytest.fixture(scope="module")
def library(tmp_image: Any) -> Iterator[tuple[TestClient, RecordingUpstream]]:
    with gateway(tmp_image) as pair:
        yield pair


def _refused(client: TestClient, upstream: RecordingUpstream, method: str, url: str,
             body: Any = None) -> list[tuple[str, str]]:
    """The (field, reason) pairs of a refusal, after checking it is one and went nowhere."""
    before = len(upstream.calls)
    response = client.request(method, url, json=body, headers=AUTH)
    assert response.status_code == 400, response.text
    status = response.json()
    assert status["code"] == 3 and status["message"].startswith("invalid request: ")
    [details] = status["details"]
    assert details["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert len(upstream.calls) == before
    return [(v["field"], v.get("reason", "")) for v in details["fieldViolations"]]


def _accepted(client: TestClient, upstream: RecordingUpstream, method: str, url: str,
              body: Any = None) -> Any:
    response = client.request(method, url, json=body, headers=AUTH)
    assert response.status_code < 300, response.text
    return upstream.last()[1]


def test_a_missing_required_field_is_400_naming_it_at_any_depth(library: Any) -> None:
    client, upstream = library
    assert _refused(client, upstream, "POST", BOOKS) == [("book", "field_behavior.required")]
    assert _refused(client, upstream, "POST", BOOKS, {}) == [
        ("book.title", "field_behavior.required")]
    fields = _refused(client, upstream, "POST", BOOKS, {
        "title": "t", "author": {"familyName": "f"}, "editors": [{"givenName": "g"}, {}],
        "translators": {"fr": {"givenName": ""}}})
    assert [f for f, _ in fields] == [
        "book.author.given_name", "book.editors[1].given_name", 'book.translators["fr"].given_name']


def test_a_zero_value_or_null_leaves_a_required_field_unset(library: Any) -> None:
    client, upstream = library
    assert _refused(client, upstream, "POST", BOOKS, {"title": ""}) == [
        ("book.title", "field_behavior.required")]
    assert _refused(client, upstream, "POST", BOOKS, {"title": None}) == [
        ("book.title", "field_behavior.required")]


def test_required_fields_join_protovalidate_violations_in_one_answer(library: Any) -> None:
    client, upstream = library
    assert _refused(client, upstream, "POST", BOOKS, {"pages": -1}) == [
        ("book.title", "field_behavior.required"), ("book.pages", "int32.gte")]


def test_the_url_path_sets_what_it_binds(library: Any) -> None:
    client, upstream = library
    request = _accepted(client, upstream, "POST", BOOKS, {"title": "t"})
    assert request.parent == "shelves/s1" and request.book.title == "t"


def test_query_parameters_are_required_as_the_body_is(library: Any) -> None:
    client, upstream = library
    search = "/v1/shelves/s1/books:search"
    assert [f for f, _ in _refused(client, upstream, "GET", search)] == ["query", "tags"]
    assert [f for f, _ in _refused(client, upstream, "GET", search + "?query=&tags=a")] == [
        "query"]
    request = _accepted(client, upstream, "GET", search + "?query=q&tags=a")
    assert request.query == "q" and list(request.tags) == ["a"]


def test_a_partial_update_requires_only_what_its_mask_reaches(library: Any) -> None:
    client, upstream = library
    # the derived mask names pages and author.family_name: title and given_name keep their values
    request = _accepted(client, upstream, "PATCH", BOOK, {"pages": 3, "author": {"familyName": "f"}})
    assert sorted(request.update_mask.paths) == ["author.family_name", "pages"]
    _accepted(client, upstream, "PATCH", BOOK)  # the path sets book.name: nothing to update
    # a field the mask names must be set: the update would clear it
    assert _refused(client, upstream, "PATCH", BOOK, {"title": ""}) == [
        ("book.title", "field_behavior.required")]
    assert _refused(client, upstream, "PATCH", BOOK + "?updateMask=title", {"pages": 3}) == [
        ("book.title", "field_behavior.required")]
    assert [f for f, _ in _refused(client, upstream, "PATCH", BOOK + "?updateMask=author",
                                   {"author": {"familyName": "f"}})] == ["book.author.given_name"]
    assert [f for f, _ in _refused(client, upstream, "PATCH", BOOK + "?updateMask=author.givenName",
                                   {})] == ["book.author.given_name"]
    assert [f for f, _ in _refused(client, upstream, "PATCH", BOOK + "?updateMask=*",
                                   {"pages": 1})] == ["book.title"]
    # a whole list replaces every item, so every item is held to its REQUIRED fields
    assert [f for f, _ in _refused(client, upstream, "PATCH", BOOK, {"editors": [{}]})] == [
        "book.editors[0].given_name"]
    _accepted(client, upstream, "PATCH", BOOK + "?updateMask=*", {"title": "t"})


def test_connect_and_grpc_web_carry_the_grpc_contract_unchanged(library: Any) -> None:
    """REQUIRED is the service's to enforce over gRPC (AIP-203); only REST, whose document states
    it, is held to it by the gateway."""
    client, upstream = library
    response = client.post("/lib.v1.Library/CreateBook", json={"book": {}}, headers={
        **AUTH, "connect-protocol-version": "1"})
    assert response.status_code == 200, response.text
    request = upstream.last()[1]
    assert request.HasField("book") and not request.book.title


def test_without_validation_required_fields_are_the_upstreams_to_check(tmp_image: Any) -> None:
    with gateway(tmp_image, validate=False) as (client, upstream):
        request = _accepted(client, upstream, "POST", BOOKS, {})
        assert request.HasField("book") and not request.book.title



# (verb, path, query, body, whether the gateway serves it): the document must say the same
AGREED = [
    ("POST", BOOKS, {}, None, False),
    ("POST", BOOKS, {}, {}, False),
    ("POST", BOOKS, {}, {"title": ""}, False),
    ("POST", BOOKS, {}, {"title": None}, False),
    ("POST", BOOKS, {}, {"title": "t", "author": {}}, False),
    ("POST", BOOKS, {}, {"title": "t", "editors": [{}]}, False),
    ("POST", BOOKS, {}, {"title": "t", "author": {"givenName": "g"}}, True),
    ("GET", "/v1/shelves/s1/books:search", {}, None, False),
    ("GET", "/v1/shelves/s1/books:search", {"query": "", "tags": "a"}, None, False),
    ("GET", "/v1/shelves/s1/books:search", {"query": "q", "tags": "a"}, None, True),
    ("PATCH", BOOK, {}, {"pages": 3, "author": {"familyName": "f"}}, True),
    ("PATCH", BOOK, {}, {}, True),
    ("PATCH", BOOK, {}, {"title": ""}, False),
    ("PATCH", BOOK, {}, {"title": None}, False),
    ("PATCH", BOOK, {}, {"author": {}}, False),
    ("PATCH", BOOK, {}, {"editors": [{}]}, False),
    ("PATCH", BOOK, {}, {"editors": [{"givenName": "g"}]}, True),
]


@pytest.mark.parametrize(("verb", "path", "query", "body", "served"), AGREED)
def test_the_document_requires_what_the_gateway_requires(
        library: Any, tmp_image: Any, verb: str, path: str, query: dict[str, str], body: Any,
        served: bool) -> None:
    import jsonschema

    from protopact.render.openapi import build_openapi, openapi_path
    from protopact.schema.http import http_routes

    client, _ = library
    response = client.request(verb, path, params=query, json=body, headers=AUTH)
    assert (response.status_code < 300) is served, response.text
    document = build_openapi(tmp_image, title="t", version="1")
    route = next(r for r in http_routes(tmp_image) if r.binding.verb == verb
                 and (r.binding.path_template.verb != "") == (":" in path))
    operation = document["paths"][openapi_path(route.binding.path_template)][verb.lower()]
    said = [p["name"] for p in operation.get("parameters", [])
            if p["in"] == "query" and p["required"]]
    valid = set(said) <= set(query)
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter["name"] in query:
            valid &= jsonschema.Draft202012Validator(parameter["schema"]).is_valid(
                query[parameter["name"]] if parameter["schema"].get("type") != "array"
                else [query[parameter["name"]]])
    request_body = operation.get("requestBody")
    if request_body is not None:
        if body is None:
            valid &= not request_body["required"]
        else:
            schema = {**request_body["content"]["application/json"]["schema"],
                      "components": document["components"]}
            valid &= jsonschema.Draft202012Validator(schema).is_valid(body)
    assert valid is served


def test_the_document_names_the_paths_an_update_mask_requires(library: Any, tmp_image: Any) -> None:
    """AIP-134 with AIP-203: a mask that names a REQUIRED field clears it unless the body sets it,
    so the gateway refuses that; the document cannot tie the ``updateMask`` parameter to the body,
    so the parameter says it in words and lists the paths under ``x-required-when-named``."""
    from protopact.render.openapi import build_openapi

    client, upstream = library
    document = build_openapi(tmp_image, title="t", version="1")
    [mask] = [p for p in document["paths"]["/v1/shelves/{name_shelves}/books/{name_books}"][
        "patch"]["parameters"] if p["name"] == "updateMask"]
    assert mask["x-required-when-named"] == ["title", "author.givenName"]
    assert "must be set in the body" in mask["description"]
    for path, proto, value in (("title", "book.title", {"title": "t"}),
                               ("author.givenName", "book.author.given_name",
                                {"author": {"givenName": "g"}})):
        assert _refused(client, upstream, "PATCH", f"{BOOK}?updateMask={path}", {"pages": 1}) == [
            (proto, "field_behavior.required")]
        _accepted(client, upstream, "PATCH", f"{BOOK}?updateMask={path}", value)
    # a path the list does not hold may be left out of the body: the update clears it
    request = _accepted(client, upstream, "PATCH", f"{BOOK}?updateMask=pages", {})
    assert list(request.update_mask.paths) == ["pages"]
