"""Running rules: select → run → filter → sort, for lint (one Image) and breaking (a pair).

Target files are grouped by the module that owns them, because each v2 module may carry its own
config; every group runs its own selection. Selected filter rules (protopact's, see :mod:`.registry`)
run first, over the findings of the group's other rules. Then buf's filters, in buf's order:
``ignore`` paths, ``ignore_only``, then (lint only) ``// buf:lint:ignore`` comments. Results are
de-duplicated and sorted by path, line, column, rule, message, as buf sorts them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from itertools import chain
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from ..compile.image import Image
from ..compile.inputs import Input
from ..deps.library import library_files
from ..config.bufyaml import CheckConfig
from ..forked import shared, worth_forking
from ..schema import walk
from ..schema.source import Sources, Span
from .findings import Block, Finding, Reported, Row, as_reported, in_order
from .registry import Registry, Rule
from .selection import select

if TYPE_CHECKING:
    from ..schema.conventions import Conventions
    from .reuse import LintReuse

IGNORE_PREFIX = "buf:lint:ignore "


@dataclass(frozen=True)
class LintContext:
    image: Image  # targets: the files of one module group
    sources: Sources
    options: CheckConfig
    # [tool.protopact.conventions]: the types of each kind of convention, where shape is not enough
    named_conventions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the module group's targets when the image's are some of them, run again by a lint that keeps
    # earlier findings: a rule that counts across the group counts over these
    group: frozenset[str] | None = None
    # and, for each counted grouping (see lint.reach), how many times the group holds each key
    counts: Mapping[str, Counter[str]] = field(default_factory=dict)

    @cached_property
    def conventions(self) -> Conventions:
        """What the whole image follows, recognised once for the rules that ask."""
        # imported here: only the contract rules ask, and the module's patterns and dataclass take
        # about 7 ms to build, at the start of every lint otherwise
        from ..schema.conventions import recognise

        return recognise(self.image.files, self.named_conventions)


@dataclass(frozen=True)
class BreakingContext:
    previous: Image
    current: Image
    previous_sources: Sources
    current_sources: Sources
    options: CheckConfig
    # imports protopact supplies itself: their contents reflect the tool that compiled each side
    toolchain: frozenset[str] = frozenset()


class Outcome:
    """The findings as blocks, one a file, in the order of their paths (see :class:`Block`), and
    the warnings. Two outcomes are equal when their findings and warnings are."""

    def __init__(self, blocks: tuple[Block, ...], warnings: tuple[str, ...]) -> None:
        self.blocks = blocks
        self.warnings = warnings

    @classmethod
    def of(cls, findings: Iterable[Row], warnings: Iterable[str]) -> Outcome:
        rows = in_order(list(findings))
        return cls((Block(rows, {}),) if rows else (), tuple(dict.fromkeys(warnings)))

    @cached_property
    def findings(self) -> tuple[Reported, ...]:
        """Sorted, each once."""
        return tuple(map(as_reported, chain.from_iterable(b.rows for b in self.blocks)))

    @property
    def count(self) -> int:
        return sum(len(b.rows) for b in self.blocks)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Outcome) and (self.findings, self.warnings) == (
            other.findings, other.warnings)

    __hash__ = None  # type: ignore[assignment]


def _groups(source: Input, kind: str) -> dict[str, tuple[CheckConfig, list[str]]]:
    """Target files by owning module path, with that module's config of ``kind``."""
    groups: dict[str, tuple[CheckConfig, list[str]]] = {}
    for name in sorted(source.image.targets):
        module = source.module(name)
        config = module.lint if kind == "lint" else module.breaking
        groups.setdefault(module.key, (config, []))[1].append(name)
    return groups


def _not_run(source: Input, label: str) -> list[str]:
    return [f"{label}: {item} is configured but protopact does not run buf plugins or policies."
            for item in source.workspace.not_run]


