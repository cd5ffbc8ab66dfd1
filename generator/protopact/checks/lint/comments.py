"""COMMENT_* rules: every element has a leading comment that says something.

Only the leading comment counts (trailing and detached comments do not), and a comment whose every
line is a ``buf:lint:ignore`` directive is empty, as in buf. Synthetic elements (map entries, group
fields, proto3 ``optional`` oneofs) and elements without a source location are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from google.protobuf.descriptor_pb2 import FieldDescriptorProto, FileDescriptorProto

from ...schema import walk
from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import at, targets
from .naming import lint_fields, synthetic_oneof

_DIRECTIVE = "buf:lint:ignore"


def has_comment(ctx: LintContext, file: FileDescriptorProto, path: Sequence[int]) -> bool:
    comment = ctx.sources[file.name].leading_comment(path)
    return any(line.strip() and not line.strip().startswith(_DIRECTIVE) for line in comment.split("\n"))


def _uncommented(ctx: LintContext, rule: str, kind: str,
                 elements: Iterator[tuple[FileDescriptorProto, tuple[int, ...], str]]
                 ) -> Iterator[Finding]:
    for file, path, name in elements:
        if ctx.sources[file.name].location(path) is not None and not has_comment(ctx, file, path):
            yield at(ctx, rule, file, path,
                     f"{kind} {quote(name)} should have a non-empty comment for documentation.")


@REGISTRY.rule("COMMENT_ENUM", walks=True)
def comment_enum(ctx: LintContext) -> Iterator[Finding]:
    """Enums have non-empty leading comments."""
    yield from _uncommented(ctx, "COMMENT_ENUM", "Enum", (
        (file, e.path, e.enum.name) for file in targets(ctx) for e in walk.enums(file)))


@REGISTRY.rule("COMMENT_ENUM_VALUE", walks=True)
def comment_enum_value(ctx: LintContext) -> Iterator[Finding]:
    """Enum values have non-empty leading comments."""
    yield from _uncommented(ctx, "COMMENT_ENUM_VALUE", "Enum value", (
        (file, v.path, v.value.name) for file in targets(ctx) for e in walk.enums(file)
        for v in walk.enum_values(e)))


@REGISTRY.rule("COMMENT_FIELD", walks=True)
def comment_field(ctx: LintContext) -> Iterator[Finding]:
    """Fields and extensions have non-empty leading comments (group fields are their message)."""
    yield from _uncommented(ctx, "COMMENT_FIELD", "Field", (
        (file, path, f.name) for file in targets(ctx) for path, f in lint_fields(file)
        if f.type != FieldDescriptorProto.TYPE_GROUP))


@REGISTRY.rule("COMMENT_MESSAGE", walks=True)
def comment_message(ctx: LintContext) -> Iterator[Finding]:
    """Messages have non-empty leading comments."""
    yield from _uncommented(ctx, "COMMENT_MESSAGE", "Message", (
        (file, m.path, m.message.name) for file in targets(ctx) for m in walk.messages(file)
        if not m.message.options.map_entry))


@REGISTRY.rule("COMMENT_ONEOF", walks=True)
def comment_oneof(ctx: LintContext) -> Iterator[Finding]:
    """Oneofs have non-empty leading comments."""
    yield from _uncommented(ctx, "COMMENT_ONEOF", "Oneof", (
        (file, o.path, o.oneof.name) for file in targets(ctx) for m in walk.messages(file)
        for o in walk.oneofs(m) if not synthetic_oneof(o)))


@REGISTRY.rule("COMMENT_RPC")
def comment_rpc(ctx: LintContext) -> Iterator[Finding]:
    """RPCs have non-empty leading comments."""
    yield from _uncommented(ctx, "COMMENT_RPC", "RPC", (
        (file, m.path, m.method.name) for file in targets(ctx) for m in walk.all_methods(file)))


@REGISTRY.rule("COMMENT_SERVICE")
def comment_service(ctx: LintContext) -> Iterator[Finding]:
    """Services have non-empty leading comments."""
    yield from _uncommented(ctx, "COMMENT_SERVICE", "Service", (
        (file, s.path, s.service.name) for file in targets(ctx) for s in walk.services(file)))
