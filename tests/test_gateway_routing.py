"""Routing: custom verbs and ranking whatever the declaration order, ``**`` as zero or more segments,
encoded bytes in paths and queries, duplicate JSON keys, and the gateway's own 405/OPTIONS/CORS
answers. The matcher is also compared with a reference written from ``google/api/http.proto``'s
grammar, on random templates and paths."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from protopact.gateway.pathtemplate import compile_template, expand
from protopact.gateway.router import Router
from protopact.schema.http import (
    DEEP_WILDCARD,
    WILDCARD,
    Binding,
    HttpRoute,
    PathTemplate,
    Variable,
)

from .gateway_harness import RecordingUpstream, compile_proto, gateway

OPS = """
    syntax = "proto3";
    package ops.v1;
    import "google/api/annotations.proto";
    service Ops {
      rpc GetOp(OpRequest) returns (Op) { option (google.api.http) = {post: "/v1/{name=ops/*}" body: "*"}; }
      rpc CancelOp(OpRequest) returns (Op) { option (google.api.http) = {post: "/v1/{name=ops/*}:cancel" body: "*"}; }
      rpc ListFiles(OpRequest) returns (Op) { option (google.api.http) = {get: "/v1/{name=files/**}"}; }
      rpc GetThing(OpRequest) returns (Op) { option (google.api.http) = {get: "/v1/things/{name}"}; }
      rpc GetTree(OpRequest) returns (Op) { option (google.api.http) = {get: "/v1/{name=trees/**}:get"}; }
    }
    message OpRequest {
      string name = 1; string note = 2; Due due_by = 3; repeated Due due_list = 4; int32 count = 5;
      map<int32, Due> by_number = 6;
    }
    message Due { string due_note = 1; }
    message Op { string name = 1; }
