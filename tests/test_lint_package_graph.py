"""PACKAGE_NO_IMPORT_CYCLE reads the package graph of the whole image: a lint's module groups, which
share their image's files, build it and its digest once."""

from __future__ import annotations

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from protopact.checks.lint.package_graph import graph_digest, package_graph


def _files(*edges: tuple[str, str, str]) -> tuple[FileDescriptorProto, ...]:
    """Files (name, package, the file it imports or "")."""
    return tuple(FileDescriptorProto(name=name, package=package, dependency=[d] if d else [])
                 for name, package, d in edges)


def test_the_graph_of_the_same_files_is_built_once_and_another_image_gets_its_own() -> None:
    files = _files(("a.proto", "a", "b.proto"), ("b.proto", "b", ""))
    by_name = {f.name: f for f in files}
    graph = package_graph(files, by_name)
    assert graph == {"a": {"b"}}
    assert package_graph(files, by_name) is graph
    # and so is its digest, which each module group's lint asks for
    assert graph_digest(files, by_name) is graph_digest(files, by_name)
    # equal files in another tuple are another image: its graph is its own
    cycle = _files(("a.proto", "a", "b.proto"), ("b.proto", "b", "a.proto"))
    assert package_graph(cycle, {f.name: f for f in cycle}) == {"a": {"b"}, "b": {"a"}}
    assert package_graph(files, by_name) == {"a": {"b"}}


def test_the_digest_changes_exactly_when_an_edge_does() -> None:
    files = _files(("a.proto", "a", "b.proto"), ("b.proto", "b", ""))
    by_name = {f.name: f for f in files}
    # another file adding an edge the graph holds already, or one within a package
    same = _files(("a.proto", "a", "b.proto"), ("b.proto", "b", ""), ("c.proto", "a", "b.proto"),
                  ("d.proto", "b", "b.proto"))
    cycle = _files(("a.proto", "a", "b.proto"), ("b.proto", "b", "a.proto"))
    assert graph_digest(same, {f.name: f for f in same}) == graph_digest(files, by_name)
    assert graph_digest(cycle, {f.name: f for f in cycle}) != graph_digest(files, by_name)
