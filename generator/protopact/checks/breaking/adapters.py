"""Pairing of the baseline's and the input's elements, computed once per check run.

Files pair by path, messages, enums and services by full name, fields by number within their
message, extensions by (extendee, number), enum values by number, methods by name: buf's pairings.
Every rule reads the same :class:`Pairing`, so the schemas are walked once however many rules run.
Spans are looked up only when a rule reports (through :meth:`Pairing.finding`), never ahead of time.
Iteration orders follow declaration order; the engine sorts findings afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor_pb2 import FieldDescriptorProto, FileDescriptorProto
from google.protobuf.message import Message

from ...compile.image import Image, same_file
from ...schema import walk
from ...schema.source import Sources
from ..engine import BreakingContext
from ..findings import Finding

T = TypeVar("T")
Path = tuple[int, ...]

F = FieldDescriptorProto


@dataclass(frozen=True)
class At(Generic[T]):
    """An element with the file that declares it."""

    file: FileDescriptorProto
    element: T

    @property
    def name(self) -> str:
        return self.file.name


@dataclass(frozen=True)
class FieldRef:
    """A field or an extension, with what buf's messages and checks need about its context."""

    file: FileDescriptorProto
    path: Path
    field: FieldDescriptorProto
    message_name: str  # short name of the declaring message ("" for a file-level extension)
    message_full_name: str  # full name of the declaring message (the scope for extensions)
    oneof: descriptor_pb2.OneofDescriptorProto | None  # a real (non-synthetic) oneof only

    @property
    def is_extension(self) -> bool:
        return bool(self.field.extendee)

    @property
    def full_name(self) -> str:
        scope = self.message_full_name or self.file.package
        return f"{scope}.{self.field.name}" if scope else self.field.name

    def description(self, *, with_name: bool = True) -> str:
        """buf's ``Field "1" with name "a" on message "M"`` (extensions by full name)."""
        if self.is_extension:
            kind, owner, name = "Extension", self.field.extendee.lstrip("."), self.full_name
        else:
            kind, owner, name = "Field", self.message_name, self.field.name
        named = f' with name "{name}"' if with_name else ""
        return f'{kind} "{self.field.number}"{named} on message "{owner}"'


def syntax(file: FileDescriptorProto) -> str:
    return file.syntax or "proto2"


def nested_name(full_name: str, package: str) -> str:
    return full_name[len(package) + 1:] if package else full_name


class Side:
    """One Image's indexes: the files under check and their elements by full name."""

    def __init__(self, image: Image, names: Iterable[str], sources: Sources,
                 unchanged: AbstractSet[str] = frozenset()) -> None:
        self.image = image
        self.files: dict[str, FileDescriptorProto] = {n: image.by_name[n] for n in sorted(names)}
        # The files whose elements are paired: every file but those unchanged with all they import.
        self.changed = [f for n, f in self.files.items() if n not in unchanged]
        self.sources = sources
        self._fields: dict[str, dict[int, FieldRef]] = {}

    @cached_property
    def messages(self) -> dict[str, At[walk.MessageAt]]:
        return {m.full_name: At(f, m) for f in self.changed for m in walk.messages(f)}

    @cached_property
    def enums(self) -> dict[str, At[walk.EnumAt]]:
        return {e.full_name: At(f, e) for f in self.changed for e in walk.enums(f)}

    @cached_property
    def all_enums(self) -> dict[str, At[walk.EnumAt]]:
        """Enums of every file of the Image, imports included (to resolve field types)."""
        return {e.full_name: At(f, e) for f in self.image.files for e in walk.enums(f)}

    @cached_property
    def services(self) -> dict[str, At[walk.ServiceAt]]:
        return {s.full_name: At(f, s) for f in self.changed for s in walk.services(f)}

    @cached_property
    def map_entries(self) -> frozenset[str]:
        return frozenset(n for n, m in self.messages.items() if m.element.message.options.map_entry)

    @cached_property
    def extensions(self) -> dict[tuple[str, int], FieldRef]:
        out: dict[tuple[str, int], FieldRef] = {}
        for f in self.changed:
            for ext in walk.extensions(f):
                scope = ext.scope
                ref = FieldRef(f, ext.path, ext.field, scope.message.name if scope else "",
                               scope.full_name if scope else "", None)
                out.setdefault((ext.field.extendee.lstrip("."), ext.field.number), ref)
        return out

    @cached_property
    def packages(self) -> dict[str, list[FileDescriptorProto]]:
        out: dict[str, list[FileDescriptorProto]] = {}
        for f in self.files.values():
            out.setdefault(f.package, []).append(f)
        return out

    def fields(self, message: At[walk.MessageAt]) -> dict[int, FieldRef]:
        """The message's fields by number, built once per message and shared by every rule."""
        cached = self._fields.get(message.element.full_name)
        if cached is None:
            cached = self._fields[message.element.full_name] = self._index_fields(message)
        return cached

    def _index_fields(self, message: At[walk.MessageAt]) -> dict[int, FieldRef]:
        at = message.element
        oneofs = at.message.oneof_decl
        out: dict[int, FieldRef] = {}
        for fa in walk.fields(at):
            fd = fa.field
            real = fd.HasField("oneof_index") and not fd.proto3_optional
            oneof = oneofs[fd.oneof_index] if real else None
            out.setdefault(fd.number, FieldRef(message.file, fa.path, fd, at.message.name,
                                               at.full_name, oneof))
        return out

    def is_map(self, ref: FieldRef) -> bool:
        fd = ref.field
        return (fd.label == F.LABEL_REPEATED and fd.type == F.TYPE_MESSAGE
                and fd.type_name.lstrip(".") in self.map_entries)

    def in_map_entry(self, ref: FieldRef) -> bool:
        return ref.message_full_name in self.map_entries and not ref.is_extension

    def pool_field(self, ref: FieldRef):  # type: ignore[no-untyped-def]
        pool = self.image.pool
        if ref.is_extension:
            return pool.FindExtensionByName(ref.full_name)
        return pool.FindFieldByName(ref.full_name)


