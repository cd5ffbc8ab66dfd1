"""Fuzz: images mutated at random (descriptor fields set to odd values, elements dropped or doubled,
bytes flipped) through every command that reads an image. Each ends with exit 0, 1 or 100, never a
traceback, and generate writes nothing outside its output directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import run, write_tree
from .conftest import FUZZ, clean_run

TYPE = FieldDescriptor
ODD_TEXT = st.one_of(st.sampled_from(["", ".", "..x", ".acme.v1.Nope", "acme.v1.Item", "-x", "a b",
                                      "9z", "é", "x" * 300, "a/../b.proto", "/abs.proto",
                                      "google/protobuf/timestamp.proto", "Item", "\x00"]),
                     st.text(max_size=12))
ODD_INT = st.one_of(st.sampled_from([0, -1, 1, 2, 5, 19000, 536870911, 536870912, 2**31 - 1,
                                     -(2**31)]), st.integers(-3, 40))


def _slots(message: Message) -> list[tuple[Message, FieldDescriptor]]:
    """Every (message, field) reachable in ``message``: its fields, set or not, and those of the
    messages it holds."""
    found = []
    for field in message.DESCRIPTOR.fields:
        found.append((message, field))
        if field.type != TYPE.TYPE_MESSAGE or field.name == "source_code_info":
            continue  # source locations are mutated on their own (_mutate_location)
        if field.is_repeated:
            if not field.message_type.GetOptions().map_entry:
                for item in getattr(message, field.name):
                    found += _slots(item)
        elif message.HasField(field.name):
            found += _slots(getattr(message, field.name))
    return found


def _mutate(data: st.DataObject, fds: descriptor_pb2.FileDescriptorSet) -> None:
    message, field = data.draw(st.sampled_from(_slots(fds)))
    value: Any = getattr(message, field.name)
    if field.is_repeated:
        if len(value) and data.draw(st.booleans()):
            index = data.draw(st.integers(0, len(value) - 1))
            if data.draw(st.booleans()):
                del value[index]
            elif field.type == TYPE.TYPE_MESSAGE:
                value.add().CopyFrom(value[index])
            else:
                value.append(value[index])
        elif field.type not in (TYPE.TYPE_MESSAGE, TYPE.TYPE_GROUP):
            value.append(_scalar(data, field))
        return
    if field.type == TYPE.TYPE_MESSAGE:
        message.ClearField(field.name)
        return
    try:
        setattr(message, field.name, _scalar(data, field))
    except ValueError:
        pass  # a value the runtime itself refuses to hold


def _mutate_location(data: st.DataObject, fds: descriptor_pb2.FileDescriptorSet) -> None:
    """A source location's path or span set to odd numbers (out of range, negative, too many)."""
    f = data.draw(st.sampled_from([f for f in fds.file if f.source_code_info.location]))
    location = data.draw(st.sampled_from(f.source_code_info.location))
    target = location.path if data.draw(st.booleans()) else location.span
    del target[:]
    target.extend(data.draw(st.lists(ODD_INT, max_size=5)))


def _scalar(data: st.DataObject, field: FieldDescriptor) -> Any:
    if field.type == TYPE.TYPE_STRING:
        return data.draw(ODD_TEXT)
    if field.type == TYPE.TYPE_BOOL:
        return data.draw(st.booleans())
    if field.type == TYPE.TYPE_BYTES:
        return data.draw(st.binary(max_size=8))
    if field.type in (TYPE.TYPE_FLOAT, TYPE.TYPE_DOUBLE):
        return data.draw(st.floats(allow_nan=True))
    if field.type == TYPE.TYPE_ENUM:
        return data.draw(st.sampled_from([v.number for v in field.enum_type.values]))
    unsigned = field.type in (TYPE.TYPE_UINT32, TYPE.TYPE_UINT64, TYPE.TYPE_FIXED32,
                              TYPE.TYPE_FIXED64)
    return abs(data.draw(ODD_INT)) if unsigned else data.draw(ODD_INT)


def _flip(data: st.DataObject, blob: bytes) -> bytes:
    position = data.draw(st.integers(0, len(blob) - 1))
    return blob[:position] + bytes([data.draw(st.integers(0, 255))]) + blob[position + 1:]


def _mutated_image(data: st.DataObject, original: bytes) -> bytes:
    fds = descriptor_pb2.FileDescriptorSet.FromString(original)
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(data, fds)
    if data.draw(st.integers(0, 3)) == 0:
        _mutate_location(data, fds)
    blob = fds.SerializeToString()
    return _flip(data, blob) if data.draw(st.integers(0, 4)) == 0 else blob


