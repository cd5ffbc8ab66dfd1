"""The HTTP-binding model: google.api.http rules → bindings, path templates, request transcoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.errors import ProtopactError
from protopact.gateway.pathtemplate import compile_template
from protopact.gateway.status import HttpError
from protopact.gateway.strict import Strict
from protopact.gateway.transcode import Transcoder
from protopact.schema.http import (
    Binding,
    HttpSettings,
    PathTemplate,
    Variable,
    bindings_for,
    http_routes,
)

from .conftest import write_tree

API = """
    syntax = "proto3";
    package shop.v1;
    import "google/api/annotations.proto";
    import "google/protobuf/field_mask.proto";
    import "google/protobuf/wrappers.proto";

    service ItemService {
      rpc UpdateItem(UpdateItemRequest) returns (Item) {
        option (google.api.http) = {patch: "/v1/{item.name=shops/*/items/*}" body: "item"};
      }
      rpc SetPrice(SetPriceRequest) returns (Item) {
        option (google.api.http) = {
          custom: {kind: "HEAD" path: "/v1/items/{name}:price"}
          additional_bindings: {post: "/v1/items/{name}:setPrice" body: "*"}
        };
      }
      rpc Ping(Item) returns (Item);
    }
    message Item {
      string name = 1;
      optional int32 stock = 2;
      google.protobuf.BoolValue visible = 3;
      Price price = 4;
    }
    message Price { int64 cents = 1; string currency = 2; }
    message UpdateItemRequest {
      Item item = 1;
      google.protobuf.FieldMask update_mask = 2;
    }
    message SetPriceRequest { string name = 1; Price price = 2; }
"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Image:
    root = write_tree(tmp_path_factory.mktemp("shop"), {"shop/v1/shop.proto": API})
    return load_input(str(root), cwd=root, cache=Cache(None)).image


def _routes(image: Image) -> dict[str, object]:
    return {r.operation_id: r for r in http_routes(image)}


def test_bindings_in_declaration_order_with_default(shop: Image) -> None:
    service = shop.pool.FindServiceByName("shop.v1.ItemService")
    set_price = bindings_for(service.full_name, service.methods_by_name["SetPrice"])
    assert [(b.verb, b.path, b.body, b.is_additional, b.index) for b in set_price] == [
        ("HEAD", "/v1/items/{name}:price", "", False, 0),
        ("POST", "/v1/items/{name}:setPrice", "*", True, 1)]
    proto = shop.by_name["shop/v1/shop.proto"].service[0].method[2]
    assert bindings_for("ItemService", proto, "shop.v1") == (
        Binding("POST", PathTemplate(("shop.v1.ItemService", "Ping")), "*", "", False, 0),)
    assert bindings_for("shop.v1.ItemService", proto,
                        settings=HttpSettings(default_bindings=False)) == ()


def test_success_status_conventions(shop: Image) -> None:
    routes = _routes(shop)
    assert routes["ItemService_UpdateItem"].success_status() == 200  # type: ignore[attr-defined]
    assert routes["ItemService_SetPrice_1"].success_status() == 200  # type: ignore[attr-defined]


@pytest.mark.parametrize(("rule", "message"), [
    ('get: "/v1/{missing}"', 'path variable "missing": shop.v1.Item has no field "missing"'),
    ('get: "/v1/{price}"', 'path variable "price" must be a singular scalar'),
    ('post: "/v1/x" body: "nope"', 'body "nope": shop.v1.Item has no field "nope"'),
    ('get: "/v1/x" response_body: "nope"', 'response_body "nope"'),
    ('get: "v1/x"', "expected '/' at offset 0"),
])
def test_malformed_rules_are_one_line_errors(tmp_path: Path, rule: str, message: str) -> None:
    text = API.replace("rpc Ping(Item) returns (Item);",
                       f"rpc Ping(Item) returns (Item) {{ option (google.api.http) = {{{rule}}}; }}")
    root = write_tree(tmp_path, {"shop/v1/shop.proto": text})
    image = load_input(str(root), cwd=root, cache=Cache(None)).image
    with pytest.raises(ProtopactError, match="shop.v1.ItemService.Ping") as error:
        http_routes(image)
    assert message in error.value.message and "\n" not in error.value.message


def test_multi_segment_variable_matches_and_keeps_encoded_slash() -> None:
    compiled = compile_template(PathTemplate.parse("/v1/{item.name=shops/*/items/**}:get"))
    assert compiled.match("/v1/shops/s1/items/a/b%2fc:get") == {"item.name": "shops/s1/items/a/b%2fc"}
    assert compiled.match("/v1/shops/s1/items:get") == {"item.name": "shops/s1/items"}  # "**": zero
    assert compiled.match("/v1/shops/s1/items/a") is None


