"""The dependents of an edited file that compile exactly as before, reused rather than compiled.

A file whose text did not change but that imports an edited file, directly or not, compiles to the
same descriptor as long as every name in it resolves as before, to definitions that are as before.
protoc resolves a name by its first component, looked up from the file's innermost scope outwards
among the definitions of the file and of what it imports; a name that two scopes offer goes to
the inner one. So when each changed file of a dependent's import closure compiles, source info
aside, to its previous descriptor with whole top-level definitions added or removed (a message,
an enum and its values, a service, an extension), the others as they were, a dependent whose
text spells none of the names added or removed resolves everything as before: every type
reference, option name and option value names its first component in the text. Any other change
in the closure (a field, an import, an option) and the dependent compiles again. A new name that
collides with another file's is found on the assembled image, as for every incremental compile
(see :mod:`.incremental`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from .image import Image, same_bytes
from .order import dependencies_first, imports_as_before, imports_of
from .undecoded import decoded


@dataclass(frozen=True)
class Kept:
    """Dependents a compile reused unchanged: each resolves every name it uses to the same
    definitions of the same files in ``image``, the compile's, as in ``donor``, the earlier
    compile it was reused from. Those are facts about the files' contents, which a reader checks
    against the images' bytes (a lint keeps its findings on which file defines what, see
    protopact.checks.reuse)."""

    donor: Image
    image: Image
    names: frozenset[str]
    donor_key: str | None = None  # the donor's cache key, when it has one


# the latest incremental compile's, in this process
LATEST: list[Kept] = []


def remember(kept: Kept) -> None:
    LATEST[:] = [kept]


def names_changed(old: FileDescriptorProto, new: FileDescriptorProto) -> frozenset[str] | None:
    """The names defined at the package's level by one of ``old`` and ``new`` and not the other,
    when every definition of a name both define is the same and nothing else differs but the
    source info; None otherwise."""
    before, after = FileDescriptorProto(), FileDescriptorProto()
    before.CopyFrom(decoded(old))
    after.CopyFrom(decoded(new))
    changed: set[str] = set()
    for field in ("message_type", "enum_type", "service", "extension"):
        kept, now = ({d.name: d for d in getattr(f, field)} for f in (before, after))
        if len(kept) != len(getattr(before, field)) or len(now) != len(getattr(after, field)):
            return None  # a name defined twice: protoc refuses it
        if any(kept[name] != now[name] for name in kept.keys() & now.keys()):
            return None
        for name in kept.keys() ^ now.keys():
            changed.update(_defined(field, kept.get(name) or now[name]))
        before.ClearField(field)  # type: ignore[arg-type]
        after.ClearField(field)  # type: ignore[arg-type]
    before.ClearField("source_code_info")
    after.ClearField("source_code_info")
    return frozenset(changed) if before == after else None


def _defined(field: str, definition: object) -> Iterator[str]:
    yield definition.name  # type: ignore[attr-defined]
    if field == "enum_type":  # protoc scopes enum values beside their enum, as C++ does
        yield from (v.name for v in definition.value)  # type: ignore[attr-defined]


def unchanged(candidates: Mapping[str, FileDescriptorProto],
              current: Mapping[str, FileDescriptorProto], encoded: Mapping[str, bytes],
              previous: Image, spells: Callable[[str, Sequence[bytes]], bool | None]) -> set[str]:
    """The ``candidates`` (files whose text is unchanged, as the earlier compile ``previous``
    compiled them) that compile as they did, given the files compiled or reused now
    (``current``, with their bytes where known: ``encoded``); ``spells`` says whether a
    candidate's source holds one of some words (None: not at hand)."""
    def imports(name: str) -> Sequence[str]:
        found = current.get(name) or candidates.get(name)
        return imports_of(found) if found is not None else ()

    def own(name: str) -> frozenset[str] | None:
        now, before = current.get(name), previous.by_name.get(name)
        if now is None or before is None:
            return None
        if now is before or same_bytes(encoded.get(name) or now.SerializeToString(),
                                       previous.file_bytes(before)):
            return frozenset()
        return names_changed(before, now)

    added: dict[str, frozenset[str] | None] = {}  # names new to each file's closure; None: unknown
    spelled: dict[frozenset[str], tuple[bytes, ...]] = {}  # each set of names, encoded once
    kept: set[str] = set()
    as_before = previous.by_name
    # after most edits the files import what they did: the previous image's order serves, and
    # a file reused from it as it is has nothing new in its closure (not looked at: none added)
    skipping = imports_as_before(current.values(), as_before)
    order = (f.name for f in previous.files) if skipping \
        else dependencies_first(candidates, imports)
    unseen: frozenset[str] | None = frozenset() if skipping else None  # else: only in a cycle
    for name in order:
        if skipping and name not in candidates and current.get(name) is as_before[name]:
            continue
        inherited = _union(added.get(d, unseen) for d in imports(name))
        if name in candidates and name not in current:
            # reused, it is the previous compile's; else compiled again: anything may differ
            reused = False
            if inherited is not None:
                words = spelled.get(inherited)
                if words is None:
                    words = spelled[inherited] = tuple(n.encode() for n in inherited)
                reused = spells(name, words) is False
            if reused:
                kept.add(name)
            added[name] = inherited if reused else None
        else:
            added[name] = _union([inherited, own(name)])
    return kept


def _union(parts: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """The names of all ``parts``: the very part when the others are empty or equal to it, as
    after most edits, where every dependent inherits the same names."""
    found: list[frozenset[str]] = []
    for part in parts:
        if part is None:
            return None
        if part and part not in found:
            found.append(part)
    if len(found) < 2:
        return found[0] if found else frozenset()
    return frozenset().union(*found)
