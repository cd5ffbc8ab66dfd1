"""Breaking rules over ``buf.validate`` rules (category ``VALIDATION``, off unless named): a request
that a client sends today must stay valid, and a response a consumer accepts today must stay within
what it was promised. A message is a request when an RPC of the input takes it or a request reaches
it through fields, a response likewise; one used both ways is both.

- a rule tightened on a request field or message refuses requests that were valid:
  ``VALIDATION_REQUEST_NOT_TIGHTENED``;
- a request field that becomes ``required``, or a new one that the validator refuses unset, refuses
  every request that leaves it out, and a request oneof that becomes ``(buf.validate.oneof).required``
  (or is added so) every request that sets none of its fields: ``VALIDATION_REQUEST_NO_NEW_REQUIRED``;
- a rule loosened on a response field or message lets through values that consumers, who relied on
  the rule, do not expect: ``VALIDATION_RESPONSE_NOT_LOOSENED``.

A rule is read leaf by leaf (``string.max_len``, ``int32.gte``, ``repeated.items.string.pattern``):
a lower bound raised or an upper bound lowered tightens, the reverse loosens; a flag
(``required``, ``string.email``, ``enum.defined_only``) turned on tightens, off loosens; any other
rule (``pattern``, ``const``, ``in``, CEL) tightens when added, loosens when removed, and does both
when it changes, since protopact cannot compare two patterns. ``example`` values are documentation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.descriptor_pb2 import FileDescriptorProto
from google.protobuf import text_format
from google.protobuf.message import Message

from ...compile.image import Image
from ...schema import walk
from ...schema.validation import field_rules, message_rules, must_set, oneof_rules
from ..findings import Finding
from . import REGISTRY
from .adapters import At, FieldRef, Pairing, Path, pair_rule

Leaves = dict[str, Any]
_LOWER = frozenset({"gt", "gte", "min_len", "min_bytes", "min_items", "min_pairs"})
_UPPER = frozenset({"lt", "lte", "max_len", "max_bytes", "max_items", "max_pairs"})
_IGNORED = frozenset({"example"})
FIELD_OPTIONS = (8,)  # FieldDescriptorProto.options
MESSAGE_OPTIONS = (7,)  # DescriptorProto.options
ONEOF_OPTIONS = (2,)  # OneofDescriptorProto.options


class _Seconds(Decimal):
    """A Duration or Timestamp bound, exact to the nanosecond, shown as ``10.5s``."""

    def __str__(self) -> str:
        return f"{self.normalize():f}s"


def _leaves(rules: Message | None, prefix: str = "") -> Leaves:
    """``rules`` flattened: dotted field path -> value (a list as a tuple; a Duration or Timestamp
    bound as its seconds; a CEL rule as its id and expression, since its message only words a
    violation)."""
    out: Leaves = {}
    if rules is None:
        return out
    for field, value in rules.ListFields():
        name = f"{prefix}{field.name}"
        if field.name in _IGNORED:
            continue
        if field.type == FieldDescriptor.TYPE_MESSAGE and not field.is_repeated:
            if field.message_type.full_name in ("google.protobuf.Duration",
                                                "google.protobuf.Timestamp"):
                out[name] = _Seconds(value.seconds + Decimal(value.nanos) / 10**9)
            else:
                out.update(_leaves(value, f"{name}."))
        elif field.is_repeated:
            out[name] = tuple(_item(v) if field.type == FieldDescriptor.TYPE_MESSAGE else v
                              for v in value)
        else:
            out[name] = value
    return out


def _item(rule: Message) -> str:
    """A repeated rule message in one line: a CEL rule by its id (and expression), any other (a
    message's ``oneof`` rule) in text format."""
    if "expression" in rule.DESCRIPTOR.fields_by_name:
        expression = getattr(rule, "expression")
        return f"{rule.id} ({expression})" if getattr(rule, "id", "") else expression
    return text_format.MessageToString(rule, as_one_line=True)


def _changes(before: Leaves, after: Leaves) -> tuple[list[str], list[str]]:
    """(tightened, loosened): one line per rule leaf that changed, saying how."""
    tighter: list[str] = []
    looser: list[str] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        leaf = key.rpartition(".")[2]
        said = f"{key} from {_shown(old)} to {_shown(new)}"
        if isinstance(old, bool) or isinstance(new, bool):
            (tighter if new else looser).append(said)
        elif leaf in _LOWER or leaf in _UPPER:
            if old is None or new is None:  # a bound added tightens, one removed loosens
                (tighter if old is None else looser).append(said)
            elif (new > old) == (leaf in _LOWER):
                tighter.append(said)
            else:
                looser.append(said)
        else:
            if old is not None:
                looser.append(said)
            if new is not None:
                tighter.append(said)
    return tighter, looser


def _shown(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, (str, bytes)) else str(value)


def _reachable(image: Image, side: str) -> frozenset[str]:
    """Full names of the messages RPCs of ``image``'s targets take (``side="input"``) or answer
    with (``"output"``), and of every message reachable from them through fields."""
    pool = image.pool
    pending: list[Descriptor] = [getattr(method, f"{side}_type")
                                 for name in image.targets
                                 for service in pool.FindFileByName(name).services_by_name.values()
                                 for method in service.methods]
    seen: set[str] = set()
    while pending:
        message = pending.pop()
        if message.full_name in seen:
            continue
        seen.add(message.full_name)
        pending += [f.message_type for f in message.fields if f.message_type is not None]
    return frozenset(seen)


@lru_cache(maxsize=1)
def _roles(p: Pairing) -> tuple[frozenset[str], frozenset[str]]:
    return _reachable(p.current.image, "input"), _reachable(p.current.image, "output")


@dataclass(frozen=True)
class Change:
    """A paired field or message whose rules differ."""

    message: str  # full name of the message declaring it (or the message itself)
    subject: str  # how findings name it
    file: FileDescriptorProto
    paths: tuple[Path, ...]  # where findings lie: its options, else itself
    against: FileDescriptorProto
    before: Leaves
    after: Leaves


@lru_cache(maxsize=1)
def _rule_changes(p: Pairing) -> list[Change]:
    out: list[Change] = []
    for prev, cur in p.fields:
        if prev.is_extension:
            continue
        before = _leaves(field_rules(p.previous.pool_field(prev)))
        after = _leaves(field_rules(p.current.pool_field(cur)))
        if before != after:
            out.append(Change(cur.message_full_name, cur.description(), cur.file,
                              (cur.path + FIELD_OPTIONS, cur.path), prev.file, before, after))
    for prev_m, cur_m in p.messages:
        name = cur_m.element.full_name
        previous = p.previous.image.pool.FindMessageTypeByName(name)
        current = p.current.image.pool.FindMessageTypeByName(name)
        before, after = _leaves(message_rules(previous)), _leaves(message_rules(current))
        if before != after:
            path = cur_m.element.path
            out.append(Change(name, f'Message "{name}"', cur_m.file,
                              (path + MESSAGE_OPTIONS, path), prev_m.file, before, after))
        out += _oneof_changes(cur_m, prev_m, previous, current)
    return out


def _oneof_changes(cur_m: At[walk.MessageAt], prev_m: At[walk.MessageAt], previous: Descriptor,
                   current: Descriptor) -> Iterator[Change]:
    """Changes of the ``(buf.validate.oneof)`` rules of ``current``'s oneofs (a synthetic one, of a
    proto3 ``optional`` field, has none); a oneof new in ``current`` had none before."""
    for oneof_at in walk.oneofs(cur_m.element):
        oneof = current.oneofs_by_name[oneof_at.oneof.name]
        was = previous.oneofs_by_name.get(oneof.name)
        before = _leaves(oneof_rules(was)) if was is not None else {}
        after = _leaves(oneof_rules(oneof))
        if before != after:
            yield Change(current.full_name,
                         f'Oneof "{oneof.name}" on message "{current.name}"', cur_m.file,
                         (oneof_at.path + ONEOF_OPTIONS, oneof_at.path), prev_m.file, before,
                         after)


def _of(p: Pairing, role: int) -> list[Change]:
    messages = _roles(p)[role]
    return [c for c in _rule_changes(p) if c.message in messages]


def _finding(p: Pairing, rule: str, change: Change, what: str, changes: list[str]) -> Finding:
    return p.finding(rule, f"{change.subject} {what} its buf.validate rules: "
                     f"{'; '.join(changes)}.", change.file, *change.paths, against=change.against)


def _new_required(p: Pairing) -> list[tuple[At[walk.MessageAt], FieldRef, At[walk.MessageAt]]]:
    """New fields of paired request messages that the validator refuses unset."""
    requests = _roles(p)[0]
    out = []
    for prev, cur in p.messages:
        if cur.element.full_name not in requests:
            continue
        added = [f for n, f in p.current.fields(cur).items()
                 if n not in p.previous.fields(prev) and not f.is_extension]
        if added:
            refused = must_set(p.current.image.pool.FindMessageTypeByName(cur.element.full_name))
            out += [(prev, f, cur) for f in added if f.field.name in refused]
    return out


@pair_rule(REGISTRY.rule, "VALIDATION_REQUEST_NOT_TIGHTENED", over=lambda p: [
    (c,) for c in _of(p, 0)])
def validation_request_not_tightened(p: Pairing, change: Change) -> Iterator[Finding]:
    """A tighter rule on a request field or message refuses requests that existing clients send
    and that were valid (a lower ``max_len``, a higher ``gte``, a new ``pattern`` or CEL rule)."""
    tighter = [c for c in _changes(change.before, change.after)[0] if not c.startswith("required ")]
    if tighter:
        yield _finding(p, "VALIDATION_REQUEST_NOT_TIGHTENED", change, "tightened", tighter)


@pair_rule(REGISTRY.rule, "VALIDATION_REQUEST_NO_NEW_REQUIRED", over=lambda p: [
    (c, None) for c in _of(p, 0)] + [(None, added) for added in _new_required(p)])
def validation_request_no_new_required(p: Pairing, change: Change | None,
                                       added: Any) -> Iterator[Finding]:
    """A request field that becomes ``required``, or a new one whose rules refuse it unset, refuses
    every request of an existing client that leaves it out; a request oneof that becomes
    ``required`` every request that sets none of its fields."""
    if added is not None:
        prev, field, _ = added
        yield p.finding("VALIDATION_REQUEST_NO_NEW_REQUIRED",
                        f"{field.description()} was added, and its buf.validate rules refuse "
                        "requests that leave it unset.", field.file,
                        field.path + FIELD_OPTIONS, field.path, against=prev.file)
    elif change is not None and change.after.get("required") and not change.before.get("required"):
        yield p.finding("VALIDATION_REQUEST_NO_NEW_REQUIRED",
                        f"{change.subject} became required (buf.validate).", change.file,
                        *change.paths, against=change.against)


@pair_rule(REGISTRY.rule, "VALIDATION_RESPONSE_NOT_LOOSENED", over=lambda p: [
    (c,) for c in _of(p, 1)])
def validation_response_not_loosened(p: Pairing, change: Change) -> Iterator[Finding]:
    """A looser rule on a response field or message lets the server answer values that existing
    consumers, who relied on the rule, do not expect (a higher ``max_len``, a ``pattern``
    removed)."""
    looser = _changes(change.before, change.after)[1]
    if looser:
        yield _finding(p, "VALIDATION_RESPONSE_NOT_LOOSENED", change, "loosened", looser)
