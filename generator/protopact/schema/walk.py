"""Every element of a file with its full name and source-code-info path.

The walks yield in declaration order (nested messages and enums depth-first after their parent), so
rules that report in a loop report deterministically. A file's messages and enums are walked once
and remembered (every rule walks every file), keyed by the file object itself. Source paths follow
``descriptor.proto`` field numbers: file ``message_type`` = 4, ``enum_type`` = 5, ``service`` = 6,
``extension`` = 7; message ``field`` = 2, ``nested_type`` = 3, ``enum_type`` = 4, ``extension`` = 6,
``oneof_decl`` = 8; enum ``value`` = 2; service ``method`` = 2.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Callable, Iterable, Iterator

from google.protobuf.descriptor_pb2 import (
    DescriptorProto,
    EnumDescriptorProto,
    EnumValueDescriptorProto,
    FieldDescriptorProto,
    FileDescriptorProto,
    MethodDescriptorProto,
    OneofDescriptorProto,
    ServiceDescriptorProto,
)

Path = tuple[int, ...]

FILE_PACKAGE = (2,)
FILE_DEPENDENCY = 3
FILE_MESSAGE = 4
FILE_ENUM = 5
FILE_SERVICE = 6
FILE_EXTENSION = 7
FILE_OPTIONS = (8,)
FILE_SYNTAX = (12,)
FILE_EDITION = (14,)
MESSAGE_FIELD = 2
MESSAGE_NESTED = 3
MESSAGE_ENUM = 4
MESSAGE_EXTENSION = 6
MESSAGE_ONEOF = 8
ENUM_VALUE = 2
SERVICE_METHOD = 2
NAME = 1


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class _At:
    """An element found by a walk, compared by value, its fields in ``_fields`` (plain classes:
    a dataclass each costs about 4 M instructions to create at every start-up, and the walks make
    these in large numbers). They hold protobuf messages, so like them they are not hashable."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"


class MessageAt(_At):
    _fields = ("full_name", "path", "message", "parent")  # no slots: ``fields`` is cached

    def __init__(self, full_name: str, path: Path, message: DescriptorProto,
                 parent: MessageAt | None) -> None:
        self.full_name = full_name
        self.path = path
        self.message = message
        self.parent = parent  # the enclosing message, None at file level

    @cached_property
    def fields(self) -> tuple[FieldAt, ...]:  # remembered: every rule walks every field
        return tuple(FieldAt(self.path + (MESSAGE_FIELD, i), field, self)
                     for i, field in enumerate(self.message.field))


class EnumAt(_At):
    _fields = ("full_name", "path", "enum", "parent")  # no slots: ``values`` is cached

    def __init__(self, full_name: str, path: Path, enum: EnumDescriptorProto,
                 parent: MessageAt | None) -> None:
        self.full_name = full_name
        self.path = path
        self.enum = enum
        self.parent = parent

    @cached_property
    def values(self) -> tuple[EnumValueAt, ...]:  # remembered: every rule walks every value
        return tuple(EnumValueAt(self.path + (ENUM_VALUE, i), value, self)
                     for i, value in enumerate(self.enum.value))


class FieldAt(_At):
    __slots__ = _fields = ("path", "field", "message")

    def __init__(self, path: Path, field: FieldDescriptorProto, message: MessageAt) -> None:
        self.path = path
        self.field = field
        self.message = message


class OneofAt(_At):
    __slots__ = _fields = ("index", "path", "oneof", "message")

    def __init__(self, index: int, path: Path, oneof: OneofDescriptorProto,
                 message: MessageAt) -> None:
        self.index = index
        self.path = path
        self.oneof = oneof
        self.message = message


class EnumValueAt(_At):
    __slots__ = _fields = ("path", "value", "enum")

    def __init__(self, path: Path, value: EnumValueDescriptorProto, enum: EnumAt) -> None:
        self.path = path
        self.value = value
        self.enum = enum


class ServiceAt(_At):
    __slots__ = _fields = ("full_name", "path", "service")

    def __init__(self, full_name: str, path: Path, service: ServiceDescriptorProto) -> None:
        self.full_name = full_name
        self.path = path
        self.service = service


class MethodAt(_At):
    __slots__ = _fields = ("full_name", "path", "method", "service")

    def __init__(self, full_name: str, path: Path, method: MethodDescriptorProto,
                 service: ServiceAt) -> None:
        self.full_name = full_name
        self.path = path
        self.method = method
        self.service = service


