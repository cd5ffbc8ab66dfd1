"""buf.gen.yaml ``types`` and ``exclude_types`` (v2 per input and per plugin, v1 ``types.include``):
a plugin that records its CodeGeneratorRequest is run by ``buf generate`` and by ``protopact
generate`` on the same templates, and the requests must agree: the same files to generate, and the
same descriptors, pruned alike, with the same source info (each location's path renumbered and
comments dropped alike; only the order of locations, which the compilers choose, is ignored)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from google.protobuf.compiler import plugin_pb2
from google.protobuf.descriptor_pb2 import DescriptorProto, FileDescriptorProto

from .conftest import buf_binary, run, write_tree

TREE = {
    "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
    "proto/acme/opts/v1/opts.proto": """
        syntax = "proto3";
        package acme.opts.v1;
        import "google/protobuf/descriptor.proto";
        // A method option.
        extend google.protobuf.MethodOptions { Audit audit = 50001; }
        extend google.protobuf.FieldOptions { bool secret = 50002; }
        message Audit { string level = 1; Unused unused = 2; }
        message Unused { int32 x = 1; }
    """,
    "proto/acme/common/v1/money.proto": """
        syntax = "proto3";
        package acme.common.v1;
        // Money.
        message Money { string currency = 1; int64 units = 2; }
        // A colour.
        enum Colour { COLOUR_UNSPECIFIED = 0; COLOUR_RED = 1; }
        message Lonely { int32 x = 1; }
    """,
    "proto/acme/shop/v1/shop.proto": """
        syntax = "proto3";
        // The shop.
        package acme.shop.v1;
        import "acme/common/v1/money.proto";
        import "acme/opts/v1/opts.proto";
        import "google/protobuf/timestamp.proto";
        import public "acme/shop/v1/extra.proto";
        // An order.
        message Order {
          // its id
          string id = 1 [(acme.opts.v1.secret) = true];
          acme.common.v1.Money total = 2;
          google.protobuf.Timestamp placed = 3;
          map<string, Line> lines = 4;
          // A line.
          message Line { int32 qty = 1; Kind kind = 2; }
          enum Kind { KIND_UNSPECIFIED = 0; KIND_X = 1; }
          oneof pay { string card = 5; Extra extra = 6; }
          // Nested, unused.
          message Note { string text = 1; }
        }
        message GetOrderRequest { string id = 1; }
        message ListOrdersRequest { int32 size = 1; acme.common.v1.Colour colour = 2; }
        message ListOrdersResponse { repeated Order orders = 1; }
        // Orders.
        service Shop {
          // Get one.
          rpc GetOrder(GetOrderRequest) returns (Order) {
            option (acme.opts.v1.audit).level = "high";
          }
          // List.
          rpc ListOrders(ListOrdersRequest) returns (ListOrdersResponse);
        }
        service Other { rpc Ping(GetOrderRequest) returns (GetOrderRequest); }
    """,
    "proto/acme/shop/v1/extra.proto": """
        syntax = "proto3";
        package acme.shop.v1;
        message Extra { string note = 1; }
        message Outer { message Inner { int32 y = 1; } Inner inner = 1; }
    """,
    "proto/acme/v2/ext.proto": """
        syntax = "proto2";
        package acme.v2;
        message Base { optional int32 a = 1; extensions 100 to 200; }
        extend Base { optional string tag = 100; }
        message User { optional Base base = 1; }
    """,
}
# Writes each request it gets as the one file it generates (base64: a request is binary).
DUMP = f"""#!{sys.executable}
import base64, sys
from google.protobuf.compiler import plugin_pb2
request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
request.ClearField("compiler_version")
response = plugin_pb2.CodeGeneratorResponse(supported_features=3, minimum_edition=900,
                                            maximum_edition=1001)
first = request.file_to_generate[0].replace("/", "_") if request.file_to_generate else "none"
response.file.add(name=first + ".b64",
                  content=base64.b64encode(request.SerializeToString(deterministic=True)).decode())
