"""Every command that reads an INPUT gets its dependencies from the one resolver: generate, docs,
mock and gateway as well as build, lint and breaking."""

from __future__ import annotations

import json
from importlib import metadata
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


def test_deps_lists_where_each_dependency_came_from_and_what_it_served(project: Path) -> None:
    (project / "buf.yaml").write_text(
        "version: v2\nmodules:\n  - path: proto\ndeps:\n  - buf.build/acme/shared\n"
        "  - buf.build/bufbuild/protovalidate\n  - buf.build/acme/unused\n")
    listed = run("deps", cwd=project)
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "buf.build/acme/shared: directory vendor: 1 file",
        f"  {DEP}",
        f"buf.build/bufbuild/protovalidate: installed distribution protovalidate "
        f"{metadata.version('protovalidate')}: 0 files",
        "buf.build/googleapis/googleapis (library): installed distribution googleapis-common-protos "
        f"{metadata.version('googleapis-common-protos')}: 2 files",
        "  google/api/annotations.proto",
        "  google/api/http.proto",
        "buf.build/protocolbuffers/wellknowntypes (library): installed distribution grpcio-tools "
        f"{metadata.version('grpcio-tools')}: 1 file",
        "  google/protobuf/descriptor.proto",
        "buf.build/acme/unused: not resolved: map it in [tool.protopact.deps] of pyproject.toml, or "
        "run `buf build` once where the registry is reachable (buf's cache then serves it)",
    ]
    entries = json.loads(run("deps", "--format", "json", cwd=project).stdout)
    assert [(e["module"], len(e["files"])) for e in entries][:2] == [
        ("buf.build/acme/shared", 1), ("buf.build/bufbuild/protovalidate", 0)]
