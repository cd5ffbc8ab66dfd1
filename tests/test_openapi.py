"""The openapi target: a valid OpenAPI 3.1 document with every binding, deterministic output, and
stream lines as the document says (schemathesis runs in :mod:`.test_openapi_conformance`)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from protopact.compile.image import Image
from protopact.config.settings import Settings
from protopact.render.openapi import render_openapi
from protopact.render.targets import renderers
from protopact.schema.http import http_routes

from .test_gateway import AUTH, Upstream, image, load_image, upstream  # noqa: F401
from .test_gateway_grpcweb import served  # noqa: F401

SETTINGS = Settings(name="protopact-example-api", version="1.0.0")


@pytest.fixture(scope="module")
def rendered(image: Image) -> dict[str, bytes]:  # noqa: F811
    return render_openapi(image, SETTINGS)


@pytest.fixture(scope="module")
def document(rendered: dict[str, bytes]) -> dict[str, Any]:
    return yaml.safe_load(rendered["openapi.yaml"])


def test_document_is_valid_openapi_31(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"}}


def test_every_binding_is_an_operation(image: Image, document: dict[str, Any],  # noqa: F811
                                       rendered: dict[str, bytes]) -> None:
    routes = http_routes(image)
    operations = {op["operationId"]: (verb.upper(), path)
                  for path, item in document["paths"].items() for verb, op in item.items()}
    assert operations == {r.operation_id: (r.binding.verb, r.binding.path) for r in routes}
    table = json.loads(rendered["routes.json"])
    assert [(row["operationId"], row["successStatus"]) for row in table] == [
        (r.operation_id, r.success_status()) for r in routes]


def test_operations_carry_the_rest_conventions(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert next(iter(paths["/v1/webhooks"]["post"]["responses"])) == "201"
    assert next(iter(paths["/v1/webhooks/{id}"]["delete"]["responses"])) == "204"
    assert "content" not in paths["/v1/webhooks/{id}"]["delete"]["responses"]["204"]
    assert paths["/v1/current-user"]["get"]["deprecated"] is True
    get_me = paths["/v1/me"]["get"]["responses"]["200"]["content"]["application/json"]
    assert get_me["schema"]["$ref"] == "#/components/schemas/protopact.example.users.v1.User"
    deliveries = paths["/v1/webhooks/{selection.webhookId}/deliveries".replace(
        "webhookId", "webhook_id")]["get"]
    names = [(p["name"], p["in"]) for p in deliveries["parameters"]]
    assert names[0] == ("selection.webhook_id", "path")
    assert ("pagination.cursor", "query") in names and ("selection.delivered.start", "query") in names
    limited = document["components"]["responses"]["Error429"]
    assert "Retry-After" in limited["headers"]
    assert paths["/v1/webhooks"]["get"]["summary"] == (
        "Lists the webhooks that match a selection, one page at a time.")


def test_render_is_deterministic_and_registered(rendered: dict[str, bytes]) -> None:
    again = render_openapi(load_image(), SETTINGS)
    assert again == rendered
    assert len([name for name in rendered if name.startswith("schemas/")]) > 40
    assert ("openapi", "openapi") in {(r.name, r.subdirectory) for r in renderers()}


def test_stream_lines_are_what_the_document_says_error_line_included(
        document: dict[str, Any], served: str) -> None:  # noqa: F811
    import httpx
    import jsonschema

    from .test_gateway import STREAM_PATH

    media = document["paths"][STREAM_PATH]["post"]["responses"]["200"]["content"]
    line = jsonschema.Draft202012Validator({**media["application/x-ndjson"]["schema"],
                                            "components": document["components"]})
    for queue, last in (("", "metadata"), ("fail", "error")):
        response = httpx.post(served + STREAM_PATH, json={"streamConfiguration": {
            "durableQueue": queue}}, headers={**AUTH, "accept": "application/x-ndjson"})
        lines = [json.loads(text) for text in response.text.splitlines()]
        assert len(lines) > 1 and last in lines[-1]
        for item in lines:
            line.validate(item)
    assert not line.is_valid({"error": {"code": 14}, "metadata": {}})
    assert not line.is_valid({"error": "stream broke"})


def test_patterned_variables_expand_so_distinct_routes_stay_distinct(tmp_path) -> None:
    from .conftest import run, write_tree

    write_tree(tmp_path, {"d/v1/d.proto": """
        syntax = "proto3";
        package d.v1;
        import "google/api/annotations.proto";
        service S {
          rpc GetA(GetARequest) returns (R) { option (google.api.http) = {get: "/v1/{name=projects/*/as/*}"}; }
          rpc GetB(GetBRequest) returns (R) { option (google.api.http) = {get: "/v1/{name=projects/*/bs/*}"}; }
        }
        message GetARequest { string name = 1; }
        message GetBRequest { string name = 1; }
        message R { string name = 1; }
    """})
    assert run("generate", "--out", "out", cwd=tmp_path).exit_code == 0
    spec = yaml.safe_load((tmp_path / "out/openapi/openapi.yaml").read_text())
    validate(spec)
    assert {"/v1/projects/{name_projects}/as/{name_as}", "/v1/projects/{name_projects}/bs/{name_bs}"} <= set(spec["paths"])
    parameters = spec["paths"]["/v1/projects/{name_projects}/as/{name_as}"]["get"]["parameters"]
    assert [p["name"] for p in parameters if p["in"] == "path"] == ["name_projects", "name_as"]


def test_shared_routes_and_names_across_packages_stay_valid(tmp_path) -> None:
    """googleapis-shaped trees: ``google.*`` packages, one ``EndpointService`` per version, two
    services binding one URL. Operation ids and tags stay unique, every ``$ref`` resolves, and the
    first declared binding is the one served."""
    from .conftest import run, write_tree

    service = """
        syntax = "proto3";
        package google.e.VERSION;
        import "google/api/annotations.proto";
        import "google/protobuf/empty.proto";
        import "google/protobuf/struct.proto";
        service EndpointService {
          rpc GetEndpoint(GetEndpointRequest) returns (Endpoint) {
            option (google.api.http) = {get: "/v1/{name=projects/*/endpoints/*}"};
          }
        }
        service IapService {
          rpc Ping(google.protobuf.Empty) returns (google.protobuf.Struct) {
            option (google.api.http) = {post: "/v1/ping" body: "*"};
          }
          rpc GetIap(GetEndpointRequest) returns (Endpoint) {
            option (google.api.http) = {get: "/v1/{name}:iap"};
          }
          rpc UpdateIap(UpdateIapRequest) returns (Endpoint) {
            option (google.api.http) = {patch: "/v1/{endpoint.name}:iap" body: "endpoint"};
          }
        }
        service OtherService {
          option deprecated = true;
          rpc Other(GetEndpointRequest) returns (Endpoint) {
            option (google.api.http) = {get: "/v1/other/{name}"};
          }
          rpc GetEndpoint(GetEndpointRequest) returns (Endpoint) {
            option (google.api.http) = {get: "/v1/{name=projects/*/endpoints/*}"};
          }
        }
        message GetEndpointRequest { string name = 1; }
        message UpdateIapRequest { Endpoint endpoint = 1; }
        message Endpoint { string name = 1; int64 size = 2; }
    """
    write_tree(tmp_path, {"e/v1/e.proto": service.replace("VERSION", "v1"),
                          "e/v2/e.proto": service.replace("VERSION", "v2").replace("/v1/", "/v2/")})
    assert run("generate", "--out", "out", cwd=tmp_path).exit_code == 0
    text = (tmp_path / "out/openapi/openapi.yaml").read_text()
    assert "&id0" not in text  # shared sub-schemas must not print as YAML anchors
    spec = yaml.safe_load(text)
    validate(spec)
    # paths equal but for parameter names are one path to OpenAPI: the second takes the first's
    iap = [path for path in spec["paths"] if path.startswith("/v1/") and path.endswith(":iap")]
    assert iap == ["/v1/{name}:iap"] and set(spec["paths"][iap[0]]) == {"get", "patch"}
    [parameter] = spec["paths"][iap[0]]["patch"]["parameters"]
    assert parameter["name"] == "name" and "`endpoint.name`" in parameter["description"]
    operations = [op for item in spec["paths"].values() for op in item.values()
                  if "Endpoint" in op["operationId"]]
    ids = [op["operationId"] for op in operations]
    assert sorted(ids) == ["google_e_v1_EndpointService_GetEndpoint",
                           "google_e_v2_EndpointService_GetEndpoint"]
    tags = [t["name"] for t in spec["tags"]]
    assert len(tags) == len(set(tags)) and "google.e.v1.EndpointService" in tags
    ping = spec["paths"]["/v1/ping"]["post"]  # well-known types are inlined, not referenced
    assert ping["requestBody"]["content"]["application/json"]["schema"]["type"] == "object"
    assert ping["responses"]["200"]["content"]["application/json"]["schema"] == {"type": "object"}
    refs = set(re.findall(r"#/components/schemas/([\w.]+)", text))
    assert refs and refs <= set(spec["components"]["schemas"])
    assert "schemas/google.e.v1.Endpoint.json" in {
        str(p.relative_to(tmp_path / "out/openapi")) for p in (tmp_path / "out/openapi").rglob("*")}
    assert {t for op in operations for t in op["tags"]} <= set(tags)
    shadowed = spec["paths"]["/v1/projects/{name_projects}/endpoints/{name_endpoints}"]["get"]["x-shadowed"]
    assert [s["rpc"] for s in shadowed] == ["google.e.v1.OtherService.GetEndpoint"]
    assert spec["paths"]["/v1/other/{name}"]["get"]["deprecated"] is True  # by its service
    assert spec["paths"]["/v2/projects/{name_projects}/endpoints/{name_endpoints}"]["get"].get(
        "deprecated") is None
    assert spec["paths"]["/v1/ping"]["post"].get("deprecated") is None
    table = json.loads((tmp_path / "out/openapi/routes.json").read_text())
    assert len({row["operationId"] for row in table}) == len(table) == 12


def test_default_bindings_can_be_switched_off(image: Image, tmp_path) -> None:  # noqa: F811
    from protopact.config.settings import settings_from_table

    default = "/protopact.example.events.v1.SubscriptionEventService/StreamCountryChangeEvents"
    off = settings_from_table({"name": "x", "default_bindings": False}, project=tmp_path)
    assert default in yaml.safe_load(render_openapi(image, SETTINGS)["openapi.yaml"])["paths"]
    paths = yaml.safe_load(render_openapi(image, off)["openapi.yaml"])["paths"]
    assert default not in paths and "/v1/events/country-change/acks" in paths
    with pytest.raises(Exception, match="default_bindings must be true or false"):
        settings_from_table({"default_bindings": "no"}, project=tmp_path)


def test_schemas_accept_proto_field_names_as_json_format_does(image: Image, rendered) -> None:  # noqa: F811
    import jsonschema
    from google.protobuf import json_format, message_factory

    name = "protopact.example.webhooks.v1.CreateWebhookRequest"
    schema = json.loads(rendered[f"schemas/{name}.json"])
    cls = message_factory.GetMessageClass(image.pool.FindMessageTypeByName(name))
    for body in ({"url": "https://example.com/h", "retryLimit": 3},
                 {"url": "https://example.com/h", "retry_limit": 3}):
        jsonschema.validate(body, schema)
        assert json_format.ParseDict(body, cls()).retry_limit == 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"retry_limits": 3}, schema)


def test_requests_and_responses_have_schemas_of_their_own(tmp_path) -> None:
    """field_behavior splits a message used both ways; a whole body leaves out what the path sets;
    oneofs admit one member; the response form is exactly what json_format prints."""
    import jsonschema

    from .conftest import run, write_tree

    write_tree(tmp_path, {"f/v1/f.proto": """
        syntax = "proto3";
        package f.v1;
        import "google/api/annotations.proto";
        import "google/api/field_behavior.proto";
        service S {
          rpc GetShelf(GetShelfRequest) returns (Shelf) {
            option (google.api.http) = {get: "/v1/{name=shelves/*/books/*}"};
          }
          rpc CreateShelf(CreateShelfRequest) returns (Shelf) {
            option (google.api.http) = {post: "/v1/shelves" body: "shelf"};
          }
          rpc MoveShelf(MoveShelfRequest) returns (Shelf) {
            option (google.api.http) = {post: "/v1/{shelf.name=shelves/*}:move" body: "*"};
          }
        }
        message GetShelfRequest { string name = 1 [(google.api.field_behavior) = REQUIRED]; }
        message CreateShelfRequest { Shelf shelf = 1 [(google.api.field_behavior) = REQUIRED]; }
        message MoveShelfRequest {
          Shelf shelf = 1;
          oneof to { string left_of = 2; string right_of = 3; }
        }
        message Shelf {
          string name = 1 [(google.api.field_behavior) = IDENTIFIER];
          string create_time = 2 [(google.api.field_behavior) = OUTPUT_ONLY];
          string secret = 3 [(google.api.field_behavior) = INPUT_ONLY];
          string kind = 4 [(google.api.field_behavior) = IMMUTABLE];
          int64 size = 5;
          string title = 6 [(google.api.field_behavior) = REQUIRED];
        }
    """})
    assert run("generate", "--out", "out", cwd=tmp_path).exit_code == 0
    spec = yaml.safe_load((tmp_path / "out/openapi/openapi.yaml").read_text())
    validate(spec)
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    operation = paths["/v1/shelves/{name_shelves}/books/{name_books}"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "path"] == [
        "name_shelves", "name_books"]

    def valid(schema: dict[str, Any], instance: Any) -> bool:
        return jsonschema.Draft202012Validator({**schema, "components": spec["components"]}
                                               ).is_valid(instance)

    # a request-only message keeps its name and its required fields
    assert schemas["f.v1.GetShelfRequest"]["allOf"] == [{"required": ["name"]}]
    assert "f.v1.GetShelfRequest-Input" not in schemas
    response, request = schemas["f.v1.Shelf"], schemas["f.v1.Shelf-Input"]
    assert set(response["properties"]) == {"name", "createTime", "kind", "size", "title"}
    assert response["properties"]["createTime"]["readOnly"] is True
    assert "allOf" not in response and "patternProperties" not in response
    # an output-only field may come back in a request (read, changed, sent): the gateway ignores it
    assert set(request["properties"]) == {"name", "createTime", "secret", "kind", "size", "title"}
    assert request["properties"]["createTime"]["readOnly"] is True
    assert "ignored in a request" in request["properties"]["createTime"]["description"]
    assert request["properties"]["secret"]["writeOnly"] is True
    assert "Immutable" in request["properties"]["kind"]["description"]
    create = paths["/v1/shelves"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert valid(body, {"title": "t", "size": 5, "secret": "s", "kind": None})
    assert valid(body, {"title": "t", "size": "5"})
    assert valid(body, {"title": "t", "createTime": "x"})
    assert not valid(body, {"size": 5})  # the title is required in a request
    answer = create["responses"]["201"]["content"]["application/json"]["schema"]
    assert valid(answer, {"size": "5", "createTime": "x"}) and valid(answer, {})
    for unprinted in ({"size": 5}, {"secret": "s"}, {"name": None}, {"create_time": "x"}):
        assert not valid(answer, unprinted), unprinted
    # body "*": the path sets shelf.name, so the body may not; one oneof member at most
    move = paths["/v1/shelves/{name_shelves}:move"]["post"]
    body = move["requestBody"]["content"]["application/json"]["schema"]
    assert valid(body, {"shelf": {"title": "t"}, "leftOf": "a", "right_of": None})
    assert valid(body, {"shelf": None})
    for refused in ({"shelf": {"title": "t", "name": "shelves/1"}}, {"leftOf": "a", "rightOf": "b"},
                    {"left_of": "a", "leftOf": "b"}, {"shelf": {"createTime": "x"}}):
        assert not valid(body, refused), refused  # the last: a shelf needs its title
    assert valid(body, {"shelf": {"title": "t", "createTime": "x"}})