@pytest.fixture(scope="module")
def workspace(rich_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("images")
    shutil.copy(rich_tree / "original.binpb", root)
    return root


@settings(FUZZ, max_examples=200)
@given(data=st.data())
def test_mutated_images_are_refused_in_one_line_or_read_by_every_check(
        workspace: Path, data: st.DataObject) -> None:
    (workspace / "mutated.binpb").write_bytes(
        _mutated_image(data, (workspace / "original.binpb").read_bytes()))
    built = clean_run("build", "mutated.binpb", "-o", "again.json", cwd=workspace)
    if built.exit_code == 1:
        assert len(built.stderr.strip().splitlines()) == 1, built.stderr
        assert built.stderr.startswith("mutated.binpb: "), built.stderr
        return  # every command reads an image the same way, and refuses it the same way
    clean_run("build", "again.json", cwd=workspace)
    clean_run("lint", "mutated.binpb", cwd=workspace)
    clean_run("breaking", "mutated.binpb", "--against", "original.binpb", cwd=workspace)
    clean_run("changelog", "original.binpb", "--against", "mutated.binpb", cwd=workspace)
    clean_run("changelog", "mutated.binpb", "--against", "original.binpb", cwd=workspace)


def test_an_import_whose_name_is_too_long_for_the_system_is_refused_in_one_line(
        tmp_path: Path) -> None:
    """One the fuzzing found: looking for the import on the include path must not fail."""
    image = descriptor_pb2.FileDescriptorSet(file=[descriptor_pb2.FileDescriptorProto(
        name="a.proto", package="a", syntax="proto3", dependency=["x" * 300 + ".proto"])])
    (tmp_path / "long.binpb").write_bytes(image.SerializeToString())
    result = clean_run("changelog", "long.binpb", "--against", "long.binpb", cwd=tmp_path)
    assert result.exit_code == 1 and "the image lacks xxx" in result.stderr


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_mutated_images_that_load_render_docs_and_code_inside_the_output(
        workspace: Path, data: st.DataObject) -> None:
    (workspace / "rendered.binpb").write_bytes(
        _mutated_image(data, (workspace / "original.binpb").read_bytes()))
    for output in ("out", "docs"):
        shutil.rmtree(workspace / output, ignore_errors=True)
    before = set(os.listdir(workspace))
    clean_run("docs", "rendered.binpb", "--out", "docs", cwd=workspace)
    clean_run("generate", "rendered.binpb", "--out", "out", cwd=workspace)
    assert set(os.listdir(workspace)) <= before | {"out", "docs"}


def test_a_string_that_is_not_utf8_is_refused_naming_where_it_is(workspace: Path) -> None:
    fds = descriptor_pb2.FileDescriptorSet.FromString((workspace / "original.binpb").read_bytes())
    shop = next(f for f in fds.file if f.name == "acme/v1/shop.proto")
    commented = next(loc for loc in shop.source_code_info.location if loc.leading_comments)
    commented.leading_comments = "\N{SNOWMAN}"
    # its last byte no longer continues the character: the same length, no longer UTF-8
    blob = fds.SerializeToString().replace("\N{SNOWMAN}".encode(), b"\xe2\x98A")
    (workspace / "bad-text.binpb").write_bytes(blob)
    result = run("docs", "bad-text.binpb", "--out", "docs", cwd=workspace)
    assert result.exit_code == 1
    assert result.stderr.startswith("bad-text.binpb: not a valid image: acme/v1/shop.proto: "
                                    "source_code_info.location["), result.stderr
    assert result.stderr.endswith("].leading_comments is not valid UTF-8\n"), result.stderr


NESTINGS = {
    "arrays": lambda n: '{"file": ' + "[" * n + "]" * n + "}",
    "messages": lambda n: '{"file": [{"name": "a.proto", "messageType": ['
    + '{"name": "A", "nestedType": [' * n + "]}" * n + "]}]}",
    "options": lambda n: '{"file": [{"name": "a.proto", "options": {"uninterpretedOption": ['
    + '{"name": [' * n + "]}" * n + "]}}]}",
}


@settings(FUZZ, max_examples=30)
@given(kind=st.sampled_from(sorted(NESTINGS)), depth=st.integers(1, 20000))
def test_json_images_nested_at_any_depth_load_or_are_refused_in_one_line(
        workspace: Path, kind: str, depth: int) -> None:
    (workspace / "deep.json").write_text(NESTINGS[kind](depth))
    result = clean_run("build", "deep.json", "-o", "/dev/null", cwd=workspace)
    if result.exit_code == 1:
        assert result.stderr.startswith("deep.json: "), result.stderr
        assert len(result.stderr) < 500 and len(result.stderr.splitlines()) == 1, result.stderr


def test_a_binary_image_lacking_a_required_field_is_refused_naming_it(workspace: Path) -> None:
    fds = descriptor_pb2.FileDescriptorSet.FromString((workspace / "original.binpb").read_bytes())
    shop = next(f for f in fds.file if f.name == "acme/v1/shop.proto")
    shop.options.uninterpreted_option.add().name.add(name_part="x")  # no is_extension
    (workspace / "partial.binpb").write_bytes(fds.SerializePartialToString())
    result = run("build", "partial.binpb", "-o", "partial.json", cwd=workspace)
    assert result.exit_code == 1
    assert result.stderr == ("partial.binpb: not a valid image: acme/v1/shop.proto: missing "
                             "required field options.uninterpreted_option[0].name[0]"
                             ".is_extension\n"), result.stderr


def test_an_image_lacking_an_import_still_has_its_own_indexes_checked() -> None:
    from protopact.compile.validation import image_problem

    f = descriptor_pb2.FileDescriptorProto(name="a/v1/a.proto", package="a.v1",
                                           dependency=["nowhere/else.proto"], syntax="proto3")
    message = f.message_type.add(name="Thing")
    message.field.add(name="x", number=1, type=TYPE.TYPE_STRING, label=TYPE.LABEL_OPTIONAL,
                      oneof_index=2)
    assert image_problem([f.SerializeToString()], [f.name]) == (
        'a/v1/a.proto: FieldDescriptorProto.oneof_index 2 is out of range for type "Thing"')
    message.oneof_decl.add(name="kind")
    message.field[0].oneof_index = 0
    f.public_dependency.append(1)
    assert image_problem([f.SerializeToString()], [f.name]) == \
        "a/v1/a.proto: Invalid public_dependency index: 1"
    del f.public_dependency[:]
    assert image_problem([f.SerializeToString()], [f.name]) is None  # left for want of its import


# Custom options at every level, declared in a proto3 file (whose strings must be UTF-8) and in a
# proto2 one (whose strings need not be), plus google.api.http; every value a distinct marker.
OPTIONS_TREE = {
    "opt/v1/three.proto": """
        syntax = "proto3";
        package opt.v1;
        import "google/protobuf/descriptor.proto";
        message Note { string text = 1; repeated string tags = 2; }
        extend google.protobuf.FileOptions { string file3 = 50001; }
        extend google.protobuf.MessageOptions { Note note3 = 50002; }
        extend google.protobuf.FieldOptions { repeated string field3 = 50003; }
        extend google.protobuf.EnumValueOptions { string value3 = 50004; }
    """,
    "opt/v1/two.proto": """
        syntax = "proto2";
        package opt.v1;
        import "google/protobuf/descriptor.proto";
        extend google.protobuf.MethodOptions { optional string method2 = 50005; }
        extend google.protobuf.FieldOptions { optional string field2 = 50006; }
    """,
    "opt/v1/used.proto": """
        syntax = "proto3";
        package opt.v1;
        import "opt/v1/three.proto";
        import "opt/v1/two.proto";
        import "google/api/annotations.proto";
        option (file3) = "M000";
        message Thing {
          option (note3) = { text: "M001" tags: ["M002"] };
          string a = 1 [(field3) = "M003", (field2) = "M004"];
        }
        enum Kind { KIND_DEFAULT = 0 [(value3) = "M005"]; }
        service Things {
          rpc Get(Thing) returns (Thing) {
            option (method2) = "M006";
            option (google.api.http) = { get: "/v1/M007" };
          }
        }
    """,
}


@pytest.fixture(scope="module")
def options_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("options")
    write_tree(root / "src", OPTIONS_TREE)
    assert run("build", "src", "-o", "options.binpb", cwd=root).exit_code == 0
    return root


@settings(FUZZ, max_examples=24)
@given(marker=st.integers(0, 7), broken=st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0", b"\x80"]))
def test_custom_option_values_that_are_not_utf8_are_refused_where_buf_refuses_them(
        options_image: Path, marker: int, broken: bytes) -> None:
    """An option value is read as its declaration says: a proto3 string must be UTF-8, a proto2
    one need not be (buf's verdict, on the same image, decides which). A repeated proto3 string
    (M003) buf lets through, but protoc's parser, which generate runs, aborts on it: refused."""
    from ..conftest import buf_binary

    text = f"M{marker:03d}".encode()
    image = (options_image / "options.binpb").read_bytes()
    assert image.count(text) == 1
    (options_image / "odd.binpb").write_bytes(
        image.replace(text, text[:1] + broken + text[1 + len(broken):]))
    theirs = subprocess.run([buf_binary(), "build", "odd.binpb", "-o", "/dev/null"],
                            cwd=options_image, capture_output=True, text=True, check=False)
    ours = clean_run("build", "odd.binpb", "-o", "/dev/null", cwd=options_image)
    refused = theirs.returncode != 0 or marker == 3
    assert (ours.exit_code == 1) == refused, (ours.stderr, theirs.stderr)
    if marker == 7:  # google.api.http, which the runtime itself knows: refused as it is read
        assert ours.stderr.startswith("odd.binpb: not a valid image"), ours.stderr
        assert "UTF-8" in ours.stderr and len(ours.stderr.splitlines()) == 1, ours.stderr
    elif refused:
        assert ours.stderr.startswith("odd.binpb: not a valid image: opt/v1/used.proto: ")
        assert ours.stderr.endswith(" (a custom option's value) is not valid UTF-8\n"), ours.stderr
