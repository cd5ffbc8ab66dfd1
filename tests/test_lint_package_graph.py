"""PACKAGE_NO_IMPORT_CYCLE reads the package graph of the whole image: a lint's module groups, which
share their image's files, build it once."""

from __future__ import annotations

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from protopact.checks.lint import imports


def _files(*edges: tuple[str, str, str]) -> tuple[FileDescriptorProto, ...]:
    """Files (name, package, the file it imports or "")."""
    return tuple(FileDescriptorProto(name=name, package=package, dependency=[d] if d else [])
                 for name, package, d in edges)


def test_the_graph_of_the_same_files_is_built_once_and_another_image_gets_its_own() -> None:
    files = _files(("a.proto", "a", "b.proto"), ("b.proto", "b", ""))
    by_name = {f.name: f for f in files}
    graph = imports._package_graph(files, by_name)
    assert graph == {"a": {"b"}}
    assert imports._package_graph(files, by_name) is graph
    # equal files in another tuple are another image: its graph is its own
    cycle = _files(("a.proto", "a", "b.proto"), ("b.proto", "b", "a.proto"))
    assert imports._package_graph(cycle, {f.name: f for f in cycle}) == {"a": {"b"}, "b": {"a"}}
    assert imports._package_graph(files, by_name) == {"a": {"b"}}
