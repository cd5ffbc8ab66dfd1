"""What ``PROTOVALIDATE`` finds in one type's rules (``StringRules``, ``DurationRules`` …) once they
fit the field, in buf's words: ``const`` beside other rules, length and count bounds that cross or
meet (in characters, in bytes, and one against the other), substrings no allowed string can hold,
patterns that are not RE2, ``strict`` without a well-known regex, numeric, Duration and Timestamp
bounds that are equal or not valid values, ``lt_now`` with ``gt_now``, a ``within`` that is not a
positive Duration, and FieldMask paths both allowed and refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from ..findings import quote
from .validate_text import pattern_problem

Rules = Any  # dynamic messages of the Image's validate.proto
Problem = tuple[tuple[int, ...], str]

_BOOL, _STRING, _BYTES, _DURATION, _TIMESTAMP, _FIELD_MASK = 13, 14, 15, 21, 22, 28
# Duration's range that protovalidate can compute with (a little less than int64 nanoseconds)
_DURATION_LIMIT = 9_223_372_036_854_775_428
_TIMESTAMP_MIN, _TIMESTAMP_MAX = -62_135_596_800, 253_402_300_799  # 0001-01-01, 9999-12-31


class Scope(NamedTuple):
    """The field under check, and where its rules sit inside ``FieldRules``."""

    field: FieldDescriptor  # the field, or a map entry's key or value
    rules_root: Any  # the FieldRules descriptor, to name rule paths
    base: tuple[int, ...] = ()
    name: str = ""  # the field's own name, for the messages
    type_name: str = ""  # the field's own type as buf names it (a map's, for its keys and values)
    message: Descriptor | None = None  # the message declaring the field, for its examples
    map_field: FieldDescriptor | None = None  # the map field, for the rules of its keys and values

    def rule_name(self, *path: int) -> str:
        """buf's ``(buf.validate.field).repeated.items.string.max_len`` for ``base + path``."""
        name, fields = "(buf.validate.field)", self.rules_root
        for number in self.base + path:
            found = fields.fields_by_number.get(number)
            if found is None:
                return name
            name += "." + found.name
            if found.message_type is None:
                return name
            fields = found.message_type
        return name

    def at(self, *path: int) -> tuple[int, ...]:
        return self.base + path


def min_max(scope: Scope, rules: Rules, number: int, low: str, high: str) -> Iterator[Problem]:
    """buf's messages for a lower length or count above the upper one."""
    if not (rules.HasField(low) and rules.HasField(high)):
        return
    lo, hi = getattr(rules, low), getattr(rules, high)
    if lo <= hi:
        return
    n_low = rules.DESCRIPTOR.fields_by_name[low].number
    n_high = rules.DESCRIPTOR.fields_by_name[high].number
    yield scope.at(number, n_low), (
        f'Field "{scope.name}" has value {lo} for {scope.rule_name(number, n_low)}, which must be '
        f"lower than value {hi} for {scope.rule_name(number, n_high)}.")
    yield scope.at(number, n_high), (
        f'Field "{scope.name}" has value {hi} for {scope.rule_name(number, n_high)}, which must be '
        f"higher than value {lo} for {scope.rule_name(number, n_low)}.")


def typed_problems(scope: Scope, number: int, rules: Rules) -> Iterator[Problem]:
    """The problems of ``rules``, the type rules numbered ``number`` in ``FieldRules``."""
    values = {f.name: v for f, v in rules.ListFields()}
    fields = rules.DESCRIPTOR.fields_by_name
    if "const" in values and len(values) > 1 and number != _BOOL:
        const = fields["const"].number
        yield scope.at(number, const), (
            f'Field "{scope.name}" has {scope.rule_name(number, const)}, therefore other rules in '
            f"{scope.rule_name(number)} are not applied and should be removed.")
    if number in (_STRING, _BYTES):
        yield from _lengths(scope, number, rules, "len", "min_len", "max_len")
    if number == _STRING:
        yield from _lengths(scope, number, rules, "len_bytes", "min_bytes", "max_bytes")
        yield from _characters_against_bytes(scope, rules)
    if number in (_STRING, _BYTES):
        yield from _substrings(scope, number, rules, values)
    if number in (_STRING, _BYTES) and "pattern" in values:
        reason = pattern_problem(values["pattern"])
        if reason is not None:
            n = fields["pattern"].number
            yield scope.at(number, n), (
                f'Field "{scope.name}" has a {scope.rule_name(number, n)} that fails to compile: '
                f"{reason}.")
    if number == _STRING and values.get("strict") is False and not values.get("well_known_regex"):
        strict, regex = (scope.rule_name(number, fields[n].number)
                         for n in ("strict", "well_known_regex"))
        yield scope.at(number, fields["strict"].number), (
            f'Field "{scope.name}" has {strict} without {regex}. {strict} only applies to {regex} '
            "and is invalid without it.")
    if number <= 12 or number in (_DURATION, _TIMESTAMP):  # numbers, durations, timestamps
        yield from _invalid_bounds(scope, number, rules, values)
        yield from _equal_bounds(scope, number, rules, values)
    if number == _TIMESTAMP:
        yield from _timestamp(scope, rules, values)
    if number == _FIELD_MASK and values.get("in") and values.get("not_in"):
        refused = set(values["not_in"])
        for path in values["in"]:
            if path in refused:
                yield scope.at(number, fields["in"].number), (
                    f'Field "{scope.name}" has path {quote(path)} in both in and not_in rules.')


