"""Stability rules (category ``STABILITY``), read from the ``protopact.v1`` stability options.

``STABILITY_BETA_MAY_CHANGE`` is a *filter* rule (see :mod:`..registry`): naming it adds no
findings; it drops the findings of every other selected rule, buf's included, whose element is beta
in the baseline. A config that does not name it runs exactly as buf's would.
``STABILITY_DELETE_REQUIRES_DEPRECATION`` reports deletions of elements that the baseline did not
mark deprecated; it suits a config that lets deprecated elements go, e.g.
``use: [WIRE_JSON, STABILITY]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...schema.stability import Stability, StabilityReader
from ..elements import Element, elements
from ..engine import BreakingContext
from ..findings import Finding
from . import REGISTRY
from .adapters import Pairing, pairing

Path = tuple[int, ...]


def _places(items: Iterable[Element]) -> dict[tuple[str, Path], Element]:
    return {(e.file.name, e.path): e for e in items}


@REGISTRY.filter("STABILITY_BETA_MAY_CHANGE")
def stability_beta_may_change(context: BreakingContext, findings: list[Finding]) -> list[Finding]:
    """Beta elements may change. A finding is dropped when the element it concerns, or the nearest
    enclosing service or message, is marked ``STABILITY_BETA`` in the baseline (an unmarked method
    inherits its service's mark), or when the baseline file's package is a ``v0`` package and no
    closer mark says otherwise. Only the baseline counts: marking a stable element beta does not
    allow breaking it in the same change. Selecting this rule adds no findings of its own."""
    previous = list(elements(context.previous.target_files()))
    by_key = {e.key: e for e in previous}
    previous_places = _places(previous)
    current_places = _places(elements(context.current.target_files()))
    reader = StabilityReader(context.previous.pool)

    def concerned(finding: Finding) -> Element | None:
        """The innermost baseline element around the finding's element."""
        if finding.against_path is not None:
            places, name, path = previous_places, finding.against_file, finding.against_path
        else:
            places, name, path = current_places, finding.file, finding.source_path or ()
        for end in range(len(path), 0, -1):
            found = places.get((name, path[:end]))
            if found is not None and found.key in by_key:
                return by_key[found.key]
        return None

    def may_change(finding: Finding) -> bool:
        element = concerned(finding)
        if element is not None:
            return reader.effective(element.file.package, element.chain) is Stability.BETA
        file = context.previous.by_name.get(finding.against_file or finding.file)
        return file is not None and reader.effective(file.package, ()) is Stability.BETA

    return [f for f in findings if not may_change(f)]


@REGISTRY.rule("STABILITY_DELETE_REQUIRES_DEPRECATION")
def stability_delete_requires_deprecation(context: BreakingContext) -> Iterator[Finding]:
    """An element may be deleted only after a release that marked it deprecated
    (``deprecated = true``, or ``STABILITY_DEPRECATED`` on services, RPCs and messages), so clients
    were warned. A deleted element inside a deprecated one needs no mark of its own; an element
    deleted with its parent is reported once, on the parent. The finding lies on the nearest
    surviving parent, or on the file."""
    p = pairing(context)
    current = {e.key: e for e in elements(p.current.files.values())}
    previous = {e.key: e for e in elements(p.previous.files.values())}
    reader = StabilityReader(context.previous.pool)
    for element in previous.values():
        if element.key in current or (element.parent_key and element.parent_key not in current):
            continue
        if any(reader.deprecated(options) for options in element.chain):
            continue
        yield _deleted(p, element, current.get(element.parent_key))


def _deleted(p: Pairing, element: Element, parent: Element | None) -> Finding:
    text = (f'Previously present {element.kind} "{element.full_name}" was deleted without being '
            "marked deprecated in the baseline.")
    mark = ("`option deprecated = true;` or `STABILITY_DEPRECATED`"
            if element.kind in ("service", "RPC", "message") else "`deprecated = true`")
    advice = f"Mark it deprecated ({mark}) in a release, and delete it in a later one."
    rule = "STABILITY_DELETE_REQUIRES_DEPRECATION"
    if parent is not None:
        return p.finding(rule, text, parent.file, parent.path, against=element.file,
                         against_path=element.path, advice=advice)
    return p.finding(rule, text, p.current.files.get(element.file.name), against=element.file,
                     against_path=element.path, advice=advice)