def run_lint(source: Input, registry: Registry, *, label: str,
             named_conventions: Mapping[str, tuple[str, ...]] | None = None,
             reuse: LintReuse | None = None) -> Outcome:
    """``reuse`` keeps the findings of files the previous lint of the same workspace checked, where
    what each rule reads has not changed since."""
    sources = Sources(source.image.files, source.image.encoded)
    findings: list[Row] = []
    blocks: list[Block] = []
    warnings: list[str] = _not_run(source, label)
    for module_path, (config, names) in _groups(source, "lint").items():
        selection = select(registry, config, label=label)
        warnings += selection.warnings
        warnings += _skipped_warnings(selection.skipped)
        context = LintContext(source.image.with_targets(names), sources, config,
                              named_conventions or {})
        keep = partial(_filter, module_path=module_path, config=config,
                       comments=sources if config.comment_ignores else None,
                       categories=registry.categories(config.version))
        if reuse is None:
            findings += report(keep(_lint(selection.rules, context, size=len(names))),
                               source.image.shown)
        else:
            blocks += reuse.findings(
                str(source.workspace.root), module_path, selection.rules, context,
                lambda rules, ctx: _lint(rules, ctx, size=len(ctx.image.targets)), keep)
    if reuse is None:
        return Outcome.of(findings, warnings)
    return Outcome(_by_path(blocks), tuple(dict.fromkeys(warnings)))


def _by_path(blocks: list[Block]) -> tuple[Block, ...]:
    """Blocks in the order of their paths: the findings sorted. Should two files be shown by one
    path, their findings interleave: they are sorted as one block."""
    blocks.sort(key=lambda b: b.rows[0][0])
    if len({b.rows[0][0] for b in blocks}) == len(blocks):
        return tuple(blocks)
    rows = in_order([row for b in blocks for row in b.rows])
    return (Block(rows, {}),) if rows else ()


# From this many files on, the lint rules run in two processes (see _lint).
_FORK_FROM = 1000


def _lint(rules: Sequence[Rule], context: LintContext, *, size: int) -> list[Finding]:
    """Every rule's findings, in rule order. Lint rules read the same descriptors and share
    nothing else, so on a large image they run in two processes, this one and a forked child (see
    :mod:`protopact.forked`). A rule whose findings on a file read no other target runs in both,
    each process over its own half of the targets: each then walks, indexes and reads only its
    half. The other rules follow, each process taking the next as it finishes one; the walk over
    every message, field, enum and value that most rules make is made before the fork when two of
    them or more make it over every target: both processes then read it. (Breaking rules share the
    pairing of the two images, which costs about what they do: they run in one process.)"""
    handlers = [r for r in rules if r.handler is not None]

    def task(rule: Rule, ctx: LintContext) -> Callable[[], list[Finding]]:
        handler = rule.handler
        assert handler is not None
        return lambda: list(handler(ctx))

    # one rule that reads the whole image is one task: a child would only cost its fork and its
    # copies of touched pages (a lint that keeps earlier findings runs many small groups of
    # rules, often one rule each); one that reads each file alone still splits in halves (after
    # an edit of a widely imported file, IMPORT_USED runs again over every dependent)
    one_task = len(handlers) < 2 and not any(r.by_file for r in handlers)
    if one_task or not worth_forking(size, _FORK_FROM):
        return [f for r in handlers for f in task(r, context)()]
    by_file = [r for r in handlers if r.by_file]
    whole = [r for r in handlers if not r.by_file]
    if sum(r.walks for r in whole) > 1:
        walk.prepare(context.image.target_files())
    first, second = (replace(context, image=context.image.with_targets(half))
                     for half in _halves(context.image))
    found = shared([task(r, context) for r in whole], fork=True,
                   mine=[task(r, first) for r in by_file],
                   theirs=[task(r, second) for r in by_file])
    split = len(by_file)
    per_rule = {r.id: found[i] + found[split + i] for i, r in enumerate(by_file)}
    per_rule.update((r.id, found[2 * split + i]) for i, r in enumerate(whole))
    return [f for r in handlers for f in per_rule[r.id]]


def _halves(image: Image) -> tuple[list[str], list[str]]:
    """The targets in two runs of the image's order, of about the same number of elements (a
    file's size counts them; each half's findings come before the second's, in the image's
    order, wherever the cut)."""
    files = list(image.target_files())
    weights = [len(image.encoded.get(f.name) or b"") or f.ByteSize() for f in files]
    cut, half, total = 0, 0, sum(weights)
    while cut < len(files) and 2 * half < total:
        half += weights[cut]
        cut += 1
    names = [f.name for f in files]
    return names[:cut], names[cut:]


