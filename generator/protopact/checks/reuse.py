"""Keeping lint findings between runs: after an edit, rules run again only where what they read changed.

Each lint of a module group leaves, in the cache, every target file's findings with what they came
from: the digest of the file's descriptor (source info included), the digest of it with everything
it imports, and the keys that group it with other files (see :mod:`.lint.reach`). The next lint of
the same place keeps a file's findings of a rule while what that rule reads is unchanged, and runs the
rule again over the rest: a ``FILE`` rule over the files whose descriptor changed, an ``IMPORTS`` rule
over those whose imports changed too, a graphed rule over those too (with the exception below,
when its files' direct imports are as before in what the rule reads of them) while the digest of
the image property it reads is the one the entry holds, else over every target,
a grouped rule over every group the changed, added and removed
files belonged to or belong to now (for a counted grouping, the changed files and those holding a
key now held a different number of times), and the ``IMAGE`` rules over every target. A dependent of an
edited file that compiles to the same bytes keeps its ``FILE`` findings; one the compile reused
because it resolves every name to the same definitions as before (see
:class:`..compile.dependents.Kept`) keeps its ``IMPORTS`` findings too, when the compile it was
reused from had the very imports the previous lint saw.

The entry is valid only for the same rules, config, toolchain and protopact code (the version and
the stamp of its source files, see :func:`..versions.code_stamp`); a
rule that reports on a file it was not asked to check makes the run a full one, never a wrong one.
Findings are kept once ignores and comment directives have dropped theirs: whether a finding is
ignored depends on the config, the module, the rules' categories (protopact's code) and the comments
of the file it is on, so a kept finding, on a file whose bytes are unchanged, would be kept again.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import operator
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import accumulate, chain
from types import MappingProxyType
from typing import Any, NamedTuple

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ..compile import dependents, incremental
from ..compile.aside import aside
from ..compile.build import toolchain
from ..compile.cache import Cache, digest_of
from ..compile.image import Image
from ..compile.order import imports_of
from .engine import LintContext, report
from .findings import RULE, Block, Finding, Row, blocks_of, in_order
from .formats import CONCATENATED, rows_text
from .lint.reach import FILE, IMAGE, IMPORTS, Graphed, Grouped, reach
from .registry import Rule

Run = Callable[[Sequence[Rule], LintContext], list[Finding]]
Keep = Callable[[list[Finding]], list[Finding]]  # drops ignored findings, each on its own
_KIND = "lint"
# 3: findings kept after ignores; 4: a row holds what is reported; 5: with graphed digests;
# 6: with the key of the image linted; 7: a row is what is reported, path included; 8: a file's
# rows in order, with their text; 9: its keys a tuple in the entry's order of groupings; 10: a
# header, then each record marshalled on its own; 11: the records' closure digests in the header
_MAGIC = b"PPLINT11"
_SIZE = 4  # bytes of the header's size


class _Kept(NamedTuple):
    """One target file's record: a tuple, made from the entry's record by ``tuple.__new__``,
    not the slower ``__new__`` of a NamedTuple (a googleapis-sized entry holds some 7,000)."""

    digest: str
    closure: str
    keys: Sequence[Sequence[str]]  # the file's keys in each grouping of the entry (its groupings)
    # reported as the latest lint showed them, in order (see findings.Block): a kept finding is
    # a line of output, never a Finding
    findings: Sequence[Row]
    texts: Mapping[str, str] = MappingProxyType({})  # their text by format (see findings.Block)


@dataclass(frozen=True)
class _Entry:
    """The latest lint of a place and module group."""

    records: dict[str, _Kept]  # by target file
    graphed: dict[str, str]  # graphed property's name -> its digest
    image: str | None = None  # the cache key of the image linted, when it has one
    # the groupings' names, in the order of each record's keys: a tuple a file, not a dict, is
    # read four times as fast
    groupings: tuple[str, ...] = ()
    # the records read from the cache (those of an entry made in memory still, when they are the
    # same objects) and the bytes each was read from: a record kept whole is written again as
    # these, not marshalled anew
    read: Mapping[str, _Kept] = field(default_factory=dict)
    chunks: Mapping[str, bytes | memoryview] = field(default_factory=dict)


_NONE = _Entry({}, {})


class LintReuse:
    """The findings of the latest lint of each place (a workspace root) and module group; one
    object serves a watch's successive lints from memory."""

    def __init__(self, cache_: Cache, shown_as: str | None = None) -> None:
        self.cache = cache_
        self.shown_as = shown_as  # the format whose text of each file's findings is kept
        # the latest images' digests, by their files: the linted image's, and a compile's donor's
        self._digested: list[tuple[Sequence[Any], dict[str, str], dict[str, str]]] = []
        self._latest: dict[str, tuple[str, _Entry]] = {}  # entry name -> context, entry

    def findings(self, place: str, module: str, rules: Sequence[Rule], ctx: LintContext, run: Run,
                 keep: Keep) -> list[Block]:
        """``keep(run(rules, ctx))``'s findings, reported, a block a file in the order of the
        files' names, running each rule only over the files it must."""
        handlers = [r for r in rules if r.handler is not None]
        shown = ctx.image.shown
        if self.cache.directory is None:
            return blocks_of(report(keep(run(handlers, ctx)), shown))
        context = _context_key(module, handlers, ctx)
        name = _digest(place, module)
        remembered = self._latest.get(name)
        entry = (remembered[1] if remembered is not None and remembered[0] == context
                 else _read(self.cache.read_entry(_KIND, name), context))
        previous = entry.records
        digests, closures = self._digests(ctx.image)
        names = sorted(ctx.image.targets)
        alike = self._resolving_alike(entry, closures)
        donor = dependents.LATEST[0].donor.by_name if alike else {}
        stale = _stale(handlers, ctx.image, names, digests, closures, previous, alike, donor,
                       entry.graphed, entry.groupings)
        groupings = tuple(stale.keys)
        found = _rerun(handlers, ctx, stale, run)
        if found is None:  # a rule reported outside the files it ran over
            return blocks_of(report(keep(run(handlers, ctx)), shown))
        fresh = keep(found)
        # an IMAGE rule's findings are never kept: they are shown, not recorded
        by_file: dict[str, list[Row]] = defaultdict(list)
        by_image: dict[str, list[Row]] = defaultdict(list)
        for finding, row in zip(fresh, report(fresh, shown)):
            (by_image if reach(finding.rule) == IMAGE else by_file)[finding.file].append(row)
        out: list[Block] = []
        kept = {}
        shown_anew = False  # a record holds the text of its findings in the format shown now
        # only these sets drop kept rows
        rerun = frozenset().union(*(again for reach_, again in stale.by_reach.items()
                                    if reach_ != IMAGE))
        for n in names:
            old = previous.get(n)
            mine: Sequence[Row]
            if old is None:
                mine = []
            elif n in rerun:
                mine = [row for row in old.findings if n not in stale.of(row[RULE])]
            else:
                mine = old.findings
            if mine and mine[0][0] != shown(n):  # linted from elsewhere: shown another way
                mine = [(shown(n), *row[1:]) for row in mine]
            new = by_file.get(n)
            if old is not None and mine is old.findings and new is None \
                    and closures[n] == old.closure and entry.groupings == groupings:
                record = old  # nothing ran again over it: its record stands as it is
            else:
                rows = in_order([*new, *mine]) if new else mine
                # the findings found again as they were keep their text
                texts = old.texts if old is not None and rows == old.findings else {}
                record = _Kept(digests[n], closures[n], stale.keys_now(n), rows, texts)
            if self.shown_as in CONCATENATED and self.shown_as not in record.texts \
                    and record.findings:
                record = record._replace(texts={**record.texts, self.shown_as: rows_text(
                    record.findings, self.shown_as)})
                shown_anew = True
            kept[n] = record
            also = by_image.get(n)
            if also:
                out.append(Block(in_order([*also, *record.findings]), {}))
            elif record.findings:
                out.append(Block(record.findings, record.texts))
        now = _Entry(kept, stale.graphed, next((c.key for c in incremental.recent()
                                                if c.image.files is ctx.image.files), None),
                     groupings, entry.read, entry.chunks)
        # an entry whose records hold is not written again for a new image key alone (one fork
        # and 5 MB written less for a module group the edit did not touch): a donor of another
        # key than the entry's only costs the next lint its digests
        if alike or shown_anew or stale.anything_kept_changed(previous):
            aside(lambda: self.cache.write_entry(_KIND, name, _encoded(context, now, entry)))
        self._latest[name] = (context, now)
        return out

    def _digests(self, image: Image) -> tuple[dict[str, str], dict[str, str]]:
        """Each file's digest, and the digest of it with its imports (files in dependency order).

        The latter is the file's closure key where the compile that made the image gave it one
        (see :mod:`..compile.incremental`): the compile reuses a file's bytes for its closure
        key, so an equal key is an equal file with equal imports. Without source info, the same
        key is other bytes: that compile's keys are not taken."""
        for files, digests, closures in self._digested:
            # the very descriptors, in one tuple or another (an Input's image is built anew)
            if len(files) == len(image.files) and all(map(operator.is_, files, image.files)):
                return digests, closures
        keys = next((c.keys for c in incremental.recent()
                     if c.image.files is image.files and c.source_info), {})
        digests, closures = {}, {}
        for f in image.files:
            name = f.name
            digests[name] = digest_of(image.file_bytes(f))
            known = keys.get(name)
            closures[name] = known[1] if known is not None else _digest(
                digests[name], *(closures.get(d, "") for d in imports_of(f)))
        self._digested = [*self._digested[-2:], (image.files, digests, closures)]
        return digests, closures

    def _resolving_alike(self, entry: _Entry, closures: Mapping[str, str]) -> frozenset[str]:
        """The files whose imports changed since the previous lint but that resolve every name to
        the same definitions: the latest compile reused them so, and its donor's imports of each
        and its own are the previous lint's and this one's (their closure digests are equal).
        A donor of the very key of the image the previous lint saw has its closure digests."""
        previous = entry.records
        kept = dependents.LATEST[0] if dependents.LATEST else None
        if kept is None or not any(n in previous and previous[n].closure != closures.get(n)
                                   for n in kept.names):
            return frozenset()
        before = ({n: k.closure for n, k in previous.items()}
                  if kept.donor_key is not None and kept.donor_key == entry.image
                  else self._digests(kept.donor)[1])
        after = self._digests(kept.image)[1]
        return frozenset(n for n in kept.names if n in previous and n in closures
                         and previous[n].closure == before.get(n) and closures[n] == after.get(n))


