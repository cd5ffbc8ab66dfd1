"""The package import graph of an image: which package imports which (imported files count), as
PACKAGE_NO_IMPORT_CYCLE reads it, and a digest of it, by which a lint that keeps earlier findings
tells whether the graph changed (see :mod:`.reach`).

The latest image's graph and its digest are remembered by its files: a lint's module groups share
their image's files, and the digest and the rule read one graph.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ...compile.order import imports_of

_LATEST: list[tuple[Sequence[FileDescriptorProto], dict[str, set[str]]]] = []
_LATEST_DIGEST: list[tuple[Sequence[FileDescriptorProto], str]] = []


def package_graph(files: Sequence[FileDescriptorProto],
                  by_name: Mapping[str, FileDescriptorProto]) -> dict[str, set[str]]:
    """Each package's imported packages (another package, both named)."""
    if _LATEST and _LATEST[0][0] is files:
        return _LATEST[0][1]
    # each package read once: a descriptor's field read makes its string anew, and a large
    # tree's files import some 16,000 times
    packages = {name: f.package for name, f in by_name.items()}
    graph: dict[str, set[str]] = defaultdict(set)
    for file in files:
        package = file.package
        if not package:
            continue
        for dependency in imports_of(file):
            imported = packages.get(dependency)
            if imported and imported != package:
                graph[package].add(imported)
    _LATEST[:] = [(files, graph)]
    return graph


def graph_digest(files: Sequence[FileDescriptorProto],
                 by_name: Mapping[str, FileDescriptorProto]) -> str:
    """A digest of :func:`package_graph`'s edges: equal for two images exactly when their graphs
    are."""
    if _LATEST_DIGEST and _LATEST_DIGEST[0][0] is files:
        return _LATEST_DIGEST[0][1]
    graph = package_graph(files, by_name)
    edges = "\n".join(f"{package}\0{imported}" for package in sorted(graph)
                      for imported in sorted(graph[package]))
    digest = hashlib.sha256(edges.encode()).hexdigest()
    _LATEST_DIGEST[:] = [(files, digest)]
    return digest
