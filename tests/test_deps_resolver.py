"""The dependency resolver's parts: descriptors read from generated modules, unresolvable deps said
in one line, buf.lock read as buf writes it."""

from __future__ import annotations

import importlib
import re
from importlib import metadata
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

from protopact.config.buflock import LockedDep, parse_lock
from protopact.deps import pycode
from protopact.deps.pycode import GENERATED_SUFFIXES, embedded_descriptor

from .conftest import run, write_tree


# (googleapis-common-protos ships its sources, which are served instead; importing all its modules
# would also register extensions that other tests register in this process)
@pytest.mark.parametrize("distribution", ["opentelemetry-proto", "grpc-gateway-protoc-openapiv2"])
def test_embedded_descriptors_are_what_the_modules_register(distribution: str) -> None:
    """Every file a module registers is embedded in one of the distribution's modules (some
    modules only re-export another's, as googleapis' ``operations_pb2`` does)."""
    embedded, registered = {}, {}
    for entry in metadata.files(distribution) or ():
        path = entry.as_posix()
        if not path.endswith(GENERATED_SUFFIXES) or "/_" in path:
            continue
        found = embedded_descriptor(Path(str(entry.locate())))
        if found is not None:
            embedded[found[0]] = found[1]
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        descriptor = getattr(module, "DESCRIPTOR", None)
        if descriptor is not None and hasattr(descriptor, "serialized_pb"):
            registered[descriptor.name] = descriptor.serialized_pb
    assert len(registered) >= 2 and embedded == registered


@pytest.mark.parametrize("distribution", ["protobuf", "googleapis-common-protos", "protovalidate",
                                          "opentelemetry-proto", "grpc-gateway-protoc-openapiv2"])
