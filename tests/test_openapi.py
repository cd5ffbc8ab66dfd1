"""The openapi target: a valid OpenAPI 3.1 document with every binding, deterministic output, and a
schemathesis run through the gateway that finds no server error and no schema violation."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

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


def test_gateway_conforms_to_openapi(document: dict[str, Any], served: str) -> None:  # noqa: F811
    """Every operation, a bounded number of generated requests each, against the live gateway."""
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance,
              response_headers_conformance]
    operations = [result.ok() for result in
                  schemathesis.openapi.from_dict(_undotted(document)).get_all_operations()]
    assert len(operations) == sum(len(item) for item in document["paths"].values())
    for operation in operations:
        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def check(case: Any) -> None:
            case.call_and_validate(base_url=served, headers=AUTH, checks=checks)

        check()


def _undotted(document: dict[str, Any]) -> dict[str, Any]:
    """The document with ``{a.b}`` path parameters renamed ``{a__b}``: schemathesis fills paths with
    ``str.format``, which reads a dot as attribute access. The URLs it builds are unchanged."""
    text = json.dumps(document)
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and "." in parameter["name"]:
                    dotted = parameter["name"]
                    text = text.replace(f'"name": "{dotted}", "in": "path"',
                                        f'"name": "{dotted.replace(".", "__")}", "in": "path"')
                    text = text.replace("{" + dotted + "}", "{" + dotted.replace(".", "__") + "}")
    return json.loads(text)


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
    assert {"/v1/projects/{project}/as/{a}", "/v1/projects/{project}/bs/{b}"} <= set(spec["paths"])
    parameters = spec["paths"]["/v1/projects/{project}/as/{a}"]["get"]["parameters"]
    assert [p["name"] for p in parameters if p["in"] == "path"] == ["project", "a"]