class Pairing:
    """The two sides of one check run and the pairs of their elements."""

    def __init__(self, context: BreakingContext) -> None:
        self._serialized: dict[int, bytes] = {}  # by id() of declarations both Sides keep alive
        self._unchanged = _Unchanged(context.previous, context.current, context.toolchain)
        self.unchanged = frozenset(n for n in context.previous.targets & context.current.targets
                                   if self._unchanged.file(n))
        self.previous = Side(context.previous, context.previous.targets, context.previous_sources,
                             self.unchanged)
        self.current = Side(context.current, context.current.targets, context.current_sources,
                            self.unchanged)

    # -- pairs -------------------------------------------------------------------------------
    @cached_property
    def files(self) -> list[tuple[FileDescriptorProto, FileDescriptorProto]]:
        """Pairs of files of the same name; unchanged ones (see :class:`_Unchanged`) left out."""
        cur = self.current.files
        return [(p, cur[n]) for n, p in self.previous.files.items()
                if n in cur and n not in self.unchanged]

    # Messages, enums and services are paired only when they may differ. A rule reads an element's
    # own declaration and its file's context (syntax, edition, package, options: what features and
    # defaults come from) and what the file imports, so a declaration whose outermost message (or
    # the enum or service itself) serialises to the same bytes in a file of the same name and
    # context, with unchanged imports, cannot break anything.
    # Skipping those makes a run cost what the change costs, not what the tree costs.
    @cached_property
    def messages(self) -> list[tuple[At[walk.MessageAt], At[walk.MessageAt]]]:
        return [(p, c) for p, c in _paired(self.previous.messages, self.current.messages)
                if not self._same(p, c, _outermost(p.element).message,
                                  _outermost(c.element).message)]

    @cached_property
    def enums(self) -> list[tuple[At[walk.EnumAt], At[walk.EnumAt]]]:
        def declaration(at: walk.EnumAt) -> Message:
            return at.enum if at.parent is None else _outermost(at.parent).message

        return [(p, c) for p, c in _paired(self.previous.enums, self.current.enums)
                if not self._same(p, c, declaration(p.element), declaration(c.element))]

    @cached_property
    def services(self) -> list[tuple[At[walk.ServiceAt], At[walk.ServiceAt]]]:
        return [(p, c) for p, c in _paired(self.previous.services, self.current.services)
                if not self._same(p, c, p.element.service, c.element.service)]

    def _same(self, previous: At[Any], current: At[Any], before: Message, after: Message) -> bool:
        return (previous.file.name == current.file.name
                and _context(previous.file) == _context(current.file)
                and self._bytes(before) == self._bytes(after)
                and self._unchanged.imports(current.file))

    def _bytes(self, declaration: Message) -> bytes:
        data = self._serialized.get(id(declaration))
        if data is None:
            data = self._serialized[id(declaration)] = _bytes(declaration)
        return data

    @cached_property
    def fields(self) -> list[tuple[FieldRef, FieldRef]]:
        """Field pairs of paired messages, then extension pairs."""
        out = []
        for prev, cur in self.messages:
            cur_fields = self.current.fields(cur)
            for number, p in self.previous.fields(prev).items():
                c = cur_fields.get(number)
                if c is not None:
                    out.append((p, c))
        for key, p in self.previous.extensions.items():
            c = self.current.extensions.get(key)
            if c is not None:
                out.append((p, c))
        return out

    @cached_property
    def methods(self) -> list[tuple[At[walk.MethodAt], At[walk.MethodAt]]]:
        out = []
        for prev, cur in self.services:
            by_name = {m.method.name: m for m in walk.methods(cur.element)}
            for m in walk.methods(prev.element):
                c = by_name.get(m.method.name)
                if c is not None:
                    out.append((At(prev.file, m), At(cur.file, c)))
        return out

    # -- reporting ---------------------------------------------------------------------------
    def finding(self, rule: str, message: str, file: FileDescriptorProto | None,
                *paths: Path | None, against: FileDescriptorProto | None = None,
                against_path: Path | None = None, advice: str = "") -> Finding:
        """A finding at the first of ``paths`` that has a location in ``file`` (buf's backup
        locations); no location gives line 1, column 1 of the file, no file gives ``<input>``.
        ``against_path`` locates the baseline element when the span lies elsewhere."""
        span = None
        used: Path | None = None
        if file is not None:
            index = self.current.sources[file.name]
            for path in paths:
                if path is None:
                    continue
                span = index.span(path)
                if span is not None:
                    used = path
                    break
        return Finding(rule, message, file.name if file is not None else "", span, used,
                       against_file=against.name if against is not None else "",
                       against_path=against_path, advice=advice)