def test_literals_read_by_pattern_are_what_the_tokenizer_reads(
        distribution: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A literal as the generators write it is read by a pattern, anything else by the tokenizer:
    on every generated module installed, the two read the same descriptor."""
    paths = [Path(str(e.locate())) for e in metadata.files(distribution) or ()
             if e.as_posix().endswith(GENERATED_SUFFIXES)]
    by_pattern = [embedded_descriptor(p) for p in paths]
    monkeypatch.setattr(pycode, "_SINGLE", re.compile(rb"(?!)"))  # matches nothing
    assert any(by_pattern) and by_pattern == [embedded_descriptor(p) for p in paths]


def test_protoc_gen_py_modules_embed_what_they_register() -> None:
    from protovalidate._gen.buf.validate import validate_pb

    found = embedded_descriptor(Path(validate_pb.__file__))
    assert found is not None and found[0] == "buf/validate/validate.proto"
    registered = descriptor_pb2.FileDescriptorProto.FromString(validate_pb.desc().proto.to_binary())
    assert descriptor_pb2.FileDescriptorProto.FromString(found[1]) == registered


def test_old_generated_modules_wrap_the_literal(tmp_path: Path) -> None:
    """protoc before 3.20 wrote ``serialized_pb=_b('...')`` with a text literal, split in lines."""
    data = descriptor_pb2.FileDescriptorProto(name="old/v1/old.proto", package="old.v1")
    text = data.SerializeToString().decode("latin-1")
    middle = len(text) // 2
    module = tmp_path / "old_pb2.py"
    module.write_text("DESCRIPTOR = _descriptor.FileDescriptor(\n  name='old/v1/old.proto',\n"
                      f"  serialized_pb=_b({text[:middle]!r}\n    {text[middle:]!r})\n)\n")
    assert embedded_descriptor(module) == ("old/v1/old.proto", data.SerializeToString())
    (tmp_path / "plain_pb2.py").write_text("x = 1\n")
    assert embedded_descriptor(tmp_path / "plain_pb2.py") is None


def test_an_unresolvable_dep_is_one_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "buf.yaml": "version: v2\ndeps:\n  - buf.build/acme/shared:v1.2.0\n",
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nimport "acme/shared/v1/money.proto";\n'
                        "message A { acme.shared.v1.Money m = 1; }\n"})
    built = run("build", cwd=tmp_path)
    assert built.exit_code == 1
    assert built.stderr == (
        'a/v1/a.proto:3:1: buf.build/acme/shared:v1.2.0 (in buf.yaml deps) is not available for '
        'import "acme/shared/v1/money.proto": map it in [tool.protopact.deps] of pyproject.toml, '
        "or run `buf build` once where the registry is reachable (buf's cache then serves it)\n")


def test_an_import_of_an_undeclared_known_module_says_how_to_declare_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "buf.yaml": "version: v2\n",
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nimport "validate/validate.proto";\n'
                        "message A { string s = 1 [(validate.rules).string.min_len = 1]; }\n"})
    built = run("lint", cwd=tmp_path)
    assert built.exit_code == 1
    assert built.stderr == (
        'a/v1/a.proto:3:1: import "validate/validate.proto" is in '
        "buf.build/envoyproxy/protoc-gen-validate, which buf.yaml does not list in deps: add it "
        "there, then pip install protoc-gen-validate, or map it in [tool.protopact.deps] of "
        "pyproject.toml\n")


def test_protovalidate_is_served_undeclared_as_the_building_blocks_need_it(tmp_path: Path) -> None:
    # protopact's building blocks carry buf.validate rules, so validate.proto comes with them
    write_tree(tmp_path, {
        "buf.yaml": "version: v2\n",
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nimport "protopact/v1/values.proto";\n'
                        "message A { protopact.v1.PhoneNumber p = 1; }\n"})
    built = run("build", cwd=tmp_path)
    assert (built.exit_code, built.stderr) == (0, "")


def test_a_direct_import_of_protovalidate_must_be_declared_as_buf_requires(tmp_path: Path) -> None:
    source = ('syntax = "proto3";\npackage a.v1;\nimport "protopact/v1/values.proto";\n'
              'import "buf/validate/validate.proto";\n'
              "message A { string s = 1 [(buf.validate.field).string.min_len = 1]; }\n")
    write_tree(tmp_path, {"buf.yaml": "version: v2\n", "a/v1/a.proto": source})
    built = run("build", cwd=tmp_path)
    assert built.exit_code == 1
    assert built.stderr == (
        'a/v1/a.proto:4:1: import "buf/validate/validate.proto" is in '
        "buf.build/bufbuild/protovalidate, which buf.yaml does not list in deps: add it there, "
        "then pip install protovalidate, or map it in [tool.protopact.deps] of pyproject.toml\n")
    write_tree(tmp_path, {"buf.yaml": "version: v2\ndeps:\n  - buf.build/bufbuild/protovalidate\n"})
    assert run("build", cwd=tmp_path).exit_code == 0


def test_locks_of_every_version_name_their_pins() -> None:
    v1 = ("version: v1\ndeps:\n  - remote: buf.build\n    owner: bufbuild\n"
          "    repository: protovalidate\n    commit: 00000000000000000000000000000012\n"
          "    digest: shake256:ab\n")
    v2 = ("version: v2\ndeps:\n  - name: buf.build/bufbuild/protovalidate\n"
          "    commit: 9f2d3c73-7e1f-4b9c-a07e-2d1f5e5d0a11\n    digest: b5:cd\n")
    assert parse_lock(v1, "buf.lock") == (
        LockedDep("buf.build/bufbuild/protovalidate", "00000000000000000000000000000012",
                  "shake256:ab"),)
    assert parse_lock(v2, "buf.lock") == (
        LockedDep("buf.build/bufbuild/protovalidate", "9f2d3c737e1f4b9ca07e2d1f5e5d0a11", "b5:cd"),)


def test_adjacent_literals_are_joined(tmp_path: Path) -> None:
    """A literal followed by another is read whole, not cut at the first."""
    data = descriptor_pb2.FileDescriptorProto(name="split/v1/split.proto", package="split.v1")
    serialized = data.SerializeToString()
    middle = len(serialized) // 2
    module = tmp_path / "split_pb2.py"
    module.write_text("DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(\n"
                      f"    {serialized[:middle]!r}\n    {serialized[middle:]!r})\n")
    assert embedded_descriptor(module) == ("split/v1/split.proto", serialized)
