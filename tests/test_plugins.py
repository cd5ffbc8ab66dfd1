"""The protoc plugins against ``protopact generate``: the repository's own tree, run by grpc_tools'
protoc and by the real ``buf generate``, must give byte for byte the committed ``generated/``
(which ``protopact generate --check`` keeps equal to what generate writes). ``buf.validate`` comes
from the installed protovalidate distribution, which ships no ``.proto`` source: protoc gets it as a
descriptor set, buf (which would ask the registry for it) protopact's image of the tree."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import grpc_tools
import pytest
import yaml
from google.protobuf.compiler import plugin_pb2
from google.protobuf.descriptor_pb2 import FileDescriptorSet

from protopact.compile.inputs import EMBEDDED_IMAGE
from protopact.errors import ProtopactError
from protopact.plugins.options import settings_from_parameter
from protopact.plugins.protoc import run as run_plugin

from .conftest import REPO, buf_binary, run

TARGETS = ("openapi", "docs", "python")
BIN = Path(sys.executable).parent
WKT = Path(grpc_tools.__file__).parent / "_proto"
# The repository's [tool.protopact], as plugin options.
OPTIONS = ["name=protopact-example-api", "version=1.0.0",
           r"description=The protopact reference API: events\, SMS\, webhooks and users.",
           "flavors=protobuf"]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".protopact-manifest"}


def expected(target: str) -> dict[str, bytes]:
    return tree(REPO / "generated" / target)


@pytest.fixture(scope="module")
def repo_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    image = tmp_path_factory.mktemp("image") / "repo.binpb"
    assert run("build", "-o", str(image), cwd=REPO).exit_code == 0
    return image


def test_one_protoc_call_writes_what_generate_writes(tmp_path: Path, repo_image: Path) -> None:
    proto = REPO / "proto"
    # in import-path order, as the image generate renders lists them
    names = sorted([*(p.relative_to(proto).as_posix() for p in (proto / "protopact").rglob("*.proto")),
                    "google/api/annotations.proto", "google/api/http.proto"])
    validate = tmp_path / "validate.binpb"
    validate.write_bytes(FileDescriptorSet(file=[
        f for f in FileDescriptorSet.FromString(repo_image.read_bytes()).file
        if f.name.startswith("buf/validate/")]).SerializeToString())
    args = [sys.executable, "-m", "grpc_tools.protoc", "-I.", "-Ithird_party/googleapis", f"-I{WKT}",
            f"--descriptor_set_in={validate}"]
    for target in TARGETS:
        args += [f"--plugin=protoc-gen-protopact-{target}={BIN / f'protoc-gen-protopact-{target}'}",
                 f"--protopact-{target}_out={tmp_path / target}",
                 f"--protopact-{target}_opt={','.join(OPTIONS)}"]
        (tmp_path / target).mkdir()
    done = subprocess.run([*args, *names], cwd=proto, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    for target in TARGETS:
        assert tree(tmp_path / target) == expected(target), target


def test_buf_generate_with_strategy_all_writes_what_generate_writes(tmp_path: Path,
                                                                    repo_image: Path) -> None:
    template = {"version": "v2", "plugins": [
        {"local": str(BIN / f"protoc-gen-protopact-{target}"), "out": target, "strategy": "all",
         "opt": OPTIONS} for target in TARGETS]}
    (tmp_path / "buf.gen.yaml").write_text(yaml.safe_dump(template))
    done = subprocess.run([buf_binary(), "generate", str(repo_image), "--template", str(tmp_path / "buf.gen.yaml"),
                           "-o", str(tmp_path / "out")], cwd=REPO, capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin", "BUF_CACHE_DIR": str(tmp_path / "cache"),
                               "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    for target in TARGETS:
        ours, theirs = expected(target), tree(tmp_path / "out" / target)
        embedded = f"protopact_example_api/{EMBEDDED_IMAGE}"
        if target == "python":
            assert same_declarations(theirs.pop(embedded), ours.pop(embedded))
        assert theirs == ours, target


def same_declarations(theirs: bytes, ours: bytes) -> bool:
    """buf compiles with its own compiler and well-known types: the embedded Image it gives
    declares the same files, but its source spans and comments (and descriptor.proto, a newer
    copy) differ from protoc's."""
    mine, other = (FileDescriptorSet.FromString(data) for data in (ours, theirs))
    assert [f.name for f in mine.file] == [f.name for f in other.file]
    for a, b in zip(mine.file, other.file):
        a.ClearField("source_code_info")
        b.ClearField("source_code_info")
        assert a == b or a.name == "google/protobuf/descriptor.proto", a.name
    return True


def _respond(target: str, request: plugin_pb2.CodeGeneratorRequest) -> plugin_pb2.CodeGeneratorResponse:
    sink = io.BytesIO()
    assert run_plugin(target, io.BytesIO(request.SerializeToString()), sink) == 0
    return plugin_pb2.CodeGeneratorResponse.FromString(sink.getvalue())


def test_a_bad_option_is_one_line_in_the_response() -> None:
    response = _respond("openapi", plugin_pb2.CodeGeneratorRequest(parameter="flavors=rust"))
    assert response.error == ("plugin option flavor 'rust' is not one of betterproto2, protobuf")
    assert not response.file
    assert _respond("docs", plugin_pb2.CodeGeneratorRequest(parameter="out=x")).error.startswith(
        "plugin option 'out' is not used")


def test_stdin_that_is_not_a_request_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_plugin("docs", io.BytesIO(b"\xff\xff\xff"), io.BytesIO()) == 1
    assert "is not a CodeGeneratorRequest" in capsys.readouterr().err


def test_options_mirror_the_settings_table() -> None:
    settings = settings_from_parameter(
        r"name=acme-api,description=a\, b,flavors=protobuf,flavors=betterproto2,"
        "default_bindings=false,dependencies=grpcio>=1.70")
    assert (settings.name, settings.description, settings.flavors, settings.default_bindings,
            settings.dependencies) == ("acme-api", "a, b", ("betterproto2", "protobuf"), False,
                                       ("grpcio>=1.70",))
    for bad, message in [("name", "is not key=value"), ("version=1,version=2", "given twice"),
                         ("default_bindings=yes", "true or false"), ("color=red", "unknown")]:
        with pytest.raises(ProtopactError, match=message):
            settings_from_parameter(bad)