@dataclass
class _Stale:
    """Which targets each rule runs over again."""

    every: frozenset[str]
    # FILE, IMPORTS, IMAGE or a grouping's or a graphed property's name
    by_reach: dict[str, frozenset[str]]
    keys: dict[str, dict[str, Sequence[str]]]  # grouping name -> target -> keys
    graphed: dict[str, str]  # graphed property's name -> its digest
    counts: dict[str, Counter[str]]  # counted grouping's name -> how often the targets hold a key
    # by rule, as found: asked for each kept finding of a file some rule runs over again
    _of: dict[str, frozenset[str]] = field(default_factory=dict)

    def of(self, rule: str) -> frozenset[str]:
        found = self._of.get(rule)
        if found is None:
            r = reach(rule)
            found = self._of[rule] = self.by_reach[r.name if isinstance(r, (Grouped, Graphed))
                                                   else r]
        return found

    def anything_kept_changed(self, previous: Mapping[str, _Kept]) -> bool:
        """Whether the entry needs writing again: a file was added, removed or rerun."""
        return previous.keys() != self.every or any(
            names for reach_, names in self.by_reach.items() if reach_ != IMAGE)

    def keys_now(self, name: str) -> tuple[Sequence[str], ...]:
        return tuple(keys[name] for keys in self.keys.values())