class _Unchanged:
    """Which files and declarations cannot break anything.

    A rule on a pair of elements reads the pair and its file; the one thing it reads from another
    file is the enum type of a field, whose first value is the default of a field that sets none.
    So a file with the same bytes on both sides cannot break anything when no enum it can see
    (through its imports, transitively) has a new first value. Whole-package rules still see
    every file.
    """

    def __init__(self, previous: Image, current: Image, toolchain: AbstractSet[str]) -> None:
        self.previous, self.current, self.toolchain = previous, current, toolchain
        self._bytes: dict[str, bool] = {}
        self._imports: dict[str, bool] = {}

    def file(self, name: str) -> bool:
        if name in self.toolchain:
            return True  # see BreakingContext.toolchain
        return self._same_bytes(name) and self.imports(self.current.by_name[name])

    def imports(self, file: FileDescriptorProto) -> bool:
        """Whether every enum ``file`` can see through its imports has the same first value."""
        known = self._imports.get(file.name)
        if known is None:
            self._imports[file.name] = True  # imports form no cycle; this guards the recursion
            known = self._imports[file.name] = all(
                self._same_defaults(d) and self.imports(self.current.by_name[d])
                for d in file.dependency if d in self.current.by_name)
        return known

    def _same_bytes(self, name: str) -> bool:
        known = self._bytes.get(name)
        if known is None:
            known = self._bytes[name] = same_file(self.previous, self.current, name)
        return known

    def _same_defaults(self, name: str) -> bool:
        if name in self.toolchain or self._same_bytes(name):
            return True
        before, after = self.previous.by_name.get(name), self.current.by_name.get(name)
        return before is not None and after is not None and \
            _first_values(before) == _first_values(after)


def _first_values(file: FileDescriptorProto) -> dict[str, str]:
    return {e.full_name: e.enum.value[0].name for e in walk.enums(file) if e.enum.value}


def _outermost(message: walk.MessageAt) -> walk.MessageAt:
    while message.parent is not None:
        message = message.parent
    return message


def _bytes(declaration: Message) -> bytes:
    return declaration.SerializeToString(deterministic=True)


def _context(file: FileDescriptorProto) -> tuple[str, int, str, bytes]:
    return file.syntax, file.edition, file.package, _bytes(file.options)


def _paired(previous: dict[str, T], current: dict[str, T]) -> list[tuple[T, T]]:
    return [(p, current[k]) for k, p in previous.items() if k in current]


# What a pair rule runs over: one function per element kind, for ``pair_rule(over=...)``.
def file_pairs(p: Pairing) -> list[tuple[FileDescriptorProto, FileDescriptorProto]]:
    return p.files


def message_pairs(p: Pairing) -> list[tuple[At[walk.MessageAt], At[walk.MessageAt]]]:
    return p.messages


def enum_pairs(p: Pairing) -> list[tuple[At[walk.EnumAt], At[walk.EnumAt]]]:
    return p.enums


def field_pairs(p: Pairing) -> list[tuple[FieldRef, FieldRef]]:
    return p.fields


def service_pairs(p: Pairing) -> list[tuple[At[walk.ServiceAt], At[walk.ServiceAt]]]:
    return p.services


def method_pairs(p: Pairing) -> list[tuple[At[walk.MethodAt], At[walk.MethodAt]]]:
    return p.methods


_CACHE: dict[int, tuple[BreakingContext, Pairing]] = {}


def pairing(context: BreakingContext) -> Pairing:
    """The pairing of ``context``, built on first use and shared by every rule of the run."""
    cached = _CACHE.get(id(context))
    if cached is not None and cached[0] is context:
        return cached[1]
    _CACHE.clear()  # one run at a time: keep memory flat
    result = Pairing(context)
    _CACHE[id(context)] = (context, result)
    return result


def pair_rule(registry_rule: Callable[[str], Callable], rule_id: str,  # type: ignore[type-arg]
              over: Callable[[Pairing], Iterable]) -> Callable:  # type: ignore[type-arg]
    """Register ``check(pairing, previous, current) -> findings`` as rule ``rule_id``, run over
    every pair that ``over`` yields. The check's docstring is the rule's reference text."""

    def decorate(check: Callable[..., Iterator[Finding]]) -> Callable[..., Iterator[Finding]]:
        def handler(context: BreakingContext) -> Iterator[Finding]:
            p = pairing(context)
            for pair in over(p):
                yield from check(p, *pair)

        handler.__doc__ = check.__doc__
        handler.__name__ = check.__name__
        registry_rule(rule_id)(handler)
        return check

    return decorate
