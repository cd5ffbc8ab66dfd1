"""The package import graph of an image: which package imports which (imported files count), as
PACKAGE_NO_IMPORT_CYCLE reads it, and a digest of it, by which a lint that keeps earlier findings
tells whether the graph changed (see :mod:`.reach`).

The latest image's graph and its digest are remembered by its files: a lint's module groups share
their image's files, and the digest and the rule read one graph.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import TypeVar

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ...compile.order import imports_of

Graph = dict[str, set[str]]
_Files = Sequence[FileDescriptorProto]
_ByName = Mapping[str, FileDescriptorProto]
_R = TypeVar("_R")


def _latest(compute: Callable[[_Files, _ByName], _R]) -> Callable[[_Files, _ByName], _R]:
    """``compute`` remembered for the latest image's files (by identity)."""
    latest: list[tuple[_Files, _R]] = []

    @wraps(compute)
    def remembered(files: _Files, by_name: _ByName) -> _R:
        if latest and latest[0][0] is files:
            return latest[0][1]
        result = compute(files, by_name)
        latest[:] = [(files, result)]
        return result

    return remembered


@_latest
def package_graph(files: _Files, by_name: _ByName) -> Graph:
    """Each package's imported packages (another package, both named)."""
    # each package read once: a descriptor's field read makes its string anew, and a large
    # tree's files import some 16,000 times
    packages = {name: f.package for name, f in by_name.items()}
    graph: Graph = defaultdict(set)
    for file in files:
        package = file.package
        if not package:
            continue
        for dependency in imports_of(file):
            imported = packages.get(dependency)
            if imported and imported != package:
                graph[package].add(imported)
    return graph


@_latest
def graph_digest(files: _Files, by_name: _ByName) -> str:
    """A digest of :func:`package_graph`'s edges: equal for two images exactly when their graphs
    are."""
    graph = package_graph(files, by_name)
    edges = "\n".join(f"{package}\0{imported}" for package in sorted(graph)
                      for imported in sorted(graph[package]))
    return hashlib.sha256(edges.encode()).hexdigest()