def _lengths(scope: Scope, number: int, rules: Rules, exact: str, low: str,
             high: str) -> Iterator[Problem]:
    fields = rules.DESCRIPTOR.fields_by_name
    has = {n: rules.HasField(n) for n in (exact, low, high)}
    if has[exact]:
        for other in (low, high):
            if has[other]:
                yield scope.at(number, fields[other].number), (
                    f'Field "{scope.name}" has {scope.rule_name(number, fields[exact].number)} and '
                    f"therefore, {scope.rule_name(number, fields[other].number)} is redundant and "
                    "should be removed.")
    yield from min_max(scope, rules, number, low, high)
    if has[low] and has[high] and getattr(rules, low) == getattr(rules, high):
        n_low = fields[low].number
        text = (f'Field "{scope.name}" has equal {scope.rule_name(number, n_low)} and {high}, use '
                f"{scope.rule_name(number)}.{exact} instead.")
        yield scope.at(number, n_low), text
        yield scope.at(number, fields[high].number), text


def _characters_against_bytes(scope: Scope, rules: Rules) -> Iterator[Problem]:
    """A UTF-8 character is 1 to 4 bytes: ``min_len`` characters need at least as many bytes,
    ``max_len`` characters hold at most four times as many."""
    fields = rules.DESCRIPTOR.fields_by_name
    name = {n: scope.rule_name(_STRING, fields[n].number)
            for n in ("min_len", "max_len", "min_bytes", "max_bytes")}
    at = {n: scope.at(_STRING, fields[n].number) for n in name}
    if rules.HasField("min_len") and rules.HasField("max_bytes") \
            and rules.max_bytes < rules.min_len:
        low, high = rules.min_len, rules.max_bytes
        why = (f"A string with {low} UTF-8 characters has at least {low} bytes, which is higher "
               f"than {high} bytes.")
        yield at["min_len"], (f'Field "{scope.name}" has value {low} for {name["min_len"]}, which '
                              f'must be lower than value {high} for {name["max_bytes"]}. {why}')
        yield at["max_bytes"], (f'Field "{scope.name}" has value {high} for {name["max_bytes"]}, '
                                f'which must be higher than value {low} for {name["min_len"]}. '
                                f"{why}")
    if rules.HasField("max_len") and rules.HasField("min_bytes") \
            and rules.max_len * 4 < rules.min_bytes:
        most, least = rules.max_len, rules.min_bytes
        why = f"A string with {most} UTF-8 characters has at most {most * 4} bytes."
        yield at["min_bytes"], (f'Field "{scope.name}" has value {least} for {name["min_bytes"]} '
                                f'but {most} for {name["max_len"]}. {why}')
        yield at["max_len"], (f'Field "{scope.name}" has value {most} for {name["max_len"]} but '
                              f'{least} for {name["min_bytes"]}. {why}')


def _substrings(scope: Scope, number: int, rules: Rules,
                values: dict[str, Any]) -> Iterator[Problem]:
    """``prefix``, ``suffix`` and ``contains`` that no string within the length bounds, or without
    ``not_contains``, can hold. buf's messages repeat the substring's own length where they mean
    the bound; they are kept as buf words them."""
    fields = rules.DESCRIPTOR.fields_by_name
    for kind in ("prefix", "suffix", "contains"):
        if kind not in values:
            continue
        value, n = values[kind], fields[kind].number
        at, rule = scope.at(number, n), scope.rule_name(number, n)
        if number == _BYTES:
            if "max_len" in values and len(value) > values["max_len"]:
                yield at, (f'Field "{scope.name}" has a {rule} of {len(value)} bytes, exceeding '
                           f'its max_len ({values["max_len"]}). It is impossible to contain '
                           f'{_quote_bytes(value)} while having less than or equal to '
                           f'{values["max_len"]} bytes.')
            continue
        characters, size = len(value), len(value.encode())
        if "max_len" in values and characters > values["max_len"]:
            yield at, (f'Field "{scope.name}" has a {rule} of length {characters}, exceeding its '
                       f'max_len ({values["max_len"]}). It is impossible for a string to contain '
                       f"{quote(value)} while having less than or equal to {characters} UTF-8 "
                       "characters.")
        if "max_bytes" in values and size > values["max_bytes"]:
            yield at, (f'Field "{scope.name}" has a {rule} of {size} bytes, exceeding its '
                       f'max_bytes ({values["max_bytes"]}). It is impossible for a string to '
                       f"contain {quote(value)} while having less than or equal to {size} bytes.")
        if "not_contains" in values and values["not_contains"] in value:
            refused = values["not_contains"]
            yield at, (f'Field "{scope.name}" has a {rule} ({quote(value)}) containing its '
                       f"not_contains ({quote(refused)}). It is impossible for a string to contain "
                       f"{quote(value)} without containing {quote(refused)}.")