"""
AUTH = {"authorization": "Bearer t0ken"}


def _ops(root: Path, reverse: bool) -> Any:
    text = OPS
    if reverse:  # the same service with the two POST bindings declared the other way round
        lines = text.splitlines()
        get, cancel = (next(i for i, line in enumerate(lines) if f"rpc {n}(" in line)
                       for n in ("GetOp", "CancelOp"))
        lines[get], lines[cancel] = lines[cancel], lines[get]
        text = "\n".join(lines)
    return compile_proto(root, {"ops/v1/ops.proto": text})


@pytest.fixture(scope="module", params=[False, True], ids=["declared", "reversed"])
def ops(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[tuple[TestClient, RecordingUpstream]]:
    image = _ops(tmp_path_factory.mktemp("ops"), request.param)
    with gateway(image, cors_origins=("https://app.example",)) as pair:
        yield pair


def test_custom_verb_selects_its_binding_whatever_the_order(ops: Any) -> None:
    client, upstream = ops
    assert client.post("/v1/ops/o1:cancel", json={}, headers=AUTH).status_code == 200
    name, request, _ = upstream.last()
    assert (name, request.name) == ("CancelOp", "ops/o1")
    assert client.post("/v1/ops/o1", json={}, headers=AUTH).status_code == 200
    assert upstream.last()[0] == "GetOp"
    # a colon that is no route's verb stays part of the segment
    assert client.post("/v1/ops/o1:other", json={}, headers=AUTH).status_code == 200
    assert (upstream.last()[0], upstream.last()[1].name) == ("GetOp", "ops/o1:other")


def test_deep_wildcard_matches_zero_or_more_segments(ops: Any) -> None:
    client, upstream = ops
    for path, name in (("/v1/files", "files"), ("/v1/files/a", "files/a"),
                       ("/v1/files/a/b/c", "files/a/b/c"), ("/v1/trees:get", "trees")):
        assert client.get(path, headers=AUTH).status_code == 200, path
        assert upstream.last()[1].name == name


def test_encoded_slash_in_multi_segment_variable_is_left_as_sent(ops: Any) -> None:
    client, upstream = ops
    client.get("/v1/files/a%2fb/c%2Fd/%C3%A9", headers=AUTH)
    assert upstream.last()[1].name == "files/a%2fb/c%2Fd/é"
    client.get("/v1/things/a%2Fb", headers=AUTH)  # one segment: fully decoded
    assert upstream.last()[1].name == "a/b"


@pytest.mark.parametrize("url", ["/v1/things/%FF", "/v1/files/a/%C3", "/v1/things/x?note=%FF",
                                 "/v1/things/x?%FE=1"])
def test_invalid_utf8_in_path_or_query_is_400(ops: Any, url: str) -> None:
    client, _ = ops
    response = client.get(url, headers=AUTH)
    assert response.status_code == 400 and response.json()["code"] == 3
    assert "UTF-8" in response.json()["message"]


def test_duplicate_json_keys_are_400(ops: Any) -> None:
    client, _ = ops
    response = client.post("/v1/ops/o1", content=b'{"note": "a", "note": "b"}', headers=AUTH)
    assert response.status_code == 400
    assert response.json()["details"][0]["fieldViolations"][0]["field"] == "note"


@pytest.mark.parametrize(("body", "query", "field"), [
    ({"dueBy": {}, "due_by": {}}, "dueBy.dueNote=a&due_by.due_note=b", "due_by"),
    ({"dueList": [{}, {"dueNote": "a", "due_note": "b"}]}, "", "due_list[1].due_note"),
    ({"count": "+1"}, "count=+1", "count"), ({"count": "1_0"}, "count=1_0", "count"),
    ({"count": "1e1"}, "count=1e1", "count"), ({"count": "\u0661"}, "", "count"),
    ({"byNumber": {"+1": {}}}, "", "by_number"),
])
def test_what_json_format_reads_loosely_is_400(ops: Any, body: Any, query: str,
                                               field: str) -> None:
    """json_format takes one field under both its names (keeping the last, silently), and an
    integer in a string in any form Python's int or float reads; the document says one name and
    decimal digits."""
    client, upstream = ops
    before = len(upstream.calls)
    response = client.post("/v1/ops/o1", json=body, headers=AUTH)
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["fieldViolations"][0]["field"] == field
    if query:
        assert client.get(f"/v1/things/t?{query}", headers=AUTH).status_code == 400
    assert len(upstream.calls) == before


def test_an_integer_in_a_string_may_have_leading_zeros(ops: Any) -> None:
    client, upstream = ops
    assert client.post("/v1/ops/o1", json={"count": "-010", "byNumber": {"-0": {}}},
                       headers=AUTH).status_code == 200
    assert upstream.calls[-1][1].count == -10


@pytest.mark.parametrize("method", ["PUT", "DELETE", "TRACE", "OPTIONS", "PROPFIND"])
def test_methods_a_route_does_not_serve_get_405_with_allow(ops: Any, method: str) -> None:
    client, _ = ops
    response = client.request(method, "/v1/things/x", headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == 12
    assert client.request(method, "/v1/nowhere").status_code == 404


def test_cors_preflight_lists_the_methods_the_path_serves(ops: Any) -> None:
    client, _ = ops
    preflight = {"origin": "https://app.example", "access-control-request-method": "POST",
                 "access-control-request-headers": "authorization, x-trace-id"}
    response = client.options("/v1/ops/o1", headers=preflight)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert response.headers["access-control-allow-methods"] == "POST"
    assert "x-trace-id" in response.headers["access-control-allow-headers"]
    wrong = client.options("/v1/ops/o1", headers={**preflight, "access-control-request-method": "GET"})
    assert wrong.status_code == 405 and wrong.json()["code"] == 12
    stranger = client.options("/v1/ops/o1", headers={**preflight, "origin": "https://evil.example"})
    assert stranger.status_code == 403 and stranger.json()["code"] == 7
    actual = client.get("/v1/things/x", headers={**AUTH, "origin": "https://app.example"})
    assert actual.headers["access-control-allow-origin"] == "https://app.example"
    assert "grpc-status-details-bin" in actual.headers["access-control-expose-headers"]


def test_non_ascii_credentials_are_401_and_other_headers_400(ops: Any) -> None:
    client, _ = ops
    response = client.get("/v1/things/x", headers={"authorization": "Bearer t\xe9ken".encode("latin-1")})
    assert response.status_code == 401 and response.json()["code"] == 16
    assert "t\xe9ken" not in response.text
    response = client.get("/v1/things/x", headers={**AUTH, "x-note": "caf\xe9".encode("latin-1")})
    assert response.status_code == 400 and "x-note" in response.json()["message"]
    ok = client.get("/v1/things/x", headers={**AUTH, "x-trace-bin": "AAEC"})
    assert ok.status_code == 200


# -- the matcher against a reference written from http.proto's grammar ---------------------------

def reference_match(template: PathTemplate, path: str) -> dict[str, str] | None:
    """Template = "/" Segments [ Verb ]: split off the verb, then match segment by segment,
    ``*`` one segment, ``**`` any number (tried from fewest), literals by their decoded text."""
    if template.verb:
        if not path.endswith(":" + template.verb):
            return None
        path = path[:-len(template.verb) - 1]
    segments = path[1:].split("/") if path != "/" else []
    if any(s == "" for s in segments):
        return None
    items = [(s, None) if not isinstance(s, Variable) else (p, s)
             for s in template.segments
             for p in ((s,) if not isinstance(s, Variable) else s.segments)]

    def go(i: int, j: int, bound: dict[int, list[str]]) -> dict[int, list[str]] | None:
        if i == len(items):
            return bound if j == len(segments) else None
        pattern, variable = items[i]
        key = id(variable)
        take = range(len(segments) - j + 1) if pattern == DEEP_WILDCARD else [1]
        for n in take:
            if j + n > len(segments):
                return None
            got = segments[j:j + n]
            if pattern not in (WILDCARD, DEEP_WILDCARD) and unquote(got[0]) != pattern:
                return None
            trial = dict(bound)
            if variable is not None:
                trial[key] = [*trial.get(key, []), *got]
            found = go(i + 1, j + n, trial)
            if found is not None:
                return found
        return None

    bound = go(0, 0, {})
    if bound is None:
        return None
    out = {}
    for variable in template.variables:
        parts = bound.get(id(variable), [])
        multi = len(variable.segments) > 1 or DEEP_WILDCARD in variable.segments
        out[variable.field] = ("/".join(_keep_slashes(p) for p in parts) if multi
                               else unquote(parts[0]))
    return out


def _keep_slashes(segment: str) -> str:
    out, i = [], 0
    while i < len(segment):
        if segment[i:i + 3].lower() == "%2f":
            out.append(segment[i:i + 3])
            i += 3
        else:
            j = segment.lower().find("%2f", i)
            j = len(segment) if j < 0 else j
            out.append(unquote(segment[i:j]))
            i = j
    return "".join(out)


_literal = st.sampled_from(["v1", "a", "b", "ops", "x-y", "é"])
_ident = st.sampled_from(["name", "parent", "id", "item.name"])


@st.composite
def templates(draw: st.DrawFn) -> PathTemplate:
    segments: list[Any] = []
    fields: set[str] = set()
    deep = False
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["literal", "star", "deep", "variable"]))
        if kind == "deep" and not deep:
            deep = True
            segments.append(DEEP_WILDCARD)
        elif kind == "variable":
            field = draw(_ident)
            if field in fields:
                continue
            fields.add(field)
            inner = draw(st.lists(st.one_of(_literal, st.just(WILDCARD), st.just(DEEP_WILDCARD)),
                                  min_size=1, max_size=3))
            if inner.count(DEEP_WILDCARD) + deep > 1:
                inner = [s for s in inner if s != DEEP_WILDCARD] or [WILDCARD]
            deep = deep or DEEP_WILDCARD in inner
            segments.append(Variable(tuple(field.split(".")), tuple(inner)))
        elif kind == "star":
            segments.append(WILDCARD)
        else:
            segments.append(draw(_literal))
    if not segments:
        segments.append("v1")
    return PathTemplate(tuple(segments), draw(st.sampled_from(["", "", "cancel"])))


_piece = st.sampled_from(["v1", "a", "b", "ops", "x-y", "%C3%A9", "%2F", "c%2fd", "o:cancel", "q"])


@st.composite
def paths(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_piece, min_size=0, max_size=6))
    return "/" + "/".join(pieces) + draw(st.sampled_from(["", ":cancel"]))


@settings(max_examples=300, deadline=None)
@given(templates(), paths())
def test_matcher_agrees_with_the_grammar(template: PathTemplate, path: str) -> None:
    assert compile_template(template).match(path) == reference_match(template, path)


@settings(max_examples=200, deadline=None)
@given(templates(), st.data())
def test_expanded_paths_match_back(template: PathTemplate, data: st.DataObject) -> None:
    value = st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=6)
    values = {}
    for variable in template.variables:
        parts = []
        for s in variable.segments:
            if s == DEEP_WILDCARD:
                parts.extend(data.draw(st.lists(value, max_size=2)))
            else:
                parts.append(data.draw(value) if s == WILDCARD else s)
        values[variable.field] = "/".join(parts)
    path = expand(template, values)
    assert compile_template(template).match(path) == reference_match(template, path) == values


def _specificity(template: PathTemplate) -> tuple[int, ...]:
    """Independent of the router's code: verb first, then per segment literal < * < **."""
    order = {WILDCARD: 1, DEEP_WILDCARD: 2}
    return (0 if template.verb else 1, *(
        order.get(p, 0) for s in template.segments
        for p in (s.segments if isinstance(s, Variable) else (s,))))


@settings(max_examples=150, deadline=None)
@given(st.lists(templates(), min_size=2, max_size=6), paths(), st.randoms())
def test_router_picks_the_most_specific_whatever_the_order(
        found: list[PathTemplate], path: str, rnd: random.Random) -> None:
    routes = [HttpRoute(None, Binding("GET", t, "", "", False, 0)) for t in found]  # type: ignore[arg-type]
    matching = [t for t in found if reference_match(t, path) is not None]
    shuffled = list(routes)
    rnd.shuffle(shuffled)
    for order in (routes, shuffled):
        router = Router(order, lambda r: r.binding.path_template)
        if not matching:
            with pytest.raises(Exception, match="No route"):
                router.find("GET", path)
            continue
        best = min(_specificity(t) for t in matching)
        winner = router.find("GET", path).target
        assert _specificity(winner) == best


