"""The OpenAPI document against the gateway in front of the mock, by schemathesis: every operation,
requests the document allows (positive) and requests it refuses (negative), a bounded number of
each, derandomized so that every run sends the same requests. Two APIs: the reference API, and one
of REQUIRED fields and a partial update (:mod:`.test_gateway_required`).

Positive requests never get a 5xx, and every answer (errors and stream lines included) is what the
document says, status, content type, headers and body. Negative requests are refused with a 4xx,
never served: what the document refuses, the gateway refuses. The mock ends each stream after a
few messages (``stream_limit``), so a stream is read to its end and checked like any answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
)

from protopact.compile.image import Image
from protopact.config.settings import Settings
from protopact.render.openapi import render_openapi

from .mock_harness import FAST, serving_mock
from .test_gateway import load_image
from .test_gateway_required import PROTO as LIBRARY
from .validation.images import validated_image

AUTH = {"authorization": "Bearer any-token"}
CHECKS = {
    GenerationMode.POSITIVE: [not_a_server_error, response_schema_conformance,
                              content_type_conformance, response_headers_conformance],
    GenerationMode.NEGATIVE: [not_a_server_error, negative_data_rejection,
                              response_schema_conformance, content_type_conformance],
}
EXAMPLES = 8  # per operation and mode: a few seconds for the whole API on a busy machine


@pytest.fixture(scope="module", params=["reference", "library"])
def image(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Image:
    if request.param == "reference":
        return load_image()
    return validated_image(tmp_path_factory.mktemp("library"), {"lib/v1/lib.proto": LIBRARY})


@pytest.fixture(scope="module")
def document(image: Image) -> dict[str, Any]:
    rendered = render_openapi(image, Settings(name="protopact-example-api", version="1.0.0"))
    return yaml.safe_load(rendered["openapi.yaml"])


@pytest.fixture(scope="module")
def mock_url(image: Image) -> Iterator[str]:
    with serving_mock(image, stream_limit=3, **FAST) as url:
        yield url


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["positive", "negative"])
def test_the_gateway_in_front_of_the_mock_keeps_the_document(
        document: dict[str, Any], mock_url: str, mode: GenerationMode) -> None:
    operations = [result.ok() for result in
                  schemathesis.openapi.from_dict(_undotted(document)).get_all_operations()]
    assert len(operations) == sum(len(item) for item in document["paths"].values())
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            case.call_and_validate(base_url=mock_url, headers=AUTH, checks=CHECKS[mode],
                                   timeout=20)

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