def _stale(rules: Sequence[Rule], image: Image, names: Sequence[str], digests: Mapping[str, str],
           closures: Mapping[str, str], previous: Mapping[str, _Kept], alike: frozenset[str],
           donor: Mapping[str, FileDescriptorProto], graphed_before: Mapping[str, str],
           groupings_before: Sequence[str] = ()) -> _Stale:
    """Which targets each rule runs over again. ``alike`` resolve every name as the compile
    ``donor`` (its files by name) did, whose files they import are the previous lint's.
    ``groupings_before`` names the groupings of the keys of ``previous``'s records."""
    every = frozenset(names)
    changed = frozenset(n for n in names if n not in previous or previous[n].digest != digests[n])
    removed = frozenset(previous).difference(names)
    by_reach = {
        FILE: changed,
        IMPORTS: frozenset(n for n in names if n not in previous
                           or previous[n].closure != closures[n] and n not in alike),
        IMAGE: every,
    }
    graphed: dict[str, str] = {}
    for property_ in {r.name: r for r in map(reach, (rule.id for rule in rules))
                      if isinstance(r, Graphed)}.values():
        graphed[property_.name] = property_.digest(image.files, image.by_name)
        if graphed_before.get(property_.name) != graphed[property_.name]:
            by_reach[property_.name] = every
            continue
        # a file resolving alike may import a file of another package now, if it uses no name
        # of it: it runs again. Only a file the previous lint did not see as it is may differ
        # from the donor's (an alike file's imports are the donor's as the previous lint saw them)
        shifted = {f.name for f in image.files if (f.name not in previous or f.name in changed)
                 and (f.name not in donor
                      or property_.imported(donor[f.name]) != property_.imported(f))} \
            if alike else set()
        unmoved = alike if not shifted else frozenset(
            n for n in alike if shifted.isdisjoint(imports_of(image.by_name[n])))
        by_reach[property_.name] = frozenset(
            n for n in names if n not in previous
            or previous[n].closure != closures[n] and n not in unmoved)
    groupings = {r.name: r for r in (reach(rule.id) for rule in rules) if isinstance(r, Grouped)}
    keys: dict[str, dict[str, Sequence[str]]] = {}
    counts: dict[str, Counter[str]] = {}
    for grouping in groupings.values():
        at = groupings_before.index(grouping.name) if grouping.name in groupings_before else None
        now: dict[str, Sequence[str]] = {}
        looked_at = []  # the files whose keys are read anew, not kept
        for n in names:
            old = previous.get(n)
            if n in changed or old is None or at is None:
                own = list(grouping.keys(image.by_name[n]))
                now[n] = own if grouping.counted else list(dict.fromkeys(own))
                looked_at.append(n)
            else:
                now[n] = old.keys[at]
        if grouping.counted:
            counts[grouping.name] = Counter(chain.from_iterable(now.values()))
        if changed == every:  # a first lint: every group is new
            by_reach[grouping.name] = every
        elif grouping.counted:
            # the kept keys count alike before and now: only the others may change a count
            moved = Counter(k for n in looked_at for k in now[n])
            moved.subtract(k for n in (*looked_at, *removed) if n in previous
                           for k in (previous[n].keys[at] if at is not None else ()))
            recounted = {k for k, difference in moved.items() if difference}
            by_reach[grouping.name] = frozenset(
                n for n, own in now.items() if not recounted.isdisjoint(own)) | changed
        else:
            touched = {k for n in changed | removed
                       for k in (*now.get(n, ()), *(previous[n].keys[at]
                                                    if n in previous and at is not None else ()))}
            # a changed file that left every group keeps none of its findings either
            by_reach[grouping.name] = _sharing(now, touched) | changed
        keys[grouping.name] = now
    return _Stale(every, by_reach, keys, graphed, counts)


