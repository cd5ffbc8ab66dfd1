"""Import rules: no public imports, no unused imports, no package import cycles, and stable
packages that import no unstable ones.

"Used" follows the compiler: a dependency is used when the file refers to a type, an ``extend``
target or a custom option defined in it or in a file it re-exports with ``import public``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from google.protobuf import unknown_fields
from google.protobuf.descriptor_pb2 import FileDescriptorProto
from google.protobuf.message import Message

from ...compile.order import imports_of
from ...schema import walk
from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import at, targets
from .package_graph import package_graph
from .versions import Stability, package_stability


def _import_path(index: int) -> tuple[int, ...]:
    return (walk.FILE_DEPENDENCY, index)


@REGISTRY.rule("IMPORT_NO_PUBLIC")
def import_no_public(ctx: LintContext) -> Iterator[Finding]:
    """No ``import public``: it makes one file's API depend on another's layout."""
    for file in targets(ctx):
        for index in file.public_dependency:
            yield at(ctx, "IMPORT_NO_PUBLIC", file, _import_path(index),
                     f"Import {quote(file.dependency[index])} must not be public.")


@REGISTRY.rule("IMPORT_NO_WEAK")
def import_no_weak(ctx: LintContext) -> Iterator[Finding]:
    """No ``import weak`` (deprecated in buf, which never runs it)."""
    for file in targets(ctx):
        for index in file.weak_dependency:
            yield at(ctx, "IMPORT_NO_WEAK", file, _import_path(index),
                     f"Import {quote(file.dependency[index])} must not be weak.")


def _options(file: FileDescriptorProto) -> Iterator[Message]:
    """Every options message the file sets (unset ones hold no custom option)."""
    declarations: list[Message] = [file]
    for message in walk.messages(file):
        declarations.append(message.message)
        declarations.extend(message.message.extension_range)
        declarations.extend(f.field for f in walk.fields(message))
        declarations.extend(o.oneof for o in walk.oneofs(message))
    for enum in walk.enums(file):
        declarations.append(enum.enum)
        declarations.extend(v.value for v in walk.enum_values(enum))
    for service in walk.services(file):
        declarations.append(service.service)
        declarations.extend(m.method for m in walk.methods(service))
    declarations.extend(e.field for e in walk.extensions(file))
    return (d.options for d in declarations if d.HasField("options"))  # type: ignore[attr-defined]


def _custom_options(file: FileDescriptorProto) -> Iterator[tuple[str, int]]:
    """(extended message full name, field number) of each extension the file's options set."""
    for options in _options(file):
        yield from _extensions_set(options)


def _extensions_set(message: Message) -> Iterator[tuple[str, int]]:
    # Extensions nest: ``features.(pb.cpp).string_type`` sets an extension of FeatureSet inside
    # FieldOptions, and a message-valued custom option may set extensions of its own.
    name = message.DESCRIPTOR.full_name
    for descriptor, value in message.ListFields():
        if descriptor.is_extension:
            yield name, descriptor.number
        if descriptor.message_type is None:
            continue
        if descriptor.message_type.GetOptions().map_entry:
            value_field = descriptor.message_type.fields_by_name["value"]
            items = list(value.values()) if value_field.message_type is not None else []
        else:
            items = [value] if isinstance(value, Message) else list(value)
        for item in items:
            yield from _extensions_set(item)
    for unknown in unknown_fields.UnknownFieldSet(message):  # type: ignore[attr-defined]
        yield name, unknown.field_number


def _references(file: FileDescriptorProto) -> set[str]:
    """Full names of the types and extendees the file refers to ("" for a scalar field)."""
    names = {f.field.type_name for f in walk.all_fields(file)}
    for extension in walk.extensions(file):
        names.update((extension.field.type_name, extension.field.extendee))
    for service in file.service:
        for method in service.method:
            names.update((method.input_type, method.output_type))
    return names


