"""Breaking rules over reserved and extension ranges and reserved names.

Ranges are compared as buf compares them: the current ranges are collapsed, and each baseline range
reports the values it lost (``[151,200]``, ``[101,max]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ...schema import walk
from ..findings import Finding
from . import REGISTRY
from .adapters import At, Pairing, enum_pairs, message_pairs, pair_rule

MESSAGE_MAX = 536870911
MESSAGE_SET_MAX = 2147483646
ENUM_MAX = 2147483647
Range = tuple[int, int]  # inclusive


def in_ranges(number: int, ranges: Iterable[Range]) -> bool:
    """``ranges`` inclusive (enum reserved ranges are stored inclusive)."""
    return any(start <= number <= end for start, end in ranges)


def _collapse(ranges: Iterable[Range]) -> list[Range]:
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def missing(start: int, end: int, collapsed: Sequence[Range]) -> list[Range]:
    """The values of ``[start, end]`` that no collapsed range covers."""
    gaps, at = [], start
    for s, e in collapsed:
        if e < at:
            continue
        if s > end:
            break
        if s > at:
            gaps.append((at, s - 1))
        at = e + 1
        if at > end:
            return gaps
    if at <= end:
        gaps.append((at, end))
    return gaps


def range_text(start: int, end: int, maximum: int) -> str:
    if start == end:
        return f"[{start}]"
    return f"[{start},max]" if end == maximum else f"[{start},{end}]"


def _message_max(message: walk.MessageAt) -> int:
    return MESSAGE_SET_MAX if message.message.options.message_set_wire_format else MESSAGE_MAX


def _message_ranges(ranges: Iterable) -> list[Range]:  # type: ignore[type-arg]
    return [(r.start, r.end - 1) for r in ranges]  # stored end-exclusive


def _names(p: Pairing, rule: str, element: str, name: str, prev: At, cur: At,  # type: ignore[type-arg]
           before: Iterable[str], after: Iterable[str]) -> Iterator[Finding]:
    kept = set(after)
    for reserved in dict.fromkeys(before):
        if reserved not in kept:
            yield p.finding(rule, f'Previously present reserved name "{reserved}" on {element} '
                            f'"{name}" was deleted.', cur.file, cur.element.path, against=prev.file)


@pair_rule(REGISTRY.rule, "RESERVED_MESSAGE_NO_DELETE", over=message_pairs)
def reserved_message_no_delete(p: Pairing, prev: At, cur: At) -> Iterator[Finding]:  # type: ignore[type-arg]
    """Un-reserving a field number or name lets it be reused with another meaning."""
    before, after = prev.element.message, cur.element.message
    yield from _ranges(p, "RESERVED_MESSAGE_NO_DELETE", "reserved", "message", before.name, prev, cur,
                       _message_ranges(before.reserved_range), _message_ranges(after.reserved_range),
                       _message_max(cur.element))
    yield from _names(p, "RESERVED_MESSAGE_NO_DELETE", "message", after.name, prev, cur,
                      before.reserved_name, after.reserved_name)


@pair_rule(REGISTRY.rule, "RESERVED_ENUM_NO_DELETE", over=enum_pairs)
def reserved_enum_no_delete(p: Pairing, prev: At, cur: At) -> Iterator[Finding]:  # type: ignore[type-arg]
    """Un-reserving an enum number or name lets it be reused with another meaning."""
    before, after = prev.element.enum, cur.element.enum
    yield from _ranges(p, "RESERVED_ENUM_NO_DELETE", "reserved", "enum", after.name, prev, cur,
                       [(r.start, r.end) for r in before.reserved_range],
                       [(r.start, r.end) for r in after.reserved_range], ENUM_MAX)
    yield from _names(p, "RESERVED_ENUM_NO_DELETE", "enum", after.name, prev, cur,
                      before.reserved_name, after.reserved_name)


@pair_rule(REGISTRY.rule, "EXTENSION_MESSAGE_NO_DELETE", over=message_pairs)
def extension_message_no_delete(p: Pairing, prev: At, cur: At) -> Iterator[Finding]:  # type: ignore[type-arg]
    """Removing extension numbers from a message breaks the extensions declared with them."""
    before, after = prev.element.message, cur.element.message
    yield from _ranges(p, "EXTENSION_MESSAGE_NO_DELETE", "extension", "message", after.name, prev,
                       cur, _message_ranges(before.extension_range),
                       _message_ranges(after.extension_range), _message_max(cur.element))


def _ranges(p: Pairing, rule: str, kind: str, element: str, name: str, prev: At, cur: At,  # type: ignore[type-arg]
            before: list[Range], after: list[Range], maximum: int) -> Iterator[Finding]:
    collapsed = _collapse(after)
    for start, end in before:
        gaps = missing(start, end, collapsed)
        if gaps:
            removed = ", ".join(range_text(s, e, maximum) for s, e in gaps)
            yield p.finding(rule, f'Previously present {kind} range "{range_text(start, end, maximum)}"'
                            f' on {element} "{name}" is missing values: {removed} were removed.',
                            cur.file, cur.element.path, against=prev.file)
