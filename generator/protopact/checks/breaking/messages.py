"""Breaking rules over messages: deletion, oneofs, required fields, JSON format, descriptor accessor."""

from __future__ import annotations

from collections.abc import Iterator

from ...schema import walk
from ..engine import BreakingContext
from ..findings import Finding
from . import REGISTRY
from .adapters import At, Pairing, message_pairs, pair_rule, pairing
from .deletions import deleted_from_file, deleted_from_package, message_index
from .features import REQUIRED, cardinality, lost_json_support

Message = At[walk.MessageAt]
MESSAGE_OPTIONS = 7
JSON_FORMAT_FEATURE = (MESSAGE_OPTIONS, 12, 6)  # options.features.json_format
NO_STANDARD_DESCRIPTOR_ACCESSOR = (MESSAGE_OPTIONS, 2)


@REGISTRY.rule("MESSAGE_NO_DELETE")
def message_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """A deleted message breaks every reference to it."""
    yield from deleted_from_file(pairing(context), "MESSAGE_NO_DELETE", "message", message_index)


@REGISTRY.rule("PACKAGE_MESSAGE_NO_DELETE")
def package_message_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """A message deleted from its package (not merely moved to another file of it) breaks every
    reference to it."""
    yield from deleted_from_package(pairing(context), "PACKAGE_MESSAGE_NO_DELETE", "message",
                                    message_index, package_parents=True)


@pair_rule(REGISTRY.rule, "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR", over=message_pairs)
def message_no_remove_standard_descriptor_accessor(p: Pairing, prev: Message, cur: Message
                                                   ) -> Iterator[Finding]:
    """Turning on ``no_standard_descriptor_accessor`` removes the generated ``descriptor()``."""
    before = prev.element.message.options.no_standard_descriptor_accessor
    after = cur.element.message.options.no_standard_descriptor_accessor
    if not before and after:
        yield p.finding("MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
                        'Message option "no_standard_descriptor_accessor" changed from "false" to '
                        '"true".', cur.file, cur.element.path + NO_STANDARD_DESCRIPTOR_ACCESSOR,
                        against=prev.file)


@pair_rule(REGISTRY.rule, "MESSAGE_SAME_JSON_FORMAT", over=message_pairs)
def message_same_json_format(p: Pairing, prev: Message, cur: Message) -> Iterator[Finding]:
    """A message that stops supporting JSON (``json_format`` feature) breaks JSON clients."""
    yield from lost_json_support(p, "MESSAGE_SAME_JSON_FORMAT", f'Message "{cur.element.message.name}"',
                                 prev, cur, JSON_FORMAT_FEATURE, enum=False)


@pair_rule(REGISTRY.rule, "MESSAGE_SAME_REQUIRED_FIELDS", over=message_pairs)
def message_same_required_fields(p: Pairing, prev: Message, cur: Message) -> Iterator[Finding]:
    """Required fields must always be sent: adding or removing one breaks the side that does not
    know about it."""
    before = {n for n, f in p.previous.fields(prev).items() if cardinality(p.previous, f) == REQUIRED}
    after = {n: f for n, f in p.current.fields(cur).items() if cardinality(p.current, f) == REQUIRED}
    tail = ("Required fields must always be sent, so if one side does not know about the required "
            "field, this will result in a breakage.")
    for number in sorted(before - after.keys()):
        yield p.finding("MESSAGE_SAME_REQUIRED_FIELDS",
                        f'Message "{prev.element.message.name}" had required field "{number}" '
                        f"deleted. {tail}", cur.file, cur.element.path, against=prev.file)
    for number in sorted(after.keys() - before):
        yield p.finding("MESSAGE_SAME_REQUIRED_FIELDS",
                        f'Message "{cur.element.message.name}" had required field "{number}" added. '
                        f"{tail}", cur.file, after[number].path)


def _real_oneofs(message: walk.MessageAt) -> set[str]:
    synthetic = {f.oneof_index for f in message.message.field
                 if f.proto3_optional and f.HasField("oneof_index")}
    return {o.name for i, o in enumerate(message.message.oneof_decl) if i not in synthetic}


@pair_rule(REGISTRY.rule, "ONEOF_NO_DELETE", over=message_pairs)
def oneof_no_delete(p: Pairing, prev: Message, cur: Message) -> Iterator[Finding]:
    """A deleted oneof changes generated code and the exclusivity of its former members."""
    after = {o.name for o in cur.element.message.oneof_decl}
    for name in sorted(_real_oneofs(prev.element) - after):
        yield p.finding("ONEOF_NO_DELETE",
                        f'Previously present oneof "{name}" on message '
                        f'"{cur.element.message.name}" was deleted.',
                        cur.file, cur.element.path, against=prev.file)
