"""buf's ``PROTOVALIDATE`` lint rule: ``buf.validate`` rules that cannot work as written.

Checked, with buf's messages and spans: rules that do not fit the field's type (``string`` rules on
an ``int32``, scalar rules on a repeated field, ``repeated``/``map`` rules elsewhere), ``required``
in a oneof, on repeated items, map keys and values or on an extension, contradicting ``ignore``
settings, the type rules' own contradictions (:mod:`.validate_typed`), ``example`` values the
field's rules refuse (:mod:`.validate_examples`), ``(buf.validate.message).oneof`` entries that are
empty or name missing, repeated or shared fields, patterns that do not compile as RE2, CEL rules
with an id of other characters, an empty expression or a duplicate id, and CEL expressions that
the validator cannot compile or that fail on an empty message (the first such rule of a message;
buf's type checker finds every one).

Only files that import ``buf/validate/validate.proto``, directly or not, can carry rules, so a tree
without it costs nothing. Findings lie where buf puts them: on the rule's own option when the source
records it, else on the nearest enclosing or first nested option location.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ...compile.image import Image
from ...schema import walk
from ...schema.source import span_of
from ...schema.validation import (FIELD_EXTENSION, MESSAGE_EXTENSION, field_rules, message_rules,
                                  validator_for)
from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import targets
from .validate_fields import field_problems
from .validate_text import cel_problems, engine_cel_problem

VALIDATE = "buf/validate/validate.proto"
_FIELD_OPTIONS, _MESSAGE_OPTIONS = 8, 7
_MESSAGE_CEL, _MESSAGE_ONEOF, _ONEOF_FIELDS = 3, 4, 1
_FILE_EXTENSIONS, _MESSAGE_EXTENSIONS = 7, 6


@REGISTRY.rule("PROTOVALIDATE")
def protovalidate_rule(ctx: LintContext) -> Iterator[Finding]:
    """protovalidate rules are valid and their CEL expressions compile."""
    if VALIDATE not in ctx.image.by_name:
        return
    seeing = _seeing(ctx.image)
    for file in targets(ctx):
        if file.name in seeing:
            yield from _file(ctx, file)


def _seeing(image: Image) -> frozenset[str]:
    """Files that import validate.proto, directly or not (files come in dependency order)."""
    seen = {VALIDATE}
    for f in image.files:
        if any(d in seen for d in f.dependency):
            seen.add(f.name)
    return frozenset(seen)


def _file(ctx: LintContext, file: FileDescriptorProto) -> Iterator[Finding]:
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
            for index, text in cel_problems(rules, f'message "{message.name}"',
                                            f'Message "{message.name}"',
                                            "(buf.validate.message).cel"):
                found.append((at.path, base + (_MESSAGE_CEL, index), text))
            found += [(at.path, base + path, text) for path, text in _oneofs(rules, message)]
        for field_at in walk.fields(at):
            found += _field(message.fields_by_name[field_at.field.name], field_at.path, extension)
        for index, declared in enumerate(at.message.extension):
            found += _field(pool.FindExtensionByName(f"{at.full_name}.{declared.name}"),
                            at.path + (_MESSAGE_EXTENSIONS, index), extension)
        found += _engine(message, at.path, extension, [(f.field.name, f.path)
                                                        for f in walk.fields(at)])
    locations = _Locations(file)
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
    rules = field_rules(field)
    if rules is None:
        return []
    base = path + (_FIELD_OPTIONS, extension[FIELD_EXTENSION])
    return [(path, base + at, text) for at, text in field_problems(field, rules)]


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


def _engine(message: Descriptor, path: tuple[int, ...], extension: dict[str, int],
            fields: list[tuple[str, tuple[int, ...]]]) -> list[tuple[Sequence[int], Sequence[int], str]]:
    """The first CEL rule of ``message`` (its own or a field's) that the validator cannot compile
    or that fails on an empty message, located by its id."""
    if not any(field_rules(f) for f in message.fields) and message_rules(message) is None:
        return []
    problem = _engine_problem(message)
    if problem is None:
        return []
    rule_id, issues = problem
    rules = message_rules(message)
    if rules is not None:
        for index, rule in enumerate(rules.cel):
            if rule.id == rule_id:
                at = path + (_MESSAGE_OPTIONS, extension[MESSAGE_EXTENSION], _MESSAGE_CEL, index)
                return [(path, at, f'(buf.validate.message).cel.expression on message '
                                   f'"{message.name}" fails to compile: {issue}')
                        for issue in issues]
    for name, field_path in fields:
        rules = field_rules(message.fields_by_name[name])
        for index, rule in enumerate(rules.cel if rules is not None else ()):
            if rule.id == rule_id:
                at = field_path + (_FIELD_OPTIONS, extension[FIELD_EXTENSION], 23, index)
                return [(field_path, at, f'(buf.validate.field).cel.expression on field "{name}" '
                                         f"fails to compile: {issue}") for issue in issues]
    return []


@lru_cache(maxsize=256)
def _engine_problem(message: Descriptor) -> tuple[str, list[str]] | None:
    import protovalidate  # here: importing it costs every lint run ~0.1 s

    validator = validator_for(message.file.pool)
    try:
        validator.collect_violations(message_factory.GetMessageClass(message)())
    except (protovalidate.CompilationError, protovalidate.EvaluationError) as error:
        return engine_cel_problem(str(error))
    except (ValueError, AttributeError, TypeError):
        return None  # a message the engine cannot take: its rules stay for buf's other checks
    return None


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
