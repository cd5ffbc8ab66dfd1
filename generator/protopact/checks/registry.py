"""Rules: an ID, a purpose, categories per ``buf.yaml`` version, and a handler.

Each check kind keeps one table (``lint/table.py``, ``breaking/table.py``) keyed by rule ID with a
column per config version; handlers register themselves with :func:`Registry.rule`. The registry is
the single source for selection, ``protopact rules`` and the tests that every rule is complete.

A rule is either a *handler* (it yields findings) or a *filter* (registered with
:meth:`Registry.filter`): selecting a filter rule adds no findings but lets it drop findings of the
other selected rules, so a config that does not name it runs exactly as before.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, NamedTuple

from .findings import Finding


# Named tuples and a plain class, not dataclasses: each dataclass costs about 4 M instructions to
# create, at the start of every run.
class Membership(NamedTuple):
    categories: tuple[str, ...]
    default: bool


class RuleRow(NamedTuple):
    """One row of a rule table. ``versions[v]`` is None when config version ``v`` lacks the rule."""

    purpose: str
    versions: Mapping[str, Membership | None]
    deprecated: bool = False
    replacements: tuple[str, ...] = ()
    origin: str = "buf"  # "buf" for buf's rules, "protopact" for rules buf lacks


def row(purpose: str, *, v1beta1: Any = None, v1: Any = None, v2: Any = None,
        deprecated: bool = False, replacements: tuple[str, ...] = (),
        origin: str = "buf") -> RuleRow:
    """A table row; each version is ``(categories, default)`` or None."""
    columns = {"v1beta1": v1beta1, "v1": v1, "v2": v2}
    return RuleRow(
        purpose=purpose,
        versions={v: Membership(tuple(c[0]), bool(c[1])) if c else None for v, c in columns.items()},
        deprecated=deprecated,
        replacements=replacements,
        origin=origin,
    )


def everywhere(purpose: str, categories: tuple[str, ...], *, default: bool = False) -> RuleRow:
    """A protopact rule: the same categories in every config version, off unless named."""
    spec = (categories, default)
    return row(purpose, v1beta1=spec, v1=spec, v2=spec, origin="protopact")


Handler = Callable[..., Iterable[Finding]]
Filter = Callable[[Any, list[Finding]], list[Finding]]  # (context, findings) -> kept findings


class Rule(NamedTuple):
    id: str
    row: RuleRow
    handler: Handler | None  # None: a filter, or listed for compatibility and not implemented
    filter: Filter | None = None
    walks: bool = False  # visits every message or enum of the files it checks (see Registry.rule)
    by_file: bool = False  # a file's findings are the same whichever other targets are checked

    @property
    def implemented(self) -> bool:
        return self.handler is not None or self.filter is not None


class Registry:
    """The rules of one kind (lint or breaking)."""

    def __init__(self, kind: str, table: Mapping[str, RuleRow], *,
                 by_file: frozenset[str] = frozenset()) -> None:
        self.kind = kind
        self.table = table
        self.handlers: dict[str, Handler] = {}
        self.filters: dict[str, Filter] = {}
        self.walking: set[str] = set()
        self.by_file = by_file  # rules whose findings on a file read no other target

    def rule(self, rule_id: str, *, walks: bool = False) -> Callable[[Handler], Handler]:
        """Register a handler. ``walks``: it visits every message or enum (their fields, values)
        of the files it checks, a walk that rules share (:func:`protopact.schema.walk.prepare`)."""
        if walks:
            self.walking.add(rule_id)
        return self._register(rule_id, self.handlers)

    def filter(self, rule_id: str) -> Callable[[Filter], Filter]:
        return self._register(rule_id, self.filters)

    def _register(self, rule_id: str, into: dict[str, Any]) -> Callable[[Any], Any]:
        if rule_id not in self.table:
            raise KeyError(f"{self.kind} rule {rule_id} has no row in the table")

        def register(function: Any) -> Any:
            if rule_id in self.handlers or rule_id in self.filters:
                raise KeyError(f"{self.kind} rule {rule_id} registered twice")
            into[rule_id] = function
            return function

        return register

    def rules(self) -> list[Rule]:
        return [Rule(i, r, self.handlers.get(i), self.filters.get(i), i in self.walking,
                     i in self.by_file)
                for i, r in sorted(self.table.items())]

    def categories(self, version: str) -> dict[str, list[str]]:
        """Category name -> rule IDs, for one config version."""
        out: dict[str, list[str]] = {}
        for rule_id, rule_row in sorted(self.table.items()):
            membership = rule_row.versions.get(version)
            for category in membership.categories if membership else ():
                out.setdefault(category, []).append(rule_id)
        return out