def _sharing(keys: Mapping[str, Sequence[str]], touched: set[str]) -> frozenset[str]:
    """The files sharing a key with ``touched``, and those sharing one with them, and so on: the
    groups whose findings may differ."""
    holders: dict[str, list[str]] = defaultdict(list)
    for name, own in keys.items():
        for key in own:
            holders[key].append(name)
    files: set[str] = set()
    pending = list(touched)
    seen = set(pending)
    while pending:
        for name in holders.get(pending.pop(), ()):
            if name not in files:
                files.add(name)
                for key in keys[name]:
                    if key not in seen:
                        seen.add(key)
                        pending.append(key)
    return frozenset(files)


def _rerun(rules: Sequence[Rule], ctx: LintContext, stale: _Stale, run: Run
           ) -> list[Finding] | None:
    """The findings of each rule over its stale files; None when a rule reports on a file it did
    not check."""
    together: dict[frozenset[str], list[Rule]] = defaultdict(list)
    for rule in rules:
        together[stale.of(rule.id)].append(rule)
    fresh: list[Finding] = []
    for names, some in together.items():
        if not names:
            continue
        restricted = ctx if names == stale.every else replace(
            ctx, image=ctx.image.with_targets(names), group=stale.every, counts=stale.counts)
        for finding in run(some, restricted):
            if finding.file not in names:
                return None
            fresh.append(finding)
    return fresh