sys.stdout.buffer.write(response.SerializeToString())
"""


def _plugin(**options: object) -> dict[str, object]:
    return {"local": "protoc-gen-dump", "out": "gen", "strategy": "all", "include_imports": True,
            "include_wkt": True, **options}


def _v2(inputs: dict[str, object], *plugins: dict[str, object]) -> dict[str, object]:
    return {"version": "v2", "inputs": [{"directory": "proto", **inputs}],
            "plugins": list(plugins) or [_plugin()]}


TEMPLATES = {
    "message": _v2({"types": ["acme.shop.v1.Order"]}),
    "service": _v2({"types": ["acme.shop.v1.Shop"]}),
    "method": _v2({"types": ["acme.shop.v1.Shop.ListOrders"]}),
    "nested-and-extended": _v2({"types": ["acme.shop.v1.Outer.Inner", "acme.v2.User"]}),
    "package": _v2({"types": ["acme.common.v1"]}),
    "exclude-only": _v2({"exclude_types": ["acme.common.v1.Money", "acme.shop.v1.Other",
                                           "acme.opts.v1"]}),
    "include-and-exclude": _v2({"types": ["acme.shop.v1.Shop"],
                                "exclude_types": ["acme.shop.v1.Order.Line",
                                                  "google.protobuf.Timestamp"]}),
    "per-plugin-by-directory": _v2(
        {}, _plugin(types=["acme.shop.v1.GetOrderRequest"]),
        _plugin(out="gen/bydir", strategy="directory", include_imports=False,
                include_wkt=False, exclude_types=["acme.common.v1.Colour"])),
    "v1": {"version": "v1", "types": {"include": ["acme.shop.v1.ListOrdersResponse"]},
           "plugins": [{"name": "dump", "out": "gen", "strategy": "all"}]},
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("types"), TREE)
    (root / "bin").mkdir()
    (root / "bin/protoc-gen-dump").write_text(DUMP)
    (root / "bin/protoc-gen-dump").chmod(0o755)
    return root


def _generate(project: Path, template: dict[str, object], who: str,
              monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    (project / "gen").mkdir(exist_ok=True)
    for old in (project / "gen").rglob("*.b64"):
        old.unlink()
    (project / "buf.gen.yaml").write_text(yaml.safe_dump(template))
    monkeypatch.setenv("PATH", f"{project / 'bin'}{os.pathsep}{os.environ['PATH']}")
    if who == "buf":
        done = subprocess.run([buf_binary(), "generate", "--template", "buf.gen.yaml"],
                              cwd=project, capture_output=True, text=True, check=False,
                              env={**os.environ, "BUF_CACHE_DIR": str(project / ".bufcache")})
        assert done.returncode == 0, done.stderr
    else:
        result = run("generate", "--template", "buf.gen.yaml", cwd=project)
        assert result.exit_code == 0, result.stderr
    return {p.relative_to(project).as_posix(): base64.b64decode(p.read_text())
            for p in sorted((project / "gen").rglob("*.b64"))}


def _comparable(data: bytes, descriptor_types: set[str]) -> plugin_pb2.CodeGeneratorRequest:
    """A request with its locations in one order, and descriptor.proto reduced to the types
    pruning kept of it (buf carries a newer descriptor.proto than protoc, with more types)."""
    request = plugin_pb2.CodeGeneratorRequest.FromString(data)
    for f in [*request.proto_file, *request.source_file_descriptors]:
        if f.name == "google/protobuf/descriptor.proto":
            kept = sorted(set(_type_names(f)) & descriptor_types)
            f.Clear()
            f.name, f.package = "google/protobuf/descriptor.proto", ",".join(kept)
            continue
        locations = sorted(x.SerializeToString(deterministic=True)
                           for x in f.source_code_info.location)
        del f.source_code_info.location[:]
        for location in locations:
            f.source_code_info.location.add().MergeFromString(location)
    return request


def _type_names(f: FileDescriptorProto | DescriptorProto, prefix: str = "") -> list[str]:
    messages = f.message_type if isinstance(f, FileDescriptorProto) else f.nested_type
    names = [prefix + e.name for e in f.enum_type]
    for message in messages:
        names += [prefix + message.name, *_type_names(message, f"{prefix}{message.name}.")]
    return names


@pytest.fixture(scope="module")
def descriptor_types(project: Path) -> set[str]:
    """The types of the descriptor.proto protopact compiles (an older one than buf's)."""
    assert run("build", "proto", "-o", "all.binpb", cwd=project).exit_code == 0
    from protopact.compile.inputs import read_image_file

    image = read_image_file(project / "all.binpb", "all.binpb")
    return set(_type_names(image.by_name["google/protobuf/descriptor.proto"]))


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_pruned_requests_are_the_ones_buf_sends(project: Path, descriptor_types: set[str],
                                                name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = _generate(project, TEMPLATES[name], "buf", monkeypatch)
    ours = _generate(project, TEMPLATES[name], "protopact", monkeypatch)
    assert set(ours) == set(theirs) and theirs
    for path, data in theirs.items():
        expected = _comparable(data, descriptor_types)
        assert _comparable(ours[path], descriptor_types) == expected, (name, path)


def test_bad_type_names_are_refused_in_bufs_words(project: Path) -> None:
    for inputs, words in [
        ({"types": ["acme.nope.Thing"]}, 'inclusion of type "acme.nope.Thing": not found'),
        ({"types": ["google.protobuf.Timestamp"]},
         'inclusion of type "google.protobuf.Timestamp": type declared in imported module'),
        ({"exclude_types": ["acme.Nope"]}, 'exclusion of type "acme.Nope": not found'),
        ({"types": ["acme.shop.v1.Order"], "exclude_types": ["acme.shop.v1.Order"]},
         'inclusion of type "acme.shop.v1.Order": type excluded by filter'),
        ({"exclude_types": ["acme.shop.v1.ListOrdersResponse"]},
         ('cannot include method "acme.shop.v1.Shop.ListOrders" as its input type '
          '"acme.shop.v1.ListOrdersRequest" is type excluded by filter')),
    ]:
        (project / "bad.gen.yaml").write_text(yaml.safe_dump(_v2(inputs)))
        theirs = subprocess.run([buf_binary(), "generate", "--template", "bad.gen.yaml"],
                                cwd=project, capture_output=True, text=True, check=False)
        assert theirs.returncode == 1 and words in theirs.stderr, theirs.stderr
        ours = run("generate", "--template", "bad.gen.yaml", cwd=project)
        assert ours.exit_code == 1 and ours.stderr == f"{words}\n"