def _skipped_warnings(skipped: Iterable[str]) -> list[str]:
    return [f"{r} is not implemented by protopact and was skipped: files that use it were not "
            "checked." for r in skipped]


def run_breaking(
    current: Input,
    previous: Input,
    registry: Registry,
    *,
    label: str,
    exclude_imports: bool = False,
    limit_to_input_files: bool = False,
) -> Outcome:
    """As buf does, each module group is compared together with the files it imports (a dropped
    import is a deleted file, a changed dependency breaks its importers); ``exclude_imports`` drops
    imported files from both sides. ``limit_to_input_files`` keeps only the baseline files that the
    input also has, with what they imported in the baseline.

    An input compiled without source info (see :meth:`Input.located`) is compared as it is; the
    files findings lie in are then located and compared again, which places the same findings."""
    if exclude_imports:
        current = replace(current, image=current.image.without_imports())
        previous = replace(previous, image=previous.image.without_imports())
    if limit_to_input_files:
        # buf keeps the baseline files the input has, with what they imported in the baseline
        present = current.image.by_name.keys()
        closure = previous.image.with_imports(n for n in previous.image.by_name if n in present)
        files = tuple(f for f in previous.image.files if f.name in closure)
        previous = replace(previous, image=Image(files, previous.image.targets & present,
                                                 previous.image.shown_paths,
                                                 previous.image.encoded))
    findings, warnings, found_in = _compared(current, previous, registry, label, exclude_imports)
    located = current.located(found_in)
    if located is not current:
        findings, warnings, _ = _compared(located, previous, registry, label, exclude_imports)
    return Outcome.of(report(findings, located.image.shown), warnings)


def _compared(current: Input, previous: Input, registry: Registry, label: str,
              exclude_imports: bool) -> tuple[list[Finding], list[str], set[str]]:
    """The findings of every module group, filtered, the warnings, and the files the rules'
    findings lie in before any filter: a filter may read where a finding lies (the stability
    filter finds its element by the path located), the rules never do."""
    current_sources, previous_sources = Sources(current.image.files), Sources(previous.image.files)
    # A baseline image built by another tool (buf, an older protopact) carries its own copies of the
    # well-known types and googleapis' files: their presence is compared, their contents are not.
    toolchain = library_files() - current.image.targets - previous.image.targets
    findings: list[Finding] = []
    found_in: set[str] = set()
    warnings: list[str] = _not_run(current, label)
    groups = _groups(current, "breaking")
    paired = _paired_modules(current, previous)
    for module_path, (config, names) in groups.items():
        selection = select(registry, config, label=label)
        warnings += selection.warnings
        compared: Iterable[str] = names
        baseline: Iterable[str] = _baseline_targets(previous, current, paired.get(module_path),
                                                    names)
        if not exclude_imports:
            compared = current.image.with_imports(compared)
            baseline = previous.image.with_imports(baseline)
        context = BreakingContext(
            previous.image.with_targets(baseline), current.image.with_targets(compared),
            previous_sources, current_sources, config, toolchain,
        )
        raw = [f for rule in selection.rules if rule.handler for f in rule.handler(context)]
        found_in.update(f.file for f in raw if f.file)
        for rule in selection.rules:
            if rule.filter is not None:
                raw = rule.filter(context, raw)
        if config.ignore_unstable_packages:
            raw = [f for f in raw if not _unstable(f, current.image, previous.image)]
        findings += _filter(raw, module_path, config, None, registry.categories(config.version))
    return findings, warnings, found_in


def _paired_modules(current: Input, previous: Input) -> dict[str, str]:
    """The baseline module each module of the input is compared with. Each side is laid out by its
    own config; as buf does, the two sides' modules are paired in the order of their paths when they
    are as many (a module may move or be renamed), else by equal paths."""
    ours = sorted({m.key for m in current.workspace.modules})
    theirs = sorted({m.key for m in previous.workspace.modules})
    if len(ours) == len(theirs):
        return dict(zip(ours, theirs))
    return {key: key for key in ours}