def _context_key(module: str, rules: Sequence[Rule], ctx: LintContext) -> str:
    return _digest(json.dumps({
        # protopact's version and code, protobuf's: the compile's, read once a process
        "toolchain": toolchain(),
        "marshal": [marshal.version, *sys.version_info[:2]],
        "module": module,
        "rules": [r.id for r in rules], "config": repr(ctx.options),
        "conventions": {k: list(v) for k, v in sorted(ctx.named_conventions.items())},
    }, sort_keys=True))


def _encoded(context: str, entry: _Entry, previous: _Entry) -> bytes:
    # The entry is a header (context, graphed digests, image key, groupings, each file's name,
    # closure digest and the size of its record) and each file's record marshalled on its own.
    # marshal reads 7,200 records one by one as fast as in one dict, and a record that holds what
    # the one read held is written again as the bytes it was read from: after a one-file edit,
    # the forked child that writes the entry marshals a few records, not 7,200 (20-30 ms less
    # on the way of the parent, which waits for it). The closure digest, which changes for
    # every dependent of an edited file (3,830 after a hub edit) while its record stays as it
    # was, is kept out of the record.
    # marshal writes a googleapis-sized entry five times as fast as json, and reads it faster;
    # the digest keeps a damaged entry from being read at all. marshal writes an object met
    # before as a reference to it: equal values made one object (a package's name, a message many
    # files share, a line number) are read back as one, a quarter faster.
    shared: dict[Any, Any] = {}
    one = shared.setdefault
    read = previous.read

    def record(name: str, k: _Kept) -> bytes | memoryview:
        before = read.get(name)
        if before is not None and (before is k or (
                k.digest == before.digest and k.keys == before.keys
                and k.findings == before.findings and k.texts == before.texts)):
            return previous.chunks[name]
        return marshal.dumps((k.digest, tuple(tuple(map(one, keys, keys)) for keys in k.keys),
                              [tuple(map(one, row, row)) for row in k.findings], dict(k.texts)))

    chunks = [record(name, k) for name, k in entry.records.items()]
    header = marshal.dumps({"context": context, "graphed": entry.graphed, "image": entry.image,
                            "groupings": entry.groupings, "files": list(entry.records),
                            "closures": [k.closure for k in entry.records.values()],
                            "sizes": [len(c) for c in chunks]})
    pieces = [len(header).to_bytes(_SIZE, "little"), header, *chunks]
    digest = hashlib.sha256()
    for piece in pieces:  # the 9 MB copied once, by the join
        digest.update(piece)
    return b"".join([_MAGIC, digest.digest(), *pieces])


def _read(data: bytes | None, context: str) -> _Entry:
    """The entry made under ``context``; an empty one when it is missing, another context's, or
    damaged."""
    start = len(_MAGIC) + hashlib.sha256().digest_size
    if data is None or not data.startswith(_MAGIC):
        return _NONE
    # a view, not a slice: a slice would copy the 6 MB payload for each of the two reads
    payload = memoryview(data)[start:]
    if hashlib.sha256(payload).digest() != data[len(_MAGIC):start]:
        return _NONE
    try:
        end = _SIZE + int.from_bytes(payload[:_SIZE], "little")
        document = marshal.loads(payload[_SIZE:end])
        if document["context"] != context:
            return _NONE
        image = document["image"]
        names, closures = document["files"], document["closures"]
        bounds = list(accumulate(document["sizes"], initial=end))
        if len(bounds) != len(names) + 1 or bounds[-1] != len(payload) \
                or len(closures) != len(names):
            return _NONE
        chunks = dict(zip(names, map(payload.__getitem__, map(slice, bounds, bounds[1:]))))
        records = dict(zip(chunks, map(_kept, map(marshal.loads, chunks.values()), closures)))
        return _Entry(records, dict(document["graphed"]),
                      image if isinstance(image, str) else None, tuple(document["groupings"]),
                      records, chunks)
    except (ValueError, KeyError, TypeError, EOFError):
        return _NONE


def _kept(record: tuple[Any, ...], closure: str) -> _Kept:
    """A record as the entry holds it, with its closure digest."""
    digest, keys, findings, texts = record
    return _AS_KEPT((digest, closure, keys, findings, texts))


_AS_KEPT = partial(tuple.__new__, _Kept)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
