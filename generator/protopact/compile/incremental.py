"""Compiling only what changed since an earlier compile.

A file's descriptor depends only on its own text and on the files it imports, transitively: protoc
resolves every name through imports. So each compiled file gets two keys: its *text key* (the
toolchain, the dependencies, its import path and content digest) and its *closure key* (its text
key with the closure keys of its imports, in order). An earlier compile offers its files (the other
side of ``breaking``, the previous compile of the same tree, see :mod:`.build`); an offered file
whose closure key is the one this tree gives it is reused as it is, bytes and source info included.
One whose text key matches but not its closure key (a dependent of an edited file) is reused too
when the edit cannot change how it compiles (see :mod:`.dependents`): the edited files are
compiled first, then the dependents that may compile otherwise.

protoc compiles the other targets, reading the reused files as descriptors (``--descriptor_set_in``).
protoc prefers a source on its include path to a descriptor, so the workspace's module roots are
replaced by a directory linking the files that are not reused, and a reused file that a dependency's
source root also serves is not reused. protoc sees only the files it compiles and their imports;
two files that define the same name without importing one another are an error only a full compile
reports, so the assembled image's names are checked, and a collision or any error of protoc sends
the caller to a full compile, whose output and diagnostics are the reference.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from google.protobuf import descriptor_pb2

from ..errors import ProtopactError
from . import dependents
from .extension_numbers import Clash, Extensions, extensions
from .image import Image, encode_set, without_field
from .order import dependencies_first, imports_as_before, imports_of
from .sourceinfo import SOURCE_CODE_INFO, deferred, with_source_info
from .undecoded import decoded

if TYPE_CHECKING:
    from .dependent_texts import Texts

# Below this share of targets reused, a full compile costs about the same and is the reference.
# protoc reads reused files as descriptors far faster than it compiles them, so reusing a tenth
# already pays: after an edit of a file that half the tree imports, the other half is reused.
_WORTH_FROM = 0.1

Keys = Mapping[str, tuple[str, str]]  # import path -> (text key, closure key)
# (include roots, files, a descriptor set of reused files, their names) -> files and their bytes
Compile = Callable[[Sequence[Path], Sequence[str], bytes, frozenset[str]],
                   tuple[list[descriptor_pb2.FileDescriptorProto], dict[str, bytes]]]


@dataclass(frozen=True)
class Compiled:
    """An image with the keys of its files, and the extension numbers it takes twice (which
    protoc lets pass; see :mod:`.extension_numbers`), found from its files' extensions (None: not
    kept, as read from the cache)."""

    image: Image
    keys: Keys
    clashes: Sequence[Clash] = ()
    extensions: Mapping[str, Extensions] | None = None
    # its files were decoded without their source info, read in when needed (see .sourceinfo)
    deferred: bool = False
    # whether its files carry source info: a compile that needs it takes no file from one without
    source_info: bool = True
    # its files keep the options protoc strips (source retention): it serves a verdict alone, and
    # a compile that is no verdict takes no file from it (see .build.verdict_only)
    options_retained: bool = False
    # its cache key, when it has one: two compiles of one key are the same bytes
    key: str | None = None


# The latest compiles of this process offer their files to the next (breaking's two sides, a
# watch loop's successive compiles); two are enough for both.
_RECENT: deque[Compiled] = deque(maxlen=2)


def remember(compiled: Compiled) -> None:
    _RECENT.appendleft(compiled)


def recent() -> tuple[Compiled, ...]:
    return tuple(_RECENT)


def extensions_of(files: Iterable[descriptor_pb2.FileDescriptorProto],
                  donors: Iterable[Compiled], texts: Mapping[str, bytes]) -> dict[str, Extensions]:
    """The extensions of ``files``, each by name (looking costs about 2 µs a message): a file
    reused as it is, the very descriptor a donor holds, has the extensions the donor found; one
    compiled from a text in ``texts`` without the word ``extend``, which declares every extension,
    has none (most of a large tree's files)."""
    found: dict[int, tuple[descriptor_pb2.FileDescriptorProto, Extensions]] = {}
    for donor in donors:
        if donor.extensions is not None:
            for f in donor.image.files:  # held in ``found``: no other object takes its id
                found.setdefault(id(f), (f, donor.extensions[f.name]))
    return {f.name: known[1] if (known := found.get(id(f))) is not None and known[0] is f
            else () if b"extend" not in texts.get(f.name, b"extend") else extensions(f)
            for f in files}


def text_keys(base: str, digests: Mapping[str, str]) -> Callable[[str], str]:
    """A file's text key; ``digests`` holds the workspace's files, any other name is served by the
    dependencies, which ``base`` covers."""

    @cache  # asked for each offered file, then again for a dependent compiled anew
    def key(name: str) -> str:
        return _digest(base, name, digests.get(name, ""))

    return key


def closure_keys(files: Iterable[descriptor_pb2.FileDescriptorProto],
                 text_key: Callable[[str], str], offers: Mapping[str, Offer],
                 ) -> dict[str, tuple[str, str]]:
    """The keys of ``files``, given in dependency order; a file that is an offer's very
    descriptor has the offer's keys, which :func:`reusable` found to be this tree's."""
    keys: dict[str, tuple[str, str]] = {}
    for f in files:
        offer = offers.get(f.name)
        if offer is not None and offer.file is f:
            keys[f.name] = offer.keys
            continue
        own = text_key(f.name)
        keys[f.name] = (own, _digest(own, *(keys.get(d, ("", ""))[1] for d in imports_of(f))))
    return keys


class Offer(NamedTuple):  # a tuple: made for every file of a large tree, three times as fast
    file: descriptor_pb2.FileDescriptorProto
    data: bytes
    keys: tuple[str, str]
    donor: int  # which earlier compile offers it: the files of one compile were checked together


def reusable(donors: Iterable[Compiled], text_key: Callable[[str], str],
             ) -> tuple[dict[str, Offer], dict[str, Offer]]:
    """The donors' files this tree compiles exactly as they were compiled, and those whose text
    is this tree's but whose imports changed (see :mod:`.dependents`)."""
    offers: dict[str, Offer] = {}
    for index, donor in enumerate(donors):
        whole = donor.deferred and not deferred()  # files a lint read: reused whole elsewhere
        known, file_bytes = donor.keys.get, donor.image.file_bytes
        for f in donor.image.files:
            name = f.name
            keys = known(name)
            if name not in offers and keys is not None and keys[0] == text_key(name):
                data = file_bytes(f)
                offers[name] = Offer(with_source_info(decoded(f), data) if whole else f, data, keys, index)
    valid = _validated(offers, len({o.donor for o in offers.values()}) <= 1)
    return ({name: offer for name, offer in offers.items() if valid[name]},
            {name: offer for name, offer in offers.items() if not valid[name]})


def _validated(offers: Mapping[str, Offer], one_donor: bool) -> dict[str, bool]:
    """Whether each offer's import closure has the closure keys this tree gives it, depth first
    without recursion (imports may chain thousands deep). A donor lists each file after its
    imports, so in its order an offer's imports are mostly known already: one pass, the stack
    taken only where they are not."""
    valid: dict[str, bool] = {}
    for name in offers:
        pending = [name]
        while pending:
            current = pending[-1]
            if current in valid:
                pending.pop()
                continue
            offer = offers[current]
            dependencies = imports_of(offer.file)
            states = [valid.get(d) for d in dependencies]  # None: not yet known, or not offered
            if None in states:
                unknown = [d for d, state in zip(dependencies, states)
                           if state is None and d in offers]
                if unknown:
                    pending += unknown
                    continue
            pending.pop()
            # the keys of one compile agree with one another (see closure_keys): only a file
            # whose imports another compile offers needs its closure key computed
            valid[current] = all(states) and (
                one_donor or all(offers[d].donor == offer.donor for d in dependencies)
                or offer.keys[1] == _digest(offer.keys[0],
                                            *[offers[d].keys[1] for d in dependencies]))
    return valid


def known_imports(donors: Sequence[Compiled]) -> Callable[[str], Sequence[str] | None]:
    """Each file's imports as the donors last compiled it (None: a file they do not hold): exact
    for a file whose text did not change, a guess for an edited one. Looked up by name, as few
    files are asked for (an image's files by name are made once for the image anyway)."""

    def imports(name: str) -> Sequence[str] | None:
        for donor in donors:
            f = donor.image.by_name.get(name)
            if f is not None:
                return imports_of(f)
        return None

    return imports


def worth_reusing(targets: Sequence[str], workspace: Collection[str],
                  dependency_sources: frozenset[str], offers: Mapping[str, Offer],
                  stale: Mapping[str, Offer]) -> tuple[dict[str, Offer], dict[str, Offer]] | None:
    """The offers an incremental compile of ``targets`` may reuse (``offers`` as they are, the
    ``stale`` after a look), or None when a full compile costs about the same. ``workspace``
    names the workspace's files; a dependency's source root serving one of them
    (``dependency_sources``) takes precedence over its offer, as protoc reads it."""
    usable, maybe = ({n: o for n, o in some.items()
                      if n not in dependency_sources or n not in workspace}
                     for some in (offers, stale))
    reused = sum(1 for t in targets if t in usable or t in maybe)
    return (usable, maybe) if reused >= _WORTH_FROM * len(targets) else None


def compile_changed(*, targets: Sequence[str], on_disk: Mapping[str, Path],
                    in_memory: Texts, dependency_roots: Sequence[Path],
                    offers: Mapping[str, Offer], stale: Mapping[str, Offer],
                    donors: Sequence[Compiled],
                    imports: Callable[[str], Sequence[str] | None],
                    compile_: Compile) -> Image | None:
    """The image of ``targets`` (import paths, in order), compiling only those not in ``offers``
    nor, after a look, in ``stale`` (see :func:`worth_reusing`); None when protoc or the names
    object, and a full compile is needed.

    ``on_disk`` maps each workspace file not offered to its path, ``in_memory`` each file
    offered as ``stale`` to its bytes (put on disk only if compiled; see
    :mod:`.dependent_texts`); ``dependency_roots`` are the
    dependencies' source roots; ``donors`` are the compiles offering; ``imports`` are the files'
    imports as last compiled (see :func:`known_imports`); ``compile_`` runs protoc and returns its
    files (source columns as images hold them) and their bytes where unchanged."""
    offers = dict(offers)
    changed = [t for t in targets if t not in offers]
    files = {n: o.file for n, o in offers.items()}
    encoded = {n: o.data for n, o in offers.items()}
    # the files of the compile offering the most were checked together by protoc: the others may
    # collide, with them or with one another
    counted = Counter(o.donor for o in offers.values()) or Counter(o.donor for o in stale.values())
    checked = counted.most_common(1)[0][0] if counted else -1
    if changed:
        with tempfile.TemporaryDirectory(prefix="protopact-changed-") as tmp:
            linked: set[str] = set()

            def link(names: Iterable[str]) -> None:
                for name in names:
                    if name in linked or (name not in on_disk and name not in in_memory):
                        continue
                    path = Path(tmp, name)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    if name in on_disk:
                        os.symlink(on_disk[name], path)
                    else:
                        path.write_bytes(in_memory[name])
                    linked.add(name)

            def run(names: Sequence[str]) -> bool:
                compiled = _compiled(names, [Path(tmp), *dependency_roots], offers, imports,
                                     compile_)
                if compiled is None:
                    return False
                for f, data in compiled:
                    if f.name not in offers:
                        files[f.name] = f
                        encoded.pop(f.name, None)
                        if data is not None:
                            encoded[f.name] = data
                return True

            # the edited files first, then the dependents they may leave as they were: those are
            # put on disk (a link each, which costs on some file systems) only when compiled
            candidates = {n: o for n, o in stale.items() if o.donor == checked}
            edited = [t for t in changed if t not in candidates]
            if edited and len(edited) < len(changed):
                read = _reached(edited, imports)
                link(n for n in (*on_disk, *in_memory)
                     if n not in candidates or read is None or n in read)
                if run(edited):
                    kept = dependents.unchanged(
                        {n: o.file for n, o in candidates.items()}, files, encoded,
                        donors[checked].image, in_memory.spells)
                    for name in kept:
                        offers[name] = candidates[name]
                        files[name], encoded[name] = candidates[name].file, candidates[name].data
                        if name in linked:  # protoc prefers a source to a descriptor
                            Path(tmp, name).unlink()
                            linked.remove(name)
            link(n for n in (*on_disk, *in_memory) if n not in offers)
            rest = [t for t in changed if t not in files]
            if rest and not run(rest):
                return None
    image = _assembled(targets, files, encoded, offers, checked,
                       donors[checked].image if checked >= 0 else None)
    if image is not None and checked >= 0:
        dependents.remember(dependents.Kept(donors[checked].image, image, frozenset(
            n for n, o in offers.items() if n in stale and o is stale[n]), donors[checked].key))
    return image


def _compiled(names: Sequence[str], include: Sequence[Path], offers: Mapping[str, Offer],
              imports: Callable[[str], Sequence[str] | None], compile_: Compile,
              ) -> list[tuple[descriptor_pb2.FileDescriptorProto, bytes | None]] | None:
    """protoc's files for ``names`` with their bytes where kept; None when it fails.

    protoc reads only the imports of what it compiles, but parses every descriptor it is given:
    it gets the offers those imports reach, as last compiled; an edit that adds an import fails
    that run, and the next gives every offer."""
    reached = _reached(names, lambda n: imports_of(offers[n].file) if n in offers
                       else imports(n))
    given = [n for n in offers if n in reached] if reached is not None else list(offers)
    attempts = [given] if len(given) == len(offers) else [given, list(offers)]
    for attempt in attempts:
        imported = encode_set(without_field(offers[n].data, SOURCE_CODE_INFO) for n in attempt)
        try:
            compiled, fresh = compile_(include, names, imported, frozenset(offers))
        except ProtopactError:
            continue
        return [(f, fresh.get(f.name)) for f in compiled]
    return None


def _assembled(targets: Sequence[str], files: Mapping[str, descriptor_pb2.FileDescriptorProto],
               encoded: Mapping[str, bytes], offers: Mapping[str, Offer], checked: int,
               donor: Image | None) -> Image | None:
    """The image of ``targets``; None when a file is missing or names collide (see
    :func:`collides`). ``donor`` is the compile offering the most files."""
    ordered = _dependency_order(targets, files, donor)
    if ordered is None:
        return None
    if collides(ordered, {f.name for f in ordered
                            if f.name not in offers or offers[f.name].donor != checked}):
        return None
    # every file listed, as after most edits: the bytes are all the image's
    kept = encoded if len(ordered) == len(files) else {f.name: encoded[f.name] for f in ordered
                                                       if f.name in encoded}
    return Image(ordered, frozenset(targets), encoded=kept)


def _reached(names: Sequence[str], imports: Callable[[str], Sequence[str] | None],
             ) -> set[str] | None:
    """``names`` and the files their imports reach, directly or not; None when a file on the way
    has no known imports (a new file)."""
    seen = set(names)
    pending = list(names)
    while pending:
        dependencies = imports(pending.pop())
        if dependencies is None:
            return None
        for dependency in dependencies:
            if dependency not in seen:
                seen.add(dependency)
                pending.append(dependency)
    return seen


def _dependency_order(targets: Sequence[str], files: Mapping[str, descriptor_pb2.FileDescriptorProto],
                      donor: Image | None) -> tuple[descriptor_pb2.FileDescriptorProto, ...] | None:
    """The files as protoc lists them: each target in order, after the imports not yet listed
    (depth first, in import order); None when one is missing. That order follows from the
    targets and each file's imports alone: when those are ``donor``'s, as after most edits,
    it is ``donor``'s."""
    if donor is not None and _same_graph(targets, files, donor):
        return tuple(files[f.name] for f in donor.files)
    order = dependencies_first(targets, lambda n: imports_of(files[n]) if n in files else ())
    return None if any(n not in files for n in order) else tuple(files[n] for n in order)


def _same_graph(targets: Sequence[str], files: Mapping[str, descriptor_pb2.FileDescriptorProto],
                donor: Image) -> bool:
    """Whether ``files`` are ``donor``'s files by name, each with the same imports, and
    ``targets`` its targets."""
    return len(files) == len(donor.files) and donor.targets == frozenset(targets) \
        and imports_as_before(files.values(), donor.by_name)


def collides(files: Sequence[descriptor_pb2.FileDescriptorProto], suspects: Collection[str],
               ) -> bool:
    """Whether two files define the same full name, or a file defines a package's name, given
    that only the files named in ``suspects`` may: a name two files share, or a file's name that
    is a package, starts with both files' packages, so only files whose packages are on one line
    with a suspect's (one a prefix of the other) are looked at."""
    suspect_packages = {f.package for f in files if f.name in suspects}
    below = {prefix for p in suspect_packages for prefix in _prefixes(p)}
    defined: dict[str, str] = {}
    packages: set[str] = set()
    for f in files:
        prefixes = _prefixes(f.package)
        if f.name not in suspects and f.package not in below and suspect_packages.isdisjoint(prefixes):
            continue
        packages.update(prefixes[1:])
        for name in _names(f):
            if defined.setdefault(name, f.name) != f.name:
                return True
    return any(p in defined for p in packages)


@cache  # a large tree's files share a few packages
def _prefixes(package: str) -> tuple[str, ...]:
    """``package`` and the packages it is in, the root package ("") first."""
    parts = package.split(".") if package else []
    return ("", *(".".join(parts[: i + 1]) for i in range(len(parts))))


def _names(f: descriptor_pb2.FileDescriptorProto) -> Iterator[str]:
    """The names ``f`` defines at its package's level. A nested name two files share needs its
    enclosing message defined by both, or a package of one named as the other's message: either
    is seen at this level, so the nested names need no look."""
    prefix = f"{f.package}." if f.package else ""
    yield from (prefix + s.name for s in f.service)
    yield from (prefix + e.name for e in f.extension)
    yield from (prefix + m.name for m in f.message_type)
    for enum in f.enum_type:
        yield prefix + enum.name
        # protoc scopes enum values beside their enum, as C++ does
        yield from (prefix + v.name for v in enum.value)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
