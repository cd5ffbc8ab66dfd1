"""Breaking rules over enums and enum values: deletion, names, openness, JSON format."""

from __future__ import annotations

from collections.abc import Iterator

from ...schema import walk
from ..engine import BreakingContext
from ..findings import Finding
from . import REGISTRY
from .adapters import At, Pairing, enum_pairs, pair_rule, pairing
from .deletions import deleted_from_file, deleted_from_package, enum_index
from .features import enum_closed, lost_json_support
from .reserved import in_ranges

Enum = At[walk.EnumAt]
ENUM_OPTIONS = 3
ENUM_TYPE_FEATURE = (ENUM_OPTIONS, 7, 2)  # options.features.enum_type
JSON_FORMAT_FEATURE = (ENUM_OPTIONS, 7, 6)  # options.features.json_format
VALUE_NUMBER = (2,)


def names_by_number(enum: walk.EnumAt) -> dict[int, dict[str, walk.EnumValueAt]]:
    out: dict[int, dict[str, walk.EnumValueAt]] = {}
    for value in walk.enum_values(enum):
        out.setdefault(value.value.number, {})[value.value.name] = value
    return out


def quoted(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


@REGISTRY.rule("ENUM_NO_DELETE")
def enum_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """A deleted enum breaks every reference to it."""
    yield from deleted_from_file(pairing(context), "ENUM_NO_DELETE", "enum", enum_index)


@REGISTRY.rule("PACKAGE_ENUM_NO_DELETE")
def package_enum_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """An enum deleted from its package (not merely moved to another file) breaks references."""
    yield from deleted_from_package(pairing(context), "PACKAGE_ENUM_NO_DELETE", "enum", enum_index)


@pair_rule(REGISTRY.rule, "ENUM_SAME_TYPE", over=enum_pairs)
def enum_same_type(p: Pairing, prev: Enum, cur: Enum) -> Iterator[Finding]:
    """Open and closed enums treat unknown values differently."""
    before, after = enum_closed(p.previous, prev), enum_closed(p.current, cur)
    if before != after:
        was, now = ("open", "closed") if after else ("closed", "open")
        yield p.finding("ENUM_SAME_TYPE", f'Enum "{cur.element.enum.name}" changed from {was} to {now}.',
                        cur.file, cur.element.path + ENUM_TYPE_FEATURE, cur.element.path,
                        against=prev.file)


@pair_rule(REGISTRY.rule, "ENUM_SAME_JSON_FORMAT", over=enum_pairs)
def enum_same_json_format(p: Pairing, prev: Enum, cur: Enum) -> Iterator[Finding]:
    """An enum that stops supporting JSON (``json_format`` feature) breaks JSON clients."""
    yield from lost_json_support(p, "ENUM_SAME_JSON_FORMAT", f'Enum "{cur.element.enum.name}"', prev,
                                 cur, JSON_FORMAT_FEATURE, enum=True)


def _value_deletions(p: Pairing, rule: str, prev: Enum, cur: Enum, *, number_reserved: bool = False,
                     name_reserved: bool = False) -> Iterator[Finding]:
    after = {v.number for v in cur.element.enum.value}
    enum = cur.element.enum
    ranges = [(r.start, r.end) for r in enum.reserved_range]
    for number, values in names_by_number(prev.element).items():
        if number in after:
            continue
        suffix = ""
        if number_reserved:
            if in_ranges(number, ranges):
                continue
            suffix = f' without reserving the number "{number}"'
        if name_reserved:
            if all(n in enum.reserved_name for n in values):
                continue
            plural = "s" if len(values) > 1 else ""
            suffix = f" without reserving the name{plural} {quoted(sorted(values))}"
        yield p.finding(rule, f'Previously present enum value "{number}" on enum "{enum.name}" was '
                        f"deleted{suffix}.", cur.file, cur.element.path, against=prev.file)


@pair_rule(REGISTRY.rule, "ENUM_VALUE_NO_DELETE", over=enum_pairs)
def enum_value_no_delete(p: Pairing, prev: Enum, cur: Enum) -> Iterator[Finding]:
    """A deleted enum value breaks the code that names it and the peers that still send it."""
    yield from _value_deletions(p, "ENUM_VALUE_NO_DELETE", prev, cur)


@pair_rule(REGISTRY.rule, "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", over=enum_pairs)
def enum_value_no_delete_unless_name_reserved(p: Pairing, prev: Enum, cur: Enum
                                              ) -> Iterator[Finding]:
    """A deleted enum value's names must be reserved, so JSON text never changes meaning."""
    yield from _value_deletions(p, "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", prev, cur,
                                name_reserved=True)


@pair_rule(REGISTRY.rule, "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", over=enum_pairs)
def enum_value_no_delete_unless_number_reserved(p: Pairing, prev: Enum, cur: Enum
                                                ) -> Iterator[Finding]:
    """A deleted enum value's number must be reserved, so the wire never changes meaning."""
    yield from _value_deletions(p, "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", prev, cur,
                                number_reserved=True)


@pair_rule(REGISTRY.rule, "ENUM_VALUE_SAME_NAME", over=enum_pairs)
def enum_value_same_name(p: Pairing, prev: Enum, cur: Enum) -> Iterator[Finding]:
    """Renaming an enum value breaks generated code and JSON (names are the JSON form); new aliases
    may be added."""
    current = names_by_number(cur.element)
    for number, before in names_by_number(prev.element).items():
        after = current.get(number)
        if after is None or before.keys() <= after.keys():
            continue
        plural = "s" if len(before) > 1 and len(after) > 1 else ""
        text = (f'Enum value "{number}" on enum "{cur.element.enum.name}" changed name{plural} from '
                f"{quoted(sorted(before))} to {quoted(sorted(after))}.")
        for value in after.values():
            yield p.finding("ENUM_VALUE_SAME_NAME", text, cur.file, value.path + VALUE_NUMBER,
                            against=prev.file)