def _quote_bytes(value: bytes) -> str:
    return quote(value.decode("utf-8", "backslashreplace"))


def _invalid_bounds(scope: Scope, number: int, rules: Rules,
                    values: dict[str, Any]) -> Iterator[Problem]:
    """Duration and Timestamp values of ``const`` and the bounds that are not valid ones."""
    if number not in (_DURATION, _TIMESTAMP):
        return
    check = duration_problem if number == _DURATION else _timestamp_problem
    for name in ("const", "lt", "lte", "gt", "gte"):
        if name in values:
            problem = check(values[name])
            if problem is not None:
                n = rules.DESCRIPTOR.fields_by_name[name].number
                yield scope.at(number, n), (f'Field "{scope.name}" has an invalid '
                                            f"{scope.rule_name(number, n)}: {problem}.")


def _equal_bounds(scope: Scope, number: int, rules: Rules,
                  values: dict[str, Any]) -> Iterator[Problem]:
    lower = next((n for n in ("gt", "gte") if n in values), None)
    upper = next((n for n in ("lt", "lte") if n in values), None)
    if lower is None or upper is None or _key(values[lower]) != _key(values[upper]):
        return
    check = {_DURATION: duration_problem, _TIMESTAMP: _timestamp_problem}.get(number)
    if check is not None and (check(values[lower]) or check(values[upper])):
        return  # an invalid bound is reported as such
    fields = rules.DESCRIPTOR.fields_by_name
    low_name = scope.rule_name(number, fields[lower].number)
    high_name = scope.rule_name(number, fields[upper].number)
    if lower == "gte" and upper == "lte":
        text = (f'Field "{scope.name}" has equal {low_name} and {high_name}, use '
                f"{scope.rule_name(number)}.const instead.")
    else:
        text = (f'Field "{scope.name}" has equal {low_name} and {high_name}. All values are '
                "rejected by these checks.")
    yield scope.at(number, fields[lower].number), text
    yield scope.at(number, fields[upper].number), text


def _key(value: Any) -> Any:
    return (value.seconds, value.nanos) if hasattr(value, "nanos") else value


def _timestamp(scope: Scope, rules: Rules, values: dict[str, Any]) -> Iterator[Problem]:
    fields = rules.DESCRIPTOR.fields_by_name
    if values.get("lt_now") and values.get("gt_now"):
        gt_now, lt_now = (scope.rule_name(_TIMESTAMP, fields[n].number)
                          for n in ("gt_now", "lt_now"))
        text = (f'Field "{scope.name}" has both {gt_now} and {lt_now}. A timestamp cannot be both '
                "before and after validation time.")
        yield scope.at(_TIMESTAMP, fields["gt_now"].number), text
        yield scope.at(_TIMESTAMP, fields["lt_now"].number), text
    if "within" in values:
        within = values["within"]
        n = fields["within"].number
        problem = duration_problem(within)
        if problem is not None:
            yield scope.at(_TIMESTAMP, n), (f'Field "{scope.name}" has an invalid '
                                            f"{scope.rule_name(_TIMESTAMP, n)}: {problem}.")
        elif within.seconds <= 0 and within.nanos <= 0:
            yield scope.at(_TIMESTAMP, n), (
                f'Field "{scope.name}" must have a positive {scope.rule_name(_TIMESTAMP, n)} '
                f"({go_text(within)}).")


def go_text(value: Any) -> str:
    """A Duration or Timestamp as Go prints it (``seconds:1 nanos:-5``; empty when zero)."""
    return " ".join(f"{n}:{v}" for n, v in (("seconds", value.seconds), ("nanos", value.nanos))
                    if v)


def duration_problem(value: Any) -> str | None:
    """Why a Duration is not one protovalidate can use, as buf words it; None when it is."""
    seconds, nanos = value.seconds, value.nanos
    if not -1_000_000_000 < nanos < 1_000_000_000:
        return f"duration ({go_text(value)}) must have nanos in the range 0 to 999999999"
    if (seconds > 0 > nanos) or (seconds < 0 < nanos):
        return f"duration ({go_text(value)}) has seconds and nanos with different signs"
    if abs(seconds * 1_000_000_000 + nanos) > _DURATION_LIMIT:
        return (f"duration ({go_text(value)}) must be in the range seconds:-9223372036 "
                "nanos:-854775428 to seconds:9223372036 nanos:854775428")
    return None


def _timestamp_problem(value: Any) -> str | None:
    """Why a Timestamp is not valid, in Go's ``CheckValid`` words; None when it is."""
    shown = go_text(value)
    if value.seconds < _TIMESTAMP_MIN:
        return f"proto:\u00a0timestamp ({shown}) before 0001-01-01"
    if value.seconds > _TIMESTAMP_MAX:
        return f"proto:\u00a0timestamp ({shown}) after 9999-12-31"
    if not 0 <= value.nanos < 1_000_000_000:
        return f"proto:\u00a0timestamp ({shown}) has out-of-range nanos"
    return None
