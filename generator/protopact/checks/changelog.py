"""``protopact changelog``: a release note of the input against a baseline, in Markdown.

It opens with a one-line summary (and the next version when asked), then sections, each left out
when empty, in this order: Breaking changes (the breaking engine's findings under the input's
``buf.yaml``, with protopact's advice), Removed (files and elements the input lacks, whatever rules
``buf.yaml`` selects), Deprecated (newly marked ``deprecated = true`` or ``STABILITY_DEPRECATED``),
Added, and Comments changed (one line per file). Within a section, whole top-level elements come
first, then what changed inside each service, message or enum under its name; the elements of an
added or removed file, and the members of an added or removed element, are folded into it.

Elements pair by the keys of :mod:`.elements`. The output is deterministic: groups are sorted by
file and name, entries within a group keep declaration order, and nothing carries a date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..compile.image import Image, same_file
from ..compile.inputs import Input
from ..schema.source import Sources, Span
from ..schema.stability import StabilityReader
from .elements import Element, elements
from .engine import run_breaking
from .findings import Reported
from .registry import Registry
from .versioning import added_files, additions, next_version, removals, removed_files

Shown = Callable[[str], str]


@dataclass(frozen=True)
class Release:
    """What changed, each list in declaration order; ``added`` and ``removed`` hold the topmost
    elements only, and none of those declared in an added or removed file."""

    breaking: Sequence[Reported]
    removed_files: Sequence[str]
    removed: Sequence[Element]
    added_files: Sequence[str]
    added: Sequence[Element]
    deprecated: Sequence[Element]
    reworded: Sequence[Element]

    @property
    def is_breaking(self) -> bool:
        return bool(self.breaking or self.removed_files or self.removed)

    @property
    def adds(self) -> bool:
        return bool(self.added_files or self.added)


def release(current: Input, previous: Input, registry: Registry, *, label: str) -> Release:
    findings = run_breaking(current, previous, registry, label=label).findings
    # A file with the same bytes on both sides adds, removes, deprecates and rewords nothing, and
    # nothing moves into or out of it: only the other files are walked.
    same = {n for n in current.image.targets if same_file(previous.image, current.image, n)}
    was = previous.image.with_targets(previous.image.targets - same)
    now = current.image.with_targets(current.image.targets - same)
    before = {e.identity: e for e in elements(was.target_files())}
    paired = [(before[e.identity], e) for e in elements(now.target_files()) if e.identity in before]
    gone, new = removed_files(was, now), added_files(was, now)
    return Release(
        breaking=findings,
        removed_files=gone, removed=_topmost(removals(was, now)),
        added_files=new, added=_topmost(additions(was, now)),
        deprecated=_newly_deprecated(previous.image, current.image, paired),
        reworded=_comments_changed(previous.image, current.image, paired))


def changelog(current: Input, previous: Input, registry: Registry, *, label: str,
              bump_from: str | None = None, title: str = "Changelog") -> str:
    note = release(current, previous, registry, label=label)
    now, was = current.image, previous.image
    lines = [f"# {' '.join(title.split())}", ""]
    if bump_from is not None:
        lines += [f"Next version: **{next_version(bump_from, breaking=note.is_breaking, additions=note.adds)}**"
                  f" (from {bump_from.strip()}).", ""]
    lines += [_summary(note), ""]
    sections = [
        ("Breaking changes", _breaking(note.breaking, now)),
        ("Removed", _files(note.removed_files, note.removed, was.shown)
         + _grouped(note.removed, was, was.shown, folded=note.removed_files)),
        ("Deprecated", _grouped(note.deprecated, now, now.shown)),
        ("Added", _files(note.added_files, note.added, now.shown)
         + _grouped(note.added, now, now.shown, folded=note.added_files)),
        ("Comments changed", _reworded(note.reworded, now.shown)),
    ]
    for title, body in sections:
        if body:
            lines += [f"## {title}", "", *body, ""]
    return "\n".join(lines)


def _summary(note: Release) -> str:
    counts = [(len(note.breaking), "breaking change", "breaking changes"),
              (len(note.removed_files) + len(_unfolded(note.removed, note.removed_files)),
               "removal", "removals"),
              (len(note.deprecated), "deprecation", "deprecations"),
              (len(note.added_files) + len(_unfolded(note.added, note.added_files)),
               "addition", "additions")]
    parts = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    files = len({e.file.name for e in note.reworded})
    if files:
        parts.append(f"comments changed in {files} file{'' if files == 1 else 's'}")
    return ("Summary: " + ", ".join(parts) + ".") if parts else "No changes."


def _topmost(items: list[Element]) -> list[Element]:
    """The elements none of whose enclosing elements is in ``items``."""
    keys = {e.key for e in items}
    return [e for e in items if e.parent_key not in keys]


def _unfolded(items: Sequence[Element], files: Sequence[str]) -> list[Element]:
    return [e for e in items if e.file.name not in files]


def _files(names: Sequence[str], items: Sequence[Element], shown: Shown) -> list[str]:
    lines = []
    for name in names:
        inside = [f"{e.kind} `{e.full_name}`" for e in items if e.file.name == name]
        lines.append(f"- file `{shown(name)}`" + (f": {', '.join(inside)}" if inside else ""))
    return lines


def _owners(image: Image) -> dict[str, Element]:
    return {e.key: e for e in elements(image.files)}


def _owner(e: Element, by_key: Mapping[str, Element]) -> Element:
    while e.parent_key in by_key:
        e = by_key[e.parent_key]
    return e


def _grouped(items: Sequence[Element], image: Image, shown: Shown, *,
             folded: Sequence[str] = ()) -> list[str]:
    """Whole top-level elements first, then one group per service, message or enum; the elements
    of the files in ``folded`` are left to those files' own lines."""
    if not items:
        return []
    by_key = _owners(image)
    loose: list[tuple[str, str, str]] = []
    groups: dict[tuple[str, str, str], list[str]] = {}
    for e in items:
        if e.file.name in folded:
            continue
        owner = _owner(e, by_key)
        if owner.key == e.key:
            loose.append((shown(e.file.name), e.full_name, f"- {e.kind} `{e.full_name}` in "
                                                           f"`{shown(e.file.name)}`"))
            continue
        head = (shown(owner.file.name), owner.full_name, owner.kind)
        groups.setdefault(head, []).append(f"- {e.kind} `{e.full_name[len(owner.full_name) + 1:]}`")
    return _layout([line for *_, line in sorted(loose)], groups)


