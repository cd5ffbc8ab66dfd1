"""Images read together (the two sides of a breaking check): files they hold byte for byte are
parsed and checked once, the others are checked as ever, and a large image's check that runs on
beside the breaking rules still refuses a bad image in one line naming its side."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FieldDescriptor

from protopact.compile import image
from protopact.compile.validation import image_problem
from protopact.errors import ProtopactError

from .conftest import run, write_tree

TREE = {
    "acme/v1/item.proto": """
        syntax = "proto3";
        package acme.v1;
        // An item.
        message Item { string name = 1; }
    """,
    "acme/v1/shop.proto": """
        syntax = "proto3";
        package acme.v1;
        import "acme/v1/item.proto";
        // A shop.
        message Shop { Item item = 1; string owner = 2; }
    """,
}


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sharing")
    write_tree(root / "src", TREE)
    assert run("build", "src", "-o", "good.binpb", cwd=root).exit_code == 0
    good = (root / "good.binpb").read_bytes()
    assert good.count(b"A shop.") == 1
    (root / "bad.binpb").write_bytes(good.replace(b"A shop.", b"A sh\xffp."))  # not UTF-8
    return root


@pytest.mark.parametrize("check_beside_from", [0, image._CHECK_BESIDE_FROM])
@pytest.mark.parametrize("side", ["input", "against"])
def test_breaking_refuses_a_bad_image_on_either_side_in_one_line(
        images: Path, monkeypatch: pytest.MonkeyPatch, check_beside_from: int, side: str) -> None:
    # from 0 bytes on, each image is checked in a forked process, the input's while rules run
    monkeypatch.setattr(image, "_CHECK_BESIDE_FROM", check_beside_from)
    current, previous = ("bad.binpb", "good.binpb") if side == "input" else \
        ("good.binpb", "bad.binpb")
    result = run("breaking", current, "--against", previous, cwd=images)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith(f"{side}: bad.binpb: not a valid image: acme/v1/shop.proto: "
                                    "source_code_info.location["), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_a_good_pair_is_compared_the_same_whether_checked_beside_or_not(
        images: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = []
    for check_beside_from in (0, image._CHECK_BESIDE_FROM):
        monkeypatch.setattr(image, "_CHECK_BESIDE_FROM", check_beside_from)
        result = run("breaking", "good.binpb", "--against", "good.binpb", cwd=images)
        assert result.exit_code == 0, result.stderr
        shown.append(result.stdout)
    assert shown[0] == shown[1]


def test_images_read_together_share_identical_files_and_check_the_others(images: Path) -> None:
    good, bad = (images / "good.binpb").read_bytes(), (images / "bad.binpb").read_bytes()
    with image.sharing():
        first = image.image_from_bytes(good, label="good.binpb")
        again = image.image_from_bytes(good, label="again.binpb")
        assert [f.name for f in first.files] == ["acme/v1/item.proto", "acme/v1/shop.proto"]
        assert all(a is b for a, b in zip(first.files, again.files, strict=True))
        with pytest.raises(ProtopactError, match="^bad.binpb: not a valid image: acme/v1/shop"):
            image.image_from_bytes(bad, label="bad.binpb")
    alone = image.image_from_bytes(good, label="good.binpb")
    assert alone.files[0] is not first.files[0] and alone.files[0] == first.files[0]


def _options_set(kind: int) -> list[bytes]:
    """A file declaring a file option of type ``kind`` and one using it with a value that is not
    UTF-8: the same bytes whatever the option's type."""
    declaring = descriptor_pb2.FileDescriptorProto(
        name="opt/v1/opt.proto", package="opt.v1", syntax="proto3",
        dependency=["google/protobuf/descriptor.proto"])
    declaring.extension.add(name="note", number=50001, type=kind,
                            label=FieldDescriptor.LABEL_OPTIONAL,
                            extendee=".google.protobuf.FileOptions")
    using = descriptor_pb2.FileDescriptorProto(name="opt/v1/use.proto", package="opt.v1",
                                               syntax="proto3", dependency=["opt/v1/opt.proto"])
    using.options.MergeFromString(b"\x8a\xb5\x18\x01\xff")  # field 50001, one byte: 0xff
    return [declaring.SerializeToString(), using.SerializeToString()]


def test_a_file_valid_elsewhere_is_checked_again_where_its_options_are_declared_otherwise() -> None:
    as_bytes, as_string = _options_set(FieldDescriptor.TYPE_BYTES), \
        _options_set(FieldDescriptor.TYPE_STRING)
    assert as_bytes[1] == as_string[1]
    names = ["opt/v1/opt.proto", "opt/v1/use.proto"]
    assert image_problem(as_bytes, names) is None
    refused = "opt/v1/use.proto: options (a custom option's value) is not valid UTF-8"
    assert image_problem(as_string, names) == refused
    assert image_problem(as_string, names, valid_elsewhere=as_bytes) == refused
