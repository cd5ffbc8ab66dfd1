"""Files in dependency order, and each file's imports read once."""

from __future__ import annotations

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from protopact.compile import order
from protopact.compile.order import dependencies_first, imports_of


def test_each_file_comes_after_its_imports_in_import_order() -> None:
    imports = {"a": ["b", "c"], "b": ["c"], "c": [], "d": ["a"]}
    assert dependencies_first(["d", "c"], imports.__getitem__) == ["c", "b", "a", "d"]


def test_imports_are_the_files_and_held_for_a_bounded_number_of_files() -> None:
    first = FileDescriptorProto(name="a.proto", dependency=["b.proto", "c.proto"])
    assert imports_of(first) == ("b.proto", "c.proto")
    assert imports_of(first) is imports_of(first)
    others = [FileDescriptorProto(name=f"f{i}.proto", dependency=[f"g{i}.proto"])
              for i in range(order._IMPORTS_HELD + 1)]
    assert [imports_of(f) for f in others] == [(f"g{i}.proto",) for i in range(len(others))]
    # the earlier files are let go, not held for the life of the process
    assert len(order._IMPORTS) <= order._IMPORTS_HELD
    assert all(held is not first for held, _ in order._IMPORTS.values())
