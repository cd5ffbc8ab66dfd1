"""Every command that reads an INPUT gets its dependencies from the one resolver: generate, docs,
mock and gateway as well as build, lint and breaking."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from protopact.compile.image import Image, image_from_bytes

from .conftest import run, write_tree

DEP = "acme/shared/v1/money.proto"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A contract whose message uses a type of a dependency served from a vendored directory."""
    return write_tree(tmp_path, {
        "buf.yaml": "version: v2\nmodules:\n  - path: proto\ndeps:\n  - buf.build/acme/shared\n",
        "pyproject.toml": '[tool.protopact]\nname = "shop-api"\n\n[tool.protopact.deps]\n'
                          '"buf.build/acme/shared" = "vendor"\n',
        f"vendor/{DEP}": 'syntax = "proto3";\npackage acme.shared.v1;\n'
                         "// An amount of money.\nmessage Money { int64 units = 1; }\n",
        "proto/shop/v1/shop.proto": 'syntax = "proto3";\npackage shop.v1;\n'
                                    f'import "{DEP}";\n'
                                    'import "google/api/annotations.proto";\n'
                                    "message Price { acme.shared.v1.Money money = 1; }\n"
                                    "message GetPriceRequest { string id = 1; }\n"
                                    "service Prices { rpc GetPrice(GetPriceRequest) returns (Price)"
                                    ' { option (google.api.http) = { get: "/v1/prices/{id}" }; } }\n'})


def test_generate_embeds_the_dependency(project: Path) -> None:
    done = run("generate", cwd=project)
    assert done.exit_code == 0, done.stderr
    image = image_from_bytes((project / "generated/python/shop_api/descriptor_set.binpb")
                             .read_bytes(), label="embedded")
    assert DEP in image.by_name and image.targets == {"shop/v1/shop.proto"}


def test_docs_describe_the_dependency_type(project: Path) -> None:
    done = run("docs", "--out", "site", cwd=project)
    assert done.exit_code == 0, done.stderr
    assert "acme.shared.v1.Money" in (project / "site/docs.json").read_text()


@pytest.mark.parametrize("command, target, args", [
    ("mock", "protopact.mock.server.run", ()),
    ("gateway", "protopact.gateway.serve.serve", ("--upstream", "127.0.0.1:1")),
])
def test_servers_load_the_dependency(project: Path, monkeypatch: pytest.MonkeyPatch,
                                     command: str, target: str, args: tuple[str, ...]) -> None:
    served: list[Image] = []

    def capture(image: Image, *_: Any, **__: Any) -> None:
        served.append(image)

    monkeypatch.setattr(target, capture)
    done = run(command, *args, cwd=project)
    assert done.exit_code == 0, done.stderr
    (image,) = served
    assert image.by_name[DEP].message_type[0].name == "Money"


@pytest.mark.parametrize("command", ["generate", "docs", "mock", "gateway", "lint"])
def test_an_unresolvable_dependency_stops_every_command(project: Path, command: str) -> None:
    (project / "pyproject.toml").write_text('[tool.protopact]\nname = "shop-api"\n')
    args = {"docs": ("--out", "site"), "gateway": ("--upstream", "127.0.0.1:1")}.get(command, ())
    done = run(command, *args, cwd=project)
    assert done.exit_code == 1
    assert done.stderr.startswith("proto/shop/v1/shop.proto:3:1: buf.build/acme/shared (in buf.yaml "
                                  f'deps) is not available for import "{DEP}"')
    assert json.dumps(done.stderr).count("\\n") == 1
