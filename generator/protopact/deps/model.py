"""What resolving dependencies produces: each dependency, where it came from, and how protoc reads it.

A :class:`Dependency` serves files in one of two ways: ``.proto`` sources under directories laid out
by import path (protoc's include path: their spans and comments are kept), or serialized
``FileDescriptorProto`` s where no source exists, e.g. a distribution that ships only generated
``_pb2`` modules (``--descriptor_set_in``). What a dependency holds is read only when needed
(:attr:`Dependency.contents`); its ``fingerprint`` is cheap and changes whenever a file it serves may
change, so it can key the image cache.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..compile.image import encode_set
from ..config.buflock import DepRef


@dataclass(frozen=True)
class Contents:
    """The files of a dependency: sources under ``roots``, and descriptors of files without one."""

    roots: tuple[Path, ...] = ()
    sources: frozenset[str] = frozenset()  # import paths found under ``roots``
    descriptors: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def files(self) -> frozenset[str]:
        return self.sources | self.descriptors.keys()


@dataclass(frozen=True, kw_only=True, eq=False)
class Dependency:
    module: str  # the buf module name, or the name of a library protopact supplies
    origin: str  # where it was found, as a user reads it
    version: str  # a version, a commit or a digest
    fingerprint: str  # changes whenever a file it serves may change
    load: Callable[[], Contents] = field(repr=False)
    library: bool = False  # supplied by protopact itself, not declared by the workspace

    @cached_property
    def contents(self) -> Contents:
        return self.load()


@dataclass(frozen=True)
class Unresolved:
    """A declared dependency that no source could serve, with the ways to provide it."""

    dep: DepRef
    remedy: str  # "pip install protovalidate, or map it in [tool.protopact.deps] of pyproject.toml"
    prefixes: tuple[str, ...] = ()  # import path prefixes its files are known to have


@dataclass(frozen=True)
class Resolution:
    """Declared dependencies first (buf.yaml order), then the libraries protopact supplies: where
    two serve the same file, the first wins."""

    dependencies: tuple[Dependency, ...]
    unresolved: tuple[Unresolved, ...] = ()

    def fingerprint(self) -> list[list[str]]:
        return [[d.module, d.fingerprint] for d in self.dependencies]

    def roots(self) -> list[Path]:
        return [root for d in self.dependencies for root in d.contents.roots]

    def include_path(self, module_roots: list[Path]) -> list[Path]:
        """Where protoc looks for imports: the workspace's module roots, then the dependencies'
        source roots they do not already hold."""
        own = {root.resolve() for root in module_roots}
        return [*module_roots, *(r for r in dict.fromkeys(self.roots()) if r.resolve() not in own)]

    def descriptor_set(self, *, beside: frozenset[str]) -> bytes:
        """A ``FileDescriptorSet`` of the files served as descriptors, each once, leaving out those
        in ``beside`` (files of the workspace) and those that a source root serves (protoc reads
        its include path first)."""
        taken = set(beside)
        for d in self.dependencies:
            taken |= d.contents.sources
        payloads = []
        for d in self.dependencies:
            for name, data in d.contents.descriptors.items():
                if name not in taken:
                    taken.add(name)
                    payloads.append(data)
        return encode_set(payloads)

    def provider(self, name: str) -> Dependency | None:
        """The dependency whose copy of ``name`` protoc reads."""
        for d in self.dependencies:
            if name in d.contents.sources:
                return d
        for d in self.dependencies:
            if name in d.contents.descriptors:
                return d
        return None

    def library_files(self) -> frozenset[str]:
        return frozenset(n for d in self.dependencies if d.library for n in d.contents.files)