class ExtensionAt(_At):
    """An extension field declared at file level or inside a message (``scope``)."""

    __slots__ = _fields = ("path", "field", "scope")

    def __init__(self, path: Path, field: FieldDescriptorProto, scope: MessageAt | None) -> None:
        self.path = path
        self.field = field
        self.scope = scope


_MEMO_LIMIT = 50_000
_memo: dict[tuple[str, int], tuple[FileDescriptorProto, tuple[Any, ...]]] = {}


def _remembered(kind: str, file: FileDescriptorProto,
                walk: Callable[[FileDescriptorProto], Iterator[Any]]) -> tuple[Any, ...]:
    key = (kind, id(file))
    hit = _memo.get(key)
    if hit is not None and hit[0] is file:  # the memo holds the file, so its id is not reused
        return hit[1]
    if len(_memo) >= _MEMO_LIMIT:
        _memo.clear()
    elements = tuple(walk(file))
    _memo[key] = (file, elements)
    return elements


def messages(file: FileDescriptorProto) -> Iterator[MessageAt]:
    """All messages, nested ones included (map entries too: check ``options.map_entry``)."""
    return iter(_remembered("messages", file, _messages))


def _messages(file: FileDescriptorProto) -> Iterator[MessageAt]:

    def walk(items: Iterable[DescriptorProto], prefix: str, path: Path,
             parent: MessageAt | None) -> Iterator[MessageAt]:
        for i, message in enumerate(items):
            at = MessageAt(_join(prefix, message.name), path + (i,), message, parent)
            yield at
            yield from walk(message.nested_type, at.full_name, at.path + (MESSAGE_NESTED,), at)

    yield from walk(file.message_type, file.package, (FILE_MESSAGE,), None)


def enums(file: FileDescriptorProto) -> Iterator[EnumAt]:
    """All enums: file-level first, then those nested in messages in message order."""
    return iter(_remembered("enums", file, _enums))


def _enums(file: FileDescriptorProto) -> Iterator[EnumAt]:
    for i, enum in enumerate(file.enum_type):
        yield EnumAt(_join(file.package, enum.name), (FILE_ENUM, i), enum, None)
    for message in messages(file):
        for i, enum in enumerate(message.message.enum_type):
            yield EnumAt(_join(message.full_name, enum.name), message.path + (MESSAGE_ENUM, i), enum,
                         message)


def fields(message: MessageAt) -> Iterator[FieldAt]:
    return iter(message.fields)


def oneofs(message: MessageAt) -> Iterator[OneofAt]:
    for i, oneof in enumerate(message.message.oneof_decl):
        yield OneofAt(i, message.path + (MESSAGE_ONEOF, i), oneof, message)


def enum_values(enum: EnumAt) -> Iterator[EnumValueAt]:
    return iter(enum.values)


def services(file: FileDescriptorProto) -> Iterator[ServiceAt]:
    for i, service in enumerate(file.service):
        yield ServiceAt(_join(file.package, service.name), (FILE_SERVICE, i), service)


def methods(service: ServiceAt) -> Iterator[MethodAt]:
    for i, method in enumerate(service.service.method):
        yield MethodAt(_join(service.full_name, method.name), service.path + (SERVICE_METHOD, i),
                       method, service)


def extensions(file: FileDescriptorProto) -> Iterator[ExtensionAt]:
    return iter(_remembered("extensions", file, _extensions))


def _extensions(file: FileDescriptorProto) -> Iterator[ExtensionAt]:
    for i, field in enumerate(file.extension):
        yield ExtensionAt((FILE_EXTENSION, i), field, None)
    for message in messages(file):
        for i, field in enumerate(message.message.extension):
            yield ExtensionAt(message.path + (MESSAGE_EXTENSION, i), field, message)


def prepare(files: Iterable[FileDescriptorProto]) -> None:
    """Walk every message, field, enum, enum value and extension of ``files`` now: the walks made
    later find them remembered, in this process and in any forked from it."""
    for file in files:
        for message in messages(file):
            message.fields  # noqa: B018 - remembered on first access
        for enum in enums(file):
            enum.values  # noqa: B018
        extensions(file)


def all_fields(file: FileDescriptorProto) -> Iterator[FieldAt]:
    for message in messages(file):
        yield from fields(message)


def all_methods(file: FileDescriptorProto) -> Iterator[MethodAt]:
    for service in services(file):
        yield from methods(service)