def _layout(loose: list[str], groups: Mapping[tuple[str, str, str], list[str]]) -> list[str]:
    """Loose entries, then each group under a heading naming its element, sorted by file and
    name."""
    lines = list(loose)
    for (path, name, kind), entries in sorted(groups.items()):
        lines += [*([""] if lines else []), f"### {kind} `{name}` (`{path}`)", "", *entries]
    return lines


def _breaking(findings: Sequence[Reported], image: Image) -> list[str]:
    """Findings grouped by the top-level element they lie in; those on no element first."""
    spans = _element_spans(image)
    by_key = _owners(image)
    loose: list[str] = []
    groups: dict[tuple[str, str, str], list[str]] = {}
    for f in findings:
        where = f"{f.path}:{f.shown_span[0]}:{f.shown_span[1]}" if f.path else "<input>"
        entry = [f"- `{where}` {f.message} (`{f.type}`)"]
        if f.advice:
            entry.append(f"  Advice: {f.advice}")
        inner = _innermost(spans.get(f.path, ()), f)
        if inner is None:
            loose += entry
            continue
        owner = _owner(inner, by_key)
        groups.setdefault((f.path, owner.full_name, owner.kind), []).extend(entry)
    return _layout(loose, groups)


def _element_spans(image: Image) -> dict[str, list[tuple[Span, Element]]]:
    sources = Sources(image.files)
    out: dict[str, list[tuple[Span, Element]]] = {}
    for e in elements(image.target_files()):
        span = sources[e.file.name].span(e.path)
        if span is not None:
            out.setdefault(image.shown(e.file.name), []).append((span, e))
    return out


def _innermost(spans: Iterable[tuple[Span, Element]], f: Reported) -> Element | None:
    at = (f.start_line, f.start_column)
    inside = [(s, e) for s, e in spans
              if (s.start_line, s.start_column) <= at <= (s.end_line, s.end_column)]
    # The innermost span starts last; among equal starts, it ends first.
    return max(inside, key=lambda se: ((se[0].start_line, se[0].start_column),
                                       (-se[0].end_line, -se[0].end_column)))[1] if inside else None


def _reworded(items: Sequence[Element], shown: Shown) -> list[str]:
    by_file: dict[str, list[str]] = {}
    for e in items:
        by_file.setdefault(shown(e.file.name), []).append(f"{e.kind} `{e.full_name}`")
    return [f"- `{path}`: {', '.join(names)}" for path, names in sorted(by_file.items())]


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