class _Definitions:
    """Which file defines each type and extension of an image, and what each file re-exports."""

    def __init__(self, files: Mapping[str, FileDescriptorProto]) -> None:
        self.files = files
        self.type_file: dict[str, str] = {}
        self.extension_file: dict[tuple[str, int], str] = {}
        for file in files.values():
            for message in walk.messages(file):
                self.type_file["." + message.full_name] = file.name
            for enum in walk.enums(file):
                self.type_file["." + enum.full_name] = file.name
            for extension in walk.extensions(file):
                key = (extension.field.extendee.lstrip("."), extension.field.number)
                self.extension_file[key] = file.name
        self._exported: dict[str, frozenset[str]] = {}

    def exported(self, name: str) -> frozenset[str]:
        """``name`` and the files it re-exports through ``import public``, transitively."""
        if name not in self._exported:
            file = self.files.get(name)
            public = (file.dependency[i] for i in file.public_dependency) if file else ()
            self._exported[name] = frozenset({name}).union(*(self.exported(p) for p in public))
        return self._exported[name]

    def referenced_files(self, file: FileDescriptorProto) -> set[str]:
        return {u for r in _references(file) if (u := self.type_file.get(r))}

    def option_files(self, file: FileDescriptorProto) -> set[str]:
        return {u for key in _custom_options(file) if (u := self.extension_file.get(key))}


@REGISTRY.rule("IMPORT_USED", walks=True)
def import_used(ctx: LintContext) -> Iterator[Finding]:
    """Every import is used (public imports count as used: they re-export)."""
    # the files the targets import, directly or not, define every name the targets use
    by_name = ctx.image.by_name
    definitions = _Definitions({n: by_name[n] for n in ctx.image.with_imports(ctx.image.targets)})
    for file in targets(ctx):
        used = definitions.referenced_files(file)
        public = set(file.public_dependency)
        unused = [(i, d) for i, d in enumerate(file.dependency)
                  if i not in public and not used & definitions.exported(d)]
        if unused:  # options are walked only for imports the types do not explain
            used = definitions.option_files(file)
        for index, dependency in unused:
            if not used & definitions.exported(dependency):
                yield at(ctx, "IMPORT_USED", file, _import_path(index),
                         f"Import {quote(dependency)} is unused.")


def _path_back(graph: Mapping[str, set[str]], start: str, via: str) -> list[str] | None:
    """The shortest package path ``start -> via -> … -> start`` (breadth first, name order).

    buf walks the packages depth first in Go's random map order, so on a graph with several
    cycles through one import it names a different one from run to run; the shortest is the one
    that tells a reader most directly which import to remove, and it is stable.
    """
    parents: dict[str, str | None] = {via: None}
    frontier = [via]
    while frontier:
        following: list[str] = []
        for package in frontier:
            for imported in sorted(graph.get(package, ())):
                if imported == start:
                    trail = [package]
                    while (parent := parents[trail[-1]]) is not None:
                        trail.append(parent)
                    return [start, *reversed(trail), start]
                if imported not in parents:
                    parents[imported] = package
                    following.append(imported)
        frontier = following
    return None


@REGISTRY.rule("PACKAGE_NO_IMPORT_CYCLE")
def package_no_import_cycle(ctx: LintContext) -> Iterator[Finding]:
    """Packages do not import each other in a cycle (imported files count towards the graph)."""
    by_name = ctx.image.by_name
    graph = package_graph(ctx.image.files, by_name)
    cycles: dict[tuple[str, str], list[str] | None] = {}
    for file in targets(ctx):
        for index, dependency in enumerate(imports_of(file)):
            imported = by_name[dependency].package if dependency in by_name else ""
            if not file.package or not imported or imported == file.package:
                continue
            edge = (file.package, imported)
            if edge not in cycles:
                cycles[edge] = _path_back(graph, *edge)
            cycle = cycles[edge]
            if cycle:
                yield at(ctx, "PACKAGE_NO_IMPORT_CYCLE", file, _import_path(index),
                         f"Package import cycle: {' -> '.join(cycle)}")


@REGISTRY.rule("STABLE_PACKAGE_NO_IMPORT_UNSTABLE")
def stable_package_no_import_unstable(ctx: LintContext) -> Iterator[Finding]:
    """A stable package (``v1``) does not depend on an alpha, beta or test package."""
    by_name = ctx.image.by_name
    for file in targets(ctx):
        if package_stability(file.package) is not Stability.STABLE:
            continue
        for index, dependency in enumerate(imports_of(file)):
            if dependency not in ctx.image.targets:
                continue
            imported = by_name[dependency].package
            if package_stability(imported) is Stability.UNSTABLE:
                yield at(ctx, "STABLE_PACKAGE_NO_IMPORT_UNSTABLE", file, _import_path(index),
                         f"This file is in stable package {quote(file.package)}, so it should not "
                         f"depend on {quote(dependency)} from unstable package {quote(imported)}.")