def _baseline_targets(previous: Input, current: Input, module_key: str | None,
                      names: Sequence[str]) -> list[str]:
    """The baseline files a module group is compared with: those of its paired module in the
    baseline when that has a workspace, else every baseline target that no other group of the input
    owns and that the input does not still build as an import (another module's file, as buf sees
    it)."""
    others = set(current.image.by_name).difference(names)
    kept = []
    for name in previous.image.targets:
        module = previous.module_of.get(name)
        if module is not None:
            if module.key == module_key:
                kept.append(name)
        elif name not in others:
            kept.append(name)
    return kept


def _filter(
    findings: Iterable[Finding], module_path: str, config: CheckConfig, comments: Sources | None,
    categories: Mapping[str, Sequence[str]],
) -> list[Finding]:
    """Drop ignored findings; ``comments`` is given when comment ignores apply. ``ignore_only``
    keys may be rule IDs or ``categories`` names, as in buf."""
    def config_path(name: str) -> str:
        # v2 ignore paths are relative to the workspace root, v1 paths to the module root.
        if config.version == "v2" and module_path != ".":
            return f"{module_path}/{name}"
        return name

    def ignored(name: str, rule: str) -> bool:
        path = config_path(name)
        return any(_under(path, p)
                   for p in (*config.ignore, *_ignore_only(config, rule, categories)))

    kept = []
    for finding in findings:
        # buf ignores a breaking finding when either its file or its baseline file is ignored.
        if any(ignored(name, finding.rule) for name in (finding.file, finding.against_file) if name):
            continue
        if finding.file and comments is not None and _comment_ignored(finding, comments):
            continue
        kept.append(finding)
    return kept


# buf's unstable package versions: v1alpha, v1beta2, v1p1alpha1, v1test, v2testfoo (not v0).
_UNSTABLE_VERSION = re.compile(r"v[1-9][0-9]*(?:(?:p[1-9][0-9]*)?(?:alpha|beta)(?:[1-9][0-9]*)?|test.*)")


def unstable_package(package: str) -> bool:
    return bool(_UNSTABLE_VERSION.fullmatch(package.rsplit(".", 1)[-1]))


def _unstable(finding: Finding, current: Image, previous: Image) -> bool:
    """``ignore_unstable_packages``: the finding's file or baseline file has an unstable package."""
    for name, image in ((finding.file, current), (finding.against_file, previous)):
        file = image.by_name.get(name) if name else None
        if file is not None and unstable_package(file.package):
            return True
    return False


def _ignore_only(config: CheckConfig, rule: str, categories: Mapping[str, Sequence[str]]
                 ) -> list[str]:
    return [path for key, paths in config.ignore_only.items()
            if key == rule or rule in categories.get(key, ()) for path in paths]


def _under(path: str, parent: str) -> bool:
    return parent == "." or path == parent or path.startswith(parent.rstrip("/") + "/")


def _comment_ignored(finding: Finding, sources: Sources) -> bool:
    """buf's rule: a leading comment line of the element or any enclosing declaration starts with
    ``buf:lint:ignore <RULE>`` (a plain prefix test, so ``COMMENT_ENUM_VALUE`` also covers
    ``COMMENT_ENUM``)."""
    if finding.source_path is None:
        return False
    index = sources[finding.file]
    if not index.may_mention(IGNORE_PREFIX):
        return False
    wanted = IGNORE_PREFIX + finding.rule
    path = finding.source_path
    for end in range(1, len(path) + 1):
        comment = index.leading_comment(path[:end])
        if comment and any(line.strip().startswith(wanted) for line in comment.split("\n")):
            return True
    return False


def report(findings: Iterable[Finding], shown: Callable[[str], str]) -> list[Reported]:
    return [reported(f.file, f.rule, f.message, span_numbers(f.span), f.advice, shown)
            for f in findings]


def reported(file: str, rule: str, message: str, span: Sequence[int] | None, advice: str,
             shown: Callable[[str], str]) -> Reported:
    """A finding for output; ``span`` is its (start line, start column, end line, end column)."""
    # buf places a finding on a file without a span at 1:1; one on no file has no position
    line, column, end_line, end_column = span or ((1, 1, 1, 1) if file else (0, 0, 0, 0))
    return Reported(shown(file) if file else "", line, column, rule, message, end_line, end_column,
                    advice)


def span_numbers(span: Span | None) -> tuple[int, int, int, int] | None:
    return None if span is None else (span.start_line, span.start_column, span.end_line,
                                      span.end_column)
