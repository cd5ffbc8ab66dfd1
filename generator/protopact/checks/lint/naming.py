"""Naming rules: element names in buf's cases (see :mod:`.case`), reported on the name's span."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from google.protobuf.descriptor_pb2 import FieldDescriptorProto, FileDescriptorProto

from ...schema import walk
from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import at, file_level, targets
from .case import lower_snake, pascal, upper_snake

_NAME = (walk.NAME,)


def lint_fields(file: FileDescriptorProto) -> Iterator[tuple[tuple[int, ...], FieldDescriptorProto]]:
    """Fields and extensions the field rules check: all but those of synthetic map entries."""
    for message in walk.messages(file):
        if not message.message.options.map_entry:
            for field in walk.fields(message):
                yield field.path, field.field
    for extension in walk.extensions(file):
        yield extension.path, extension.field


def synthetic_oneof(oneof: walk.OneofAt) -> bool:
    """The oneof protoc makes for a proto3 ``optional`` field."""
    members = [f for f in oneof.message.message.field
               if f.HasField("oneof_index") and f.oneof_index == oneof.index]
    return len(members) == 1 and members[0].proto3_optional


Named = Iterator[tuple[FileDescriptorProto, tuple[int, ...], str]]  # file, element path, name


def _misnamed(ctx: LintContext, rule: str, what: str, case: str, convert: Callable[[str], str],
              named: Named) -> Iterator[Finding]:
    """Findings on each element whose name is not ``convert(name)``, on the name's span."""
    for file, path, name in named:
        if name != convert(name):
            yield at(ctx, rule, file, path + _NAME,
                     f"{what} name {quote(name)} should be {case}, such as {quote(convert(name))}.")


@REGISTRY.rule("ENUM_PASCAL_CASE", walks=True)
def enum_pascal_case(ctx: LintContext) -> Iterator[Finding]:
    """Enum names are PascalCase."""
    yield from _misnamed(ctx, "ENUM_PASCAL_CASE", "Enum", "PascalCase", pascal, (
        (file, e.path, e.enum.name) for file in targets(ctx) for e in walk.enums(file)))


@REGISTRY.rule("ENUM_VALUE_UPPER_SNAKE_CASE", walks=True)
def enum_value_upper_snake_case(ctx: LintContext) -> Iterator[Finding]:
    """Enum value names are UPPER_SNAKE_CASE."""
    yield from _misnamed(ctx, "ENUM_VALUE_UPPER_SNAKE_CASE", "Enum value", "UPPER_SNAKE_CASE",
                         upper_snake, ((file, v.path, v.value.name) for file in targets(ctx)
                                       for e in walk.enums(file) for v in walk.enum_values(e)))


@REGISTRY.rule("FIELD_LOWER_SNAKE_CASE", walks=True)
def field_lower_snake_case(ctx: LintContext) -> Iterator[Finding]:
    """Field and extension names are lower_snake_case."""
    yield from _misnamed(ctx, "FIELD_LOWER_SNAKE_CASE", "Field", "lower_snake_case", lower_snake, (
        (file, path, f.name) for file in targets(ctx) for path, f in lint_fields(file)))


@REGISTRY.rule("FILE_LOWER_SNAKE_CASE")
def file_lower_snake_case(ctx: LintContext) -> Iterator[Finding]:
    """File names are lower_snake_case."""
    for file in targets(ctx):
        base = file.name.rsplit("/", 1)[-1]
        dot = base.rfind(".")
        stem, ext = (base[:dot], base[dot:]) if dot >= 0 else (base, "")
        if stem != lower_snake(stem):
            yield file_level("FILE_LOWER_SNAKE_CASE", file,
                             f"Filename {quote(base)} should be lower_snake_case{ext}, "
                             f'such as "{lower_snake(stem)}{ext}".')


@REGISTRY.rule("MESSAGE_PASCAL_CASE", walks=True)
def message_pascal_case(ctx: LintContext) -> Iterator[Finding]:
    """Message names are PascalCase."""
    yield from _misnamed(ctx, "MESSAGE_PASCAL_CASE", "Message", "PascalCase", pascal, (
        (file, m.path, m.message.name) for file in targets(ctx) for m in walk.messages(file)
        if not m.message.options.map_entry))


@REGISTRY.rule("ONEOF_LOWER_SNAKE_CASE", walks=True)
def oneof_lower_snake_case(ctx: LintContext) -> Iterator[Finding]:
    """Oneof names are lower_snake_case."""
    yield from _misnamed(ctx, "ONEOF_LOWER_SNAKE_CASE", "Oneof", "lower_snake_case", lower_snake, (
        (file, o.path, o.oneof.name) for file in targets(ctx) for m in walk.messages(file)
        for o in walk.oneofs(m) if not synthetic_oneof(o)))


def _package_case(package: str) -> str:
    return ".".join(lower_snake(part) for part in package.split("."))


@REGISTRY.rule("PACKAGE_LOWER_SNAKE_CASE")
def package_lower_snake_case(ctx: LintContext) -> Iterator[Finding]:
    """Package names are lower_snake.case."""
    for file in targets(ctx):
        if file.package and file.package != _package_case(file.package):
            yield at(ctx, "PACKAGE_LOWER_SNAKE_CASE", file, walk.FILE_PACKAGE,
                     f"Package name {quote(file.package)} should be lower_snake.case, such as "
                     f"{quote(_package_case(file.package))}.")


@REGISTRY.rule("RPC_PASCAL_CASE")
def rpc_pascal_case(ctx: LintContext) -> Iterator[Finding]:
    """RPC names are PascalCase."""
    yield from _misnamed(ctx, "RPC_PASCAL_CASE", "RPC", "PascalCase", pascal, (
        (file, m.path, m.method.name) for file in targets(ctx) for m in walk.all_methods(file)))


@REGISTRY.rule("SERVICE_PASCAL_CASE")
def service_pascal_case(ctx: LintContext) -> Iterator[Finding]:
    """Service names are PascalCase."""
    yield from _misnamed(ctx, "SERVICE_PASCAL_CASE", "Service", "PascalCase", pascal, (
        (file, s.path, s.service.name) for file in targets(ctx) for s in walk.services(file)))


@REGISTRY.rule("SERVICE_SUFFIX")
def service_suffix(ctx: LintContext) -> Iterator[Finding]:
    """Service names end with the configured suffix (``Service`` by default)."""
    suffix = ctx.options.service_suffix or "Service"
    for file in targets(ctx):
        for service in walk.services(file):
            name = service.service.name
            if not name.endswith(suffix):
                yield at(ctx, "SERVICE_SUFFIX", file, service.path + _NAME,
                         f"Service name {quote(name)} should be suffixed with {quote(suffix)}.")
