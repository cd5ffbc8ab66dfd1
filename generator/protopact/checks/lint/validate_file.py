"""The ``PROTOVALIDATE`` rule's checks of one file that imports ``buf/validate/validate.proto``
(see :mod:`.protovalidate`, which runs them only over such files)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ...schema import walk
from ...schema.options import options_of
from ...schema.source import span_of
from ...schema.validation import (FIELD_EXTENSION, MESSAGE_EXTENSION, PREDEFINED_EXTENSION,
                                  field_rules, message_rules)
from ..engine import LintContext
from ..findings import Finding, quote
from .validate_cel import cel_problems, field_type, rules_type
from .validate_fields import field_problems

_FIELD_OPTIONS, _MESSAGE_OPTIONS = 8, 7
_MESSAGE_ONEOF, _ONEOF_FIELDS = 4, 1
_FILE_EXTENSIONS, _MESSAGE_EXTENSIONS = 7, 6


def file_findings(ctx: LintContext, file: FileDescriptorProto) -> Iterator[Finding]:
    """The findings of ``file``'s rules, one per span and message."""
    pool = ctx.image.pool
    extension = {n: pool.FindExtensionByName(n).number
                 for n in (FIELD_EXTENSION, MESSAGE_EXTENSION)}
    found: list[tuple[Sequence[int], Sequence[int], str]] = []  # element, location, message
    prefix = f"{file.package}." if file.package else ""
    for index, declared in enumerate(file.extension):
        found += _field(pool.FindExtensionByName(prefix + declared.name),
                        (_FILE_EXTENSIONS, index), extension)
    for at in walk.messages(file):
        message = pool.FindMessageTypeByName(at.full_name)
        rules = message_rules(message)
        if rules is not None:
            base = at.path + (_MESSAGE_OPTIONS, extension[MESSAGE_EXTENSION])
            found += [(at.path, base + tuple(path), text) for path, text in cel_problems(
                rules, message.full_name, pool, f'message "{message.name}"',
                f'Message "{message.name}"', "(buf.validate.message).cel",
                short_name="(buf.validate.message).cel_expression")]
            found += [(at.path, base + path, text) for path, text in _oneofs(rules, message)]
        for field_at in walk.fields(at):
            found += _field(message.fields_by_name[field_at.field.name], field_at.path, extension)
        for index, declared in enumerate(at.message.extension):
            found += _field(pool.FindExtensionByName(f"{at.full_name}.{declared.name}"),
                            at.path + (_MESSAGE_EXTENSIONS, index), extension)
    locations = _Locations(ctx.sources[file.name].file)
    seen = set()
    for element, path, text in found:
        span = locations.best(tuple(path), len(element) + 2)
        if span is None:
            span = ctx.sources[file.name].span(element)
        if (span, text) not in seen:  # two rules may share a location: one finding
            seen.add((span, text))
            yield Finding("PROTOVALIDATE", text, file.name, span, tuple(element))


def _field(field: FieldDescriptor, path: tuple[int, ...], extension: dict[str, int]
           ) -> list[tuple[Sequence[int], Sequence[int], str]]:
    """Problems of a field's rules; of an extension of ``buf.validate.*Rules``, of the predefined
    rule it declares."""
    this = rules_type(field.containing_type) if field.is_extension else None
    if this is not None:
        return _predefined(field, path, this)
    rules = field_rules(field)
    if rules is None:
        return []
    base = path + (_FIELD_OPTIONS, extension[FIELD_EXTENSION])
    return [(path, base + at, text) for at, text in field_problems(field, rules)]


def _predefined(field: FieldDescriptor, path: tuple[int, ...],
                this: str) -> list[tuple[Sequence[int], Sequence[int], str]]:
    pool = field.file.pool
    rules = options_of(pool).message(field.GetOptions(), PREDEFINED_EXTENSION)
    if rules is None:
        return []
    base = path + (_FIELD_OPTIONS, pool.FindExtensionByName(PREDEFINED_EXTENSION).number)
    return [(path, base + tuple(at), text) for at, text in cel_problems(
        rules, this, pool, "extension field", "Extension field", "(buf.validate.predefined).cel",
        more=(("rule", field_type(field, items=False)), ("rules", field.containing_type.full_name)))]


def _oneofs(rules: Any, message: Descriptor) -> Iterator[tuple[tuple[int, ...], str]]:
    """``(buf.validate.message).oneof`` entries without fields, naming a field twice or one the
    message lacks, and fields named by more than one entry."""
    named = f'Message "{message.name}"'
    entries: dict[str, list[int]] = {}
    for i, entry in enumerate(rules.oneof):
        if not entry.fields:
            yield (_MESSAGE_ONEOF, i), (
                f"{named} has a (buf.validate.message).oneof entry with no fields. Each oneof "
                "entry must specify at least one field.")
            continue
        seen: set[str] = set()
        for j, name in enumerate(entry.fields):
            at = (_MESSAGE_ONEOF, i, _ONEOF_FIELDS, j)
            if name in seen:
                yield at, (f"{named} has a (buf.validate.message).oneof entry that references "
                           f"field {quote(name)} more than once. Duplicate field names are not "
                           "permitted.")
                continue
            seen.add(name)
            if name not in message.fields_by_name:
                yield at, (f"{named} has a (buf.validate.message).oneof entry that references "
                           f"field {quote(name)}, which is not defined in the message.")
                continue
            entries.setdefault(name, []).append(i)
    for name, indices in entries.items():
        if len(indices) > 1:
            for i in indices:
                yield (_MESSAGE_ONEOF, i), (
                    f"{named} references field {quote(name)} in more than one "
                    "(buf.validate.message).oneof entry. A field may only appear in one oneof "
                    "entry.")


class _Locations:
    """buf's option location search over one file's source locations."""

    def __init__(self, file: FileDescriptorProto) -> None:
        self._locations = [(tuple(loc.path), loc) for loc in file.source_code_info.location
                           if len(loc.span) in (3, 4)]
        self._exact = {}
        for p, loc in reversed(self._locations):
            self._exact[p] = loc

    def best(self, path: tuple[int, ...], extension_length: int):  # type: ignore[no-untyped-def]
        """The location of ``path``; else the longest enclosing one at least as deep as the
        extension, unless a nested one comes first in the file (buf's OptionExtensionLocation)."""
        exact = self._exact.get(path)
        if exact is not None:
            return span_of(exact)
        best, best_length = None, 0
        for p, loc in self._locations:
            if len(p) >= extension_length and path[:len(p)] == p and len(p) > best_length:
                best, best_length = loc, len(p)
            elif p[:len(path)] == path and len(p) >= len(path):
                return span_of(loc)
        return span_of(best) if best is not None else None
