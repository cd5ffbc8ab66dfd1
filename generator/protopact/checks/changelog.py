"""``protopact changelog``: a Markdown changelog of the input against a baseline.

Sections, always in this order: Breaking (the breaking engine's findings under the input's
``buf.yaml``, with protopact's advice), Added (elements the baseline lacks, as ``--bump-from``
counts them), Deprecated (elements newly marked ``deprecated = true`` or ``STABILITY_DEPRECATED``)
and Changed (elements whose comments changed; nothing else counts as a change here). Elements pair
by the keys of :mod:`.elements`. The output is deterministic: entries are sorted by file, then
element, and carry no dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..compile.image import Image, same_file
from ..compile.inputs import Input
from ..schema.source import Sources
from ..schema.stability import StabilityReader
from .elements import Element, elements
from .engine import run_breaking
from .findings import Reported
from .registry import Registry
from .versioning import added_files, additions

NONE = "_None._"


def changelog(current: Input, previous: Input, registry: Registry, *, label: str) -> str:
    outcome = run_breaking(current, previous, registry, label=label)
    shown = current.image.shown
    # A file with the same bytes on both sides adds, deprecates and rewords nothing, and nothing
    # moves into or out of it: only the other files are walked.
    same = {n for n in current.image.targets if same_file(previous.image, current.image, n)}
    was = previous.image.with_targets(previous.image.targets - same)
    now = current.image.with_targets(current.image.targets - same)
    before = {e.identity: e for e in elements(was.target_files())}
    paired = [(before[e.identity], e) for e in elements(now.target_files()) if e.identity in before]
    sections = [
        ("Breaking", _breaking(outcome.findings)),
        ("Added", [f"- file `{shown(name)}`" for name in added_files(previous.image, current.image)]
         + _entries(additions(was, now), shown)),
        ("Deprecated", _entries(_newly_deprecated(previous.image, current.image, paired), shown)),
        ("Changed", _entries(_comments_changed(previous.image, current.image, paired), shown,
                             suffix=": comments changed")),
    ]
    lines = ["# Changelog", ""]
    for title, entries in sections:
        lines += [f"## {title}", "", *(entries or [NONE]), ""]
    return "\n".join(lines)


def _breaking(findings: Sequence[Reported]) -> list[str]:
    out = []
    for f in findings:
        where = f"{f.path}:{f.shown_span[0]}:{f.shown_span[1]}" if f.path else "<input>"
        out.append(f"- `{where}` {f.message} (`{f.type}`)")
        if f.advice:
            out.append(f"  Advice: {f.advice}")
    return out


def _entries(items: Iterable[Element], shown: Callable[[str], str], *, suffix: str = ""
             ) -> list[str]:
    rows = sorted((shown(e.file.name), e.full_name, e.kind) for e in items)
    return [f"- {kind} `{name}` in `{path}`{suffix}" for path, name, kind in rows]


def _newly_deprecated(previous: Image, current: Image, paired: list[tuple[Element, Element]]
                      ) -> list[Element]:
    was, now = StabilityReader(previous.pool), StabilityReader(current.pool)
    return [cur for prev, cur in paired
            if now.deprecated(cur.chain[-1]) and not was.deprecated(prev.chain[-1])]


def _comments_changed(previous: Image, current: Image, paired: list[tuple[Element, Element]]
                      ) -> list[Element]:
    before, after = Sources(previous.files), Sources(current.files)

    def comments(sources: Sources, e: Element) -> tuple[str, str]:
        location = sources[e.file.name].location(e.path)
        return (location.leading_comments, location.trailing_comments) if location else ("", "")

    return [cur for prev, cur in paired if comments(before, prev) != comments(after, cur)]