def test_field_mask_derived_from_patch_body(shop: Image) -> None:
    route = _routes(shop)["ItemService_UpdateItem"]
    transcoder = Transcoder(route, shop.pool, Strict({}))  # type: ignore[arg-type]
    request = transcoder.request({"item.name": "shops/1/items/2"}, [],
                                 b'{"stock": 0, "price": {"cents": "5"}, "visible": false}')
    assert sorted(request.update_mask.paths) == ["price.cents", "stock", "visible"]
    assert request.item.name == "shops/1/items/2"
    assert request.item.HasField("stock") and request.item.stock == 0  # set to zero, not omitted
    assert request.item.HasField("visible") and not request.item.visible.value
    sent = transcoder.request({"item.name": "n"}, [("updateMask", "stock")], b'{"stock": 1}')
    assert list(sent.update_mask.paths) == ["stock"]  # the client's own mask wins
    omitted = transcoder.request({"item.name": "n"}, [], b'{"price": {}}')
    assert not omitted.item.HasField("stock") and not omitted.item.HasField("visible")


def test_query_sets_wrappers_and_optional(shop: Image) -> None:
    route = _routes(shop)["ItemService_UpdateItem"]
    transcoder = Transcoder(route, shop.pool, Strict({}))  # type: ignore[arg-type]
    with pytest.raises(HttpError) as error:
        transcoder.request({"item.name": "n"}, [("item.stock", "1")], b"")
    assert error.value.http_status == 400  # the body field cannot also come from the query


_literal = st.text("abcxyz-_.~0123456789", min_size=1, max_size=6)
_ident = st.builds(str.__add__, st.sampled_from("abz_"), st.text("abz_09", max_size=4))
_segment = st.one_of(_literal, st.just("*"))


@st.composite
def templates(draw: st.DrawFn) -> PathTemplate:
    segments: list[object] = []
    names: set[str] = set()
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            path = tuple(draw(st.lists(_ident, min_size=1, max_size=3)))
            if ".".join(path) in names:
                continue
            names.add(".".join(path))
            inner = tuple(draw(st.lists(_segment, min_size=1, max_size=3)))
            segments.append(Variable(path, inner))
        else:
            segments.append(draw(_segment))
    if draw(st.booleans()):
        segments.append("**")
    verb = draw(st.one_of(st.just(""), _literal))
    return PathTemplate(tuple(segments), verb)  # type: ignore[arg-type]


@settings(deadline=None)  # a loaded machine is slow, not wrong
@given(templates())
def test_path_templates_round_trip(template: PathTemplate) -> None:
    assert PathTemplate.parse(str(template)) == template


def test_deep_wildcard_may_be_followed_by_literals() -> None:
    # googleapis binds ".../dataStores/**}/suggestionDenyListEntries:purge"
    template = PathTemplate.parse("/v1/{parent=projects/*/dataStores/**}/entries:purge")
    assert PathTemplate.parse(str(template)) == template
    compiled = compile_template(template)
    assert compiled.match("/v1/projects/p/dataStores/a/b/entries:purge") == {
        "parent": "projects/p/dataStores/a/b"}
    assert compiled.match("/v1/projects/p/dataStores/entries:purge") == {
        "parent": "projects/p/dataStores"}
    with pytest.raises(ValueError, match=r'"\*\*" may appear only once'):
        PathTemplate.parse("/v1/{a=**}/x/{b=**}")


def test_literals_inside_a_pattern_make_a_route_more_specific(tmp_path: Path) -> None:
    from protopact.gateway.app import Gateway, GatewaySettings

    root = write_tree(tmp_path, {"s/v1/s.proto": """
        syntax = "proto3";
        package s.v1;
        import "google/api/annotations.proto";
        service S {
          rpc Any2(R) returns (R) { option (google.api.http) = {get: "/v1/{a}/{b}"}; }
          rpc Shelf(R) returns (R) { option (google.api.http) = {get: "/v1/{name=shelves/*}"}; }
        }
        message R { string a = 1; string b = 2; string name = 3; }
    """})
    image = load_input(str(root), cwd=root, cache=Cache(None)).image
    gateway = Gateway(image, "unused:1", lambda target: None, GatewaySettings())
    match = gateway.router.find("GET", "/v1/shelves/7")
    assert (match.route.method.name, match.values) == ("Shelf", {"name": "shelves/7"})
    assert gateway.router.find("GET", "/v1/racks/7").route.method.name == "Any2"


def test_query_cannot_set_body_or_path_fields_by_json_name(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"q/v1/q.proto": """
        syntax = "proto3";
        package q.v1;
        import "google/api/annotations.proto";
        service S {
          rpc Put(PutRequest) returns (Thing) {
            option (google.api.http) = {put: "/v1/things/{thing_id}" body: "new_thing"};
          }
        }
        message Thing { string label = 1; }
        message PutRequest { string thing_id = 1; Thing new_thing = 2; string note_text = 3; }
    """})
    image = load_input(str(root), cwd=root, cache=Cache(None)).image
    transcoder = Transcoder(http_routes(image)[0], image.pool, Strict({}))
    for key in ("newThing.label", "new_thing.label", "thingId", "thing_id"):
        with pytest.raises(HttpError) as error:
            transcoder.request({"thing_id": "t1"}, [(key, "x")], b"")
        assert error.value.http_status == 400, key
    sent = transcoder.request({"thing_id": "t1"}, [("noteText", "n")], b'{"label": "l"}')
    assert (sent.thing_id, sent.new_thing.label, sent.note_text) == ("t1", "l", "n")
